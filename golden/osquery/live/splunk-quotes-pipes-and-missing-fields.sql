-- Script Host with Quoted Pipeline Arguments
-- rule_id: 5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d
-- description: A script host run with a command line holding quotes, a pipe and brackets, a case-sensitive switch, a one-character wildcard and a long command line: the values and the missing-field semantics SPL must keep.
-- severity: medium (risk 47)
-- attack: TA0002 Execution / T1059 T1059.005
-- reference: https://help.splunk.com/splunk-enterprise/search/search-manual/9.4/search-primer/backslashes
-- false_positive: Administrative scripts that pipe output between commands.
-- author: ruleport
-- dates: created 2025/02/10, updated 2025/06/01
-- license: Apache-2.0
-- schedule: every 900s (rule interval 15m, look-back now-30m)
-- osquery: profile live, platform windows, table processes
SELECT p.*, parent.path AS parent_path
FROM processes AS p
LEFT JOIN processes AS parent ON parent.pid = p.parent
WHERE lower(p.name) IN ('wscript.exe', 'cscript.exe')
  AND p.cmdline LIKE '%"C:\Users\%\[run].js" | more%'
  AND p.cmdline GLOB '*/B*'
  AND parent.path LIKE '_:\Windows\explorer.exe'
  AND NOT (length(p.cmdline) > 2000)
  AND (p.cwd IS NULL OR p.cwd NOT LIKE 'C:\Program Files\%');
