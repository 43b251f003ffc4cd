-- Escaping Fixture: It's 100% Done
-- rule_id: 7c0f3d2a-1b5e-4f6a-8d9c-2e3f4a5b6c05
-- description: Escaping fixture for the osquery target: single quotes, percent signs, underscores and backslashes in literal parts of case-insensitive wildcards (LIKE ... ESCAPE), case-sensitive equality and case-sensitive wildcards (GLOB).
-- severity: low (risk 21)
-- attack: TA0002 Execution
-- author: ruleport
-- dates: created 2026/11/27, updated 2026/11/27
-- license: Apache-2.0
-- schedule: every 300s (rule interval 5m, look-back now-9m)
-- osquery: profile events, platform windows, table process_etw_events
-- osquery setup: --disable_events=false --enable_process_etw_events=true (osquery-detection-reference: process_start.windows.flag)
SELECT e.*, parent.path AS parent_path
FROM process_etw_events AS e
LEFT JOIN processes AS parent ON parent.pid = e.ppid
WHERE e.type = 'ProcessStart'
  AND e.cmdline LIKE '%it''s 100\%\_done%' ESCAPE '\'
  AND e.path = 'C:\Temp\a_b''c.exe'
  AND parent.path LIKE 'C:\Temp\%[x]_.exe'
  AND (e.cmdline IS NULL OR e.cmdline NOT GLOB '*[[]debug]*');
