-- LSASS Memory Dump via Comsvcs MiniDump
-- rule_id: 0d4f1e33-6081-4ca2-93e4-5f6a7b8c9d04
-- description: Identifies rundll32 using comsvcs.dll MiniDump, a living-off-the-land way to dump LSASS memory.
-- severity: high (risk 73)
-- attack: TA0006 Credential Access / T1003 T1003.001
-- reference: https://lolbas-project.github.io/lolbas/Libraries/comsvcs/
-- author: ruleport
-- dates: created 2023/11/20, updated 2025/05/02
-- license: Apache-2.0
-- schedule: every 300s (rule interval 5m, look-back now-9m)
-- osquery: profile events, platform windows, table process_etw_events
-- osquery setup: --disable_events=false --enable_process_etw_events=true (osquery-detection-reference: process_start.windows.flag)
SELECT e.*, pe.original_filename AS pe_original_filename
FROM process_etw_events AS e
LEFT JOIN file AS pe ON pe.path = e.path
WHERE e.type = 'ProcessStart'
  AND (e.path LIKE '%\rundll32.exe' OR pe.original_filename = 'RUNDLL32.EXE')
  AND e.cmdline LIKE '%comsvcs%'
  AND regex_match(e.cmdline, '^(?:[\s\S]*(?:[mM][iI][nN][iI][dD][uU][mM][pP]|#\+?24)[\s\S]*)$', 0) IS NOT NULL
  AND length(e.cmdline) > 20;
