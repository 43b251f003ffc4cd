-- Encoded PowerShell Spawned by an Office Application
-- rule_id: 5a1c8f0e-3b1d-4c52-9a7e-0c6f2b7d9e01
-- description: Identifies PowerShell started by a Microsoft Office application with an encoded command, a common macro payload pattern.
-- severity: high (risk 73)
-- attack: TA0002 Execution / T1059 T1059.001
-- reference: https://attack.mitre.org/techniques/T1059/001/
-- author: ruleport
-- dates: created 2024/02/01, updated 2025/06/10
-- license: Apache-2.0
-- schedule: every 300s (rule interval 5m, look-back now-9m)
-- osquery: profile events, platform windows, table process_etw_events
-- osquery setup: --disable_events=false --enable_process_etw_events=true (osquery-detection-reference: process_start.windows.flag)
SELECT e.*, parent.name AS parent_name, pe.original_filename AS pe_original_filename
FROM process_etw_events AS e
LEFT JOIN processes AS parent ON parent.pid = e.ppid
LEFT JOIN file AS pe ON pe.path = e.path
WHERE e.type = 'ProcessStart'
  AND lower(parent.name) IN ('winword.exe', 'excel.exe', 'powerpnt.exe', 'outlook.exe')
  AND ((e.path LIKE '%\powershell.exe' OR e.path LIKE '%\pwsh.exe') OR pe.original_filename = 'PowerShell.EXE')
  AND (e.cmdline LIKE '% -enc %' OR e.cmdline LIKE '% -EncodedCommand %' OR e.cmdline LIKE '% -e_ %')
  AND (e.path IS NULL OR e.path NOT LIKE '_:\Program Files\%\powershell.exe');
