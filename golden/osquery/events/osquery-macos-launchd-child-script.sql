-- Short Shell Script Started by launchd
-- rule_id: 7c0f3d2a-1b5e-4f6a-8d9c-2e3f4a5b6c03
-- description: Identifies a short-named shell script started directly by launchd as root, a pattern of persistence through launch daemons. Written for the osquery target: es_process_events, a case-insensitive regex and a parent join.
-- severity: low (risk 21)
-- attack: TA0003 Persistence / T1543 T1543.004
-- author: ruleport
-- dates: created 2026/11/27, updated 2026/11/27
-- license: Apache-2.0
-- schedule: every 300s (rule interval 5m, look-back now-9m)
-- osquery: profile events, platform darwin, table es_process_events
-- osquery setup: --disable_events=false --disable_endpointsecurity=false, macOS 10.15 or later (osquery-detection-reference: process_start.darwin.flag)
SELECT e.*, parent.name AS parent_name
FROM es_process_events AS e
LEFT JOIN processes AS parent ON parent.pid = e.parent
WHERE e.event_type = 'exec'
  AND regex_match(e.path, '^(?:[\s\S]*/(?:[a-z0-9A-Z]{1,3}\.[sS][hH]))$', 0) IS NOT NULL
  AND parent.name = 'launchd'
  AND e.uid = '0'
  AND (e.path IS NULL OR e.path NOT LIKE '/usr/libexec/%');
