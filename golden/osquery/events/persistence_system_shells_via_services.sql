-- System Shells via Services
-- rule_id: 0022d47d-39c7-4f69-a232-4fe9dc7a3acd
-- description: Windows services typically run as SYSTEM and can be used as a privilege escalation opportunity. Malware or penetration testers may run a shell as a service to gain SYSTEM permissions.
-- severity: medium (risk 47)
-- attack: TA0003 Persistence / T1543 T1543.003
-- author: Elastic
-- dates: created 2020/02/18, updated 2022/04/13
-- license: Elastic License v2
-- schedule: every 300s (rule interval 5m, look-back now-9m)
-- osquery: profile events, platform windows, table process_etw_events
-- osquery setup: --disable_events=false --enable_process_etw_events=true (osquery-detection-reference: process_start.windows.flag)
SELECT e.*, parent.name AS parent_name
FROM process_etw_events AS e
LEFT JOIN processes AS parent ON parent.pid = e.ppid
WHERE e.type = 'ProcessStart'
  AND lower(parent.name) = 'services.exe'
  AND (e.path LIKE '%\cmd.exe' OR e.path LIKE '%\powershell.exe' OR e.path LIKE '%\pwsh.exe' OR e.path LIKE '%\\powershell\_ise.exe' ESCAPE '\')
  AND (e.cmdline IS NULL OR e.cmdline NOT LIKE '%NVDisplay.ContainerLocalSystem%');
