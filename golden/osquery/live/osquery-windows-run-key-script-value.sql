-- Run Key Value Starting a Script Interpreter
-- rule_id: 7c0f3d2a-1b5e-4f6a-8d9c-2e3f4a5b6c02
-- description: Identifies a Run key value that starts a script interpreter. In osquery this is only a hunt over the registry table (profile live): osquery has no registry event table.
-- severity: medium (risk 47)
-- attack: TA0003 Persistence / T1547 T1547.001
-- author: ruleport
-- dates: created 2026/11/27, updated 2026/11/27
-- license: Apache-2.0
-- schedule: every 300s (rule interval 5m, look-back now-9m)
-- osquery: profile live, platform windows, table registry
SELECT r.*
FROM registry AS r
WHERE (r.path LIKE 'HKEY\_USERS\\%\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\%' ESCAPE '\' OR r.path LIKE 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run\%')
  AND (r.data LIKE '%powershell%' OR r.data LIKE '%mshta%' OR r.data LIKE '%wscript%')
  AND (r.name IS NULL OR r.name <> 'OneDrive');
