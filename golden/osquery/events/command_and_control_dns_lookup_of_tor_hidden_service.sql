-- DNS Lookup of an Anonymising Network Domain
-- rule_id: 7b2d9c11-4e6f-4a80-b1c2-3d4e5f6a7b02
-- description: Detects a process resolving an onion or I2P domain name, which indicates an anonymising network client on the host.
-- severity: medium (risk 47)
-- attack: TA0011 Command and Control / T1090 T1090.003
-- author: ruleport
-- dates: created 2024/03/12, updated 2025/01/20
-- license: Apache-2.0
-- schedule: every 300s (rule interval 5m, look-back now-9m)
-- osquery: profile events, platform windows, table dns_lookup_events
-- osquery setup: --disable_events=false --enable_dns_lookup_events=true
SELECT e.*
FROM dns_lookup_events AS e
WHERE (e.name LIKE '%.onion' OR e.name LIKE '%.i2p')
  AND (e.path IS NULL OR e.path NOT LIKE 'c:\program files\tor browser\%');
