-- Burst of Downloader Executions by One User
-- rule_id: 7c0f3d2a-1b5e-4f6a-8d9c-2e3f4a5b6c04
-- description: Identifies a burst of curl or wget executions by one user. Written for the osquery target: a threshold rule becomes GROUP BY ... HAVING count(*) over process_events.
-- severity: low (risk 21)
-- attack: TA0011 Command and Control / T1105
-- author: ruleport
-- dates: created 2026/11/27, updated 2026/11/27
-- license: Apache-2.0
-- schedule: every 300s (rule interval 5m, look-back now-9m)
-- osquery: profile events, platform linux, table process_events
-- osquery setup: --disable_events=false --disable_audit=false --audit_allow_config=true --audit_allow_process_events=true (osquery-detection-reference: process_start.linux.flag)
SELECT e.uid, count(*) AS count
FROM process_events AS e
WHERE (e.path GLOB '*/curl' OR e.path GLOB '*/wget')
  AND (e.cmdline IS NULL OR e.cmdline NOT GLOB '*--version*')
  AND e.uid IS NOT NULL
GROUP BY e.uid
HAVING count(*) >= 20;
