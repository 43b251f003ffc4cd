-- Shell History Cleared on Linux
-- rule_id: 2f613055-82a3-4ec4-b506-7b8c9d0e1f06
-- description: Detects commands that clear or unlink the shell history file on Linux.
-- severity: medium (risk 47)
-- attack: TA0005 Defense Evasion / T1070 T1070.003
-- author: ruleport
-- dates: created 2024/05/07, updated 2025/04/01
-- license: Apache-2.0
-- schedule: every 300s (rule interval 5m, look-back now-9m)
-- osquery: profile events, platform linux, table process_events
-- osquery setup: --disable_events=false --disable_audit=false --audit_allow_config=true --audit_allow_process_events=true (osquery-detection-reference: process_start.linux.flag)
SELECT e.*, parent.path AS parent_path
FROM process_events AS e
LEFT JOIN processes AS parent ON parent.pid = e.parent
WHERE (((e.path GLOB '*/rm' OR e.path GLOB '*/shred' OR e.path GLOB '*/unlink') AND (e.cmdline GLOB '*/.bash_history*' OR e.cmdline GLOB '*/.zsh_history*')) OR (e.path GLOB '*/history' AND e.cmdline GLOB '*-c*') OR (e.cmdline LIKE '%HISTFILE%' AND e.cmdline LIKE '%/dev/null%'))
  AND (parent.path IS NULL OR parent.path NOT IN ('/usr/bin/apt', '/usr/bin/dpkg'));
