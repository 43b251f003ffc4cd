-- Sigma Escaping of Literal Wildcards
-- rule_id: 8f1d2c3b-4a5e-4f60-9a7b-1c2d3e4f5a6b
-- description: Command lines that carry a literal asterisk or question mark, paths matched with a drive-letter wildcard and a trailing backslash before a wildcard, and a case-sensitive exact match: the values Sigma escaping must keep apart.
-- severity: low (risk 21)
-- attack: TA0002 Execution / T1059 T1059.003
-- reference: https://github.com/SigmaHQ/sigma-specification
-- author: ruleport
-- dates: created 2024/03/05, updated 2024/11/20
-- license: Apache-2.0
-- schedule: every 300s (rule interval 5m, look-back now-9m)
-- osquery: profile events, platform windows, table process_etw_events
-- osquery setup: --disable_events=false --enable_process_etw_events=true (osquery-detection-reference: process_start.windows.flag)
SELECT e.*, proc.cwd AS proc_cwd, parent.path AS parent_path
FROM process_etw_events AS e
LEFT JOIN processes AS parent ON parent.pid = e.ppid
LEFT JOIN processes AS proc ON proc.pid = e.pid
WHERE e.type = 'ProcessStart'
  AND (e.path LIKE '_:\Users\%\AppData\Local\Temp\%' OR e.path LIKE 'C:\Tools\x_.exe')
  AND e.cmdline = 'cmd.exe /c dir *.txt'
  AND lower(proc.cwd) = 'c:\temp\'
  AND (parent.path IS NULL OR parent.path NOT IN ('C:\Windows\explorer.exe', 'C:\Program Files\a*b\c.exe'));
