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
-- osquery: profile events, platform windows, table process_etw_events
-- osquery setup: --disable_events=false --enable_process_etw_events=true (osquery-detection-reference: process_start.windows.flag)
SELECT e.*, parent.path AS parent_path, proc.cwd AS proc_cwd
FROM process_etw_events AS e
LEFT JOIN processes AS parent ON parent.pid = e.ppid
LEFT JOIN processes AS proc ON proc.pid = e.pid
WHERE e.type = 'ProcessStart'
  AND (e.path LIKE '%\wscript.exe' OR e.path LIKE '%\cscript.exe')
  AND e.cmdline LIKE '%"C:\Users\%\[run].js" | more%'
  AND e.cmdline GLOB '*/B*'
  AND parent.path LIKE '_:\Windows\explorer.exe'
  AND NOT (length(e.cmdline) > 2000)
  AND (proc.cwd IS NULL OR proc.cwd NOT LIKE 'C:\Program Files\%');
