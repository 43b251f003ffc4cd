-- Shell History Cleared on Linux
-- rule_id: 2f613055-82a3-4ec4-b506-7b8c9d0e1f06
-- description: Detects commands that clear or unlink the shell history file on Linux.
-- severity: medium (risk 47)
-- attack: TA0005 Defense Evasion / T1070 T1070.003
-- author: ruleport
-- dates: created 2024/05/07, updated 2025/04/01
-- license: Apache-2.0
-- schedule: every 300s (rule interval 5m, look-back now-9m)
-- osquery: profile live, platform linux, table processes
SELECT p.*, parent.path AS parent_path
FROM processes AS p
LEFT JOIN processes AS parent ON parent.pid = p.parent
WHERE (((p.path GLOB '*/rm' OR p.path GLOB '*/shred' OR p.path GLOB '*/unlink') AND (p.cmdline GLOB '*/.bash_history*' OR p.cmdline GLOB '*/.zsh_history*')) OR (p.path GLOB '*/history' AND p.cmdline GLOB '*-c*') OR (p.cmdline LIKE '%HISTFILE%' AND p.cmdline LIKE '%/dev/null%'))
  AND (parent.path IS NULL OR parent.path NOT IN ('/usr/bin/apt', '/usr/bin/dpkg'));
