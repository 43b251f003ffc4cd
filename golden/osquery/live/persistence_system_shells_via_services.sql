-- System Shells via Services
-- rule_id: 0022d47d-39c7-4f69-a232-4fe9dc7a3acd
-- description: Windows services typically run as SYSTEM and can be used as a privilege escalation opportunity. Malware or penetration testers may run a shell as a service to gain SYSTEM permissions.
-- severity: medium (risk 47)
-- attack: TA0003 Persistence / T1543 T1543.003
-- author: Elastic
-- dates: created 2020/02/18, updated 2022/04/13
-- license: Elastic License v2
-- schedule: every 300s (rule interval 5m, look-back now-9m)
-- osquery: profile live, platform windows, table processes
SELECT p.*, parent.name AS parent_name
FROM processes AS p
LEFT JOIN processes AS parent ON parent.pid = p.parent
WHERE lower(parent.name) = 'services.exe'
  AND lower(p.name) IN ('cmd.exe', 'powershell.exe', 'pwsh.exe', 'powershell_ise.exe')
  AND (p.cmdline IS NULL OR p.cmdline NOT LIKE '%NVDisplay.ContainerLocalSystem%');
