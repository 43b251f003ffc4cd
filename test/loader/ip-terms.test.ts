/**
 * CIDR blocks on ECS `ip` fields: Elasticsearch matches a term written as a
 * CIDR block against the whole address range, so lowering turns such values
 * into cidrMatch tests, which the evaluator runs as range tests.
 */
import { describe, expect, it } from "vitest";
import { parseRule } from "../../src/compile.js";
import { evaluate } from "../../src/eval/evaluate.js";
import { isCidrBlock, isEcsIpField } from "../../src/frontend/ip-terms.js";
import type { RuleIR } from "../../src/ir/nodes.js";

function rule(language: "kuery" | "eql", query: string): RuleIR {
  const text = `[metadata]
creation_date = "2024/01/01"
updated_date = "2024/01/01"
[rule]
author = ["t"]
description = "d"
name = "n"
rule_id = "00000000-0000-4000-8000-000000000001"
risk_score = 21
severity = "low"
type = "${language === "eql" ? "eql" : "query"}"
language = "${language}"
index = ["logs-*"]
query = '''
${query}
'''
`;
  const p = parseRule("t.toml", text);
  if (!p.ir) throw new Error(p.parseDiagnostics.map((d) => d.message).join("; "));
  return p.ir;
}
const alerts = (r: RuleIR, events: object[]) => evaluate(r, events.map((e) => ({ "@timestamp": "2024-01-01T00:00:00Z", ...e }))).alerts.length;

describe("CIDR values of ip fields", () => {
  it("recognises ECS ip fields and CIDR blocks by their form", () => {
    expect(["source.ip", "destination.nat.ip", "related.ip", "dns.resolved_ip"].every(isEcsIpField)).toBe(true);
    expect(["source.address", "ip_address", "process.name"].some(isEcsIpField)).toBe(false);
    expect(["10.0.0.0/8", "192.168.1.0/24", "FE80::/10", "::1/128"].every(isCidrBlock)).toBe(true);
    expect(["10.0.0.0", "300.0.0.0/8", "10.0.0.0/33", "a/b", "::1/129"].some(isCidrBlock)).toBe(false);
  });
  it("KQL: a block is a range test, a plain address stays a term, in one disjunction", () => {
    const r = rule("kuery", "destination.ip:(10.0.0.0/8 or 192.0.2.7)");
    const c = r.query.kind === "event" ? r.query.condition : null;
    expect(c?.kind).toBe("or");
    expect(alerts(r, [{ destination: { ip: "10.20.30.40" } }])).toBe(1);
    expect(alerts(r, [{ destination: { ip: "192.0.2.7" } }])).toBe(1);
    expect(alerts(r, [{ destination: { ip: "11.0.0.1" } }])).toBe(0);
  });
  it("KQL: a negated block keeps addresses outside the range (IPv6 too)", () => {
    const r = rule("kuery", 'event.category:network and not destination.ip:("FE80::/10" or 127.0.0.0/8)');
    expect(alerts(r, [{ event: { category: "network" }, destination: { ip: "fe80::1" } }])).toBe(0);
    expect(alerts(r, [{ event: { category: "network" }, destination: { ip: "127.0.0.1" } }])).toBe(0);
    expect(alerts(r, [{ event: { category: "network" }, destination: { ip: "8.8.8.8" } }])).toBe(1);
  });
  it("EQL: equality with a block on an ip field is a range test; other fields keep text semantics", () => {
    expect(alerts(rule("eql", 'network where source.ip == "10.0.0.0/8"'), [{ event: { category: "network" }, source: { ip: "10.9.9.9" } }])).toBe(1);
    expect(alerts(rule("eql", 'network where url.path == "10.0.0.0/8"'), [{ event: { category: "network" }, url: { path: "10.9.9.9" } }])).toBe(0);
  });
});

describe("`.caseless` sub-fields", () => {
  it("match the base field case-insensitively (Elasticsearch normalizes both sides to lowercase)", () => {
    const r = rule("kuery", 'process.name.caseless:"cmd.exe" and not process.parent.name.caseless:explorer.exe');
    expect(alerts(r, [{ process: { name: "CMD.EXE", parent: { name: "services.exe" } } }])).toBe(1);
    expect(alerts(r, [{ process: { name: "cmd.exe", parent: { name: "Explorer.EXE" } } }])).toBe(0);
    expect(alerts(r, [{ process: { name: "cmd2.exe" } }])).toBe(0);
    const c = r.query.kind === "event" ? JSON.stringify(r.query.condition) : "";
    expect(c).not.toContain(".caseless");
  });
});
