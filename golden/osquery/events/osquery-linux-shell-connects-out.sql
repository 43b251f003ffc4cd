-- Shell Process Connecting to a Reverse-Shell Port
-- rule_id: 7c0f3d2a-1b5e-4f6a-8d9c-2e3f4a5b6c01
-- description: Identifies a shell or netcat process connecting to a port commonly used by reverse shells, outside private and loopback ranges. Written for the osquery target: socket_events on Linux, cidrMatch over IPv4 and IPv6 blocks.
-- severity: medium (risk 47)
-- attack: TA0011 Command and Control / T1071
-- author: ruleport
-- dates: created 2026/11/27, updated 2026/11/27
-- license: Apache-2.0
-- schedule: every 300s (rule interval 5m, look-back now-9m)
-- osquery: profile events, platform linux, table socket_events
SELECT e.*
FROM socket_events AS e
WHERE e.action = 'connect'
  AND (e.path LIKE '%/bash' OR e.path LIKE '%/sh' OR e.path LIKE '%/dash' OR e.path LIKE '%/nc' OR e.path LIKE '%/ncat')
  AND e.remote_port IN (4444, 1337, 9001)
  AND NOT coalesce((inet_aton(e.remote_address) BETWEEN 167772160 AND 184549375 OR inet_aton(e.remote_address) BETWEEN 2130706432 AND 2147483647 OR inet_aton(e.remote_address) BETWEEN 3232235520 AND 3232301055 OR CASE WHEN instr(e.remote_address, ':') > 0 THEN in_cidr_block('::1/128', e.remote_address) END OR CASE WHEN instr(e.remote_address, ':') > 0 THEN in_cidr_block('fe80::/10', e.remote_address) END), 0);
