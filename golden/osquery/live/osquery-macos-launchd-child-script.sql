-- Short Shell Script Started by launchd
-- rule_id: 7c0f3d2a-1b5e-4f6a-8d9c-2e3f4a5b6c03
-- description: Identifies a short-named shell script started directly by launchd as root, a pattern of persistence through launch daemons. Written for the osquery target: es_process_events, a case-insensitive regex and a parent join.
-- severity: low (risk 21)
-- attack: TA0003 Persistence / T1543 T1543.004
-- author: ruleport
-- dates: created 2026/11/27, updated 2026/11/27
-- license: Apache-2.0
-- schedule: every 300s (rule interval 5m, look-back now-9m)
-- osquery: profile live, platform darwin, table processes
SELECT p.*, parent.name AS parent_name
FROM processes AS p
LEFT JOIN processes AS parent ON parent.pid = p.parent
WHERE regex_match(p.path, '^(?:[\s\S]*/(?:[a-z0-9A-Z]{1,3}\.[sS][hH]))$', 0) IS NOT NULL
  AND parent.name = 'launchd'
  AND p.uid = '0'
  AND (p.path IS NULL OR p.path NOT LIKE '/usr/libexec/%');
