/**
 * Generator tests: determinism, the kinds of near-misses, sequences, and
 * agreement with the evaluator on hand-built rules.
 */
import { describe, expect, it } from "vitest";
import { checkEvents } from "../../src/eval/check.js";
import { generateEvents, type GeneratedEvent } from "../../src/eval/generate.js";
import type { RuleIR } from "../../src/ir/nodes.js";
import { and, call, colon, eq, event, exists, field, lit, match, nested, not, num, regex, cmp, rule, sequence, str, term, test } from "./ir.js";

const whys = (events: GeneratedEvent[], match: boolean): string[] => events.filter((e) => e._expect?.match === match).map((e) => (e._expect as { why: string }).why);

function agree(r: RuleIR, seed = 1): { positives: number; negatives: number } {
  const g = generateEvents(r, { seed });
  expect(g.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const res = checkEvents(r, g.events);
  for (const v of res.verdicts) expect({ why: v.why, actual: v.actual }).toEqual({ why: v.why, actual: v.expected });
  return { positives: res.verdicts.filter((v) => v.expected).length, negatives: res.verdicts.filter((v) => !v.expected).length };
}

const proc = rule(
  event(
    "process",
    and(
      eq("process.name", "cmd.exe"),
      colon("file.path", "?:\\Temp\\*"),
      not(eq("user.name", "SYSTEM")),
    ),
  ),
);

describe("generateEvents", () => {
  it("is deterministic for a seed", () => {
    expect(generateEvents(proc, { seed: 42 })).toEqual(generateEvents(proc, { seed: 42 }));
  });

  it("makes positives and one-flip negatives that the evaluator agrees with", () => {
    const { positives, negatives } = agree(proc);
    expect(positives).toBeGreaterThan(0);
    expect(negatives).toBeGreaterThan(3);
  });

  it("flips one thing per negative: case under ==, an extra character for ?, the excluded value of not, a missing field, the category", () => {
    const g = generateEvents(proc, { seed: 3 });
    const neg = whys(g.events, false).join("\n");
    expect(neg).toMatch(/case variant "CMD\.exe"|case variant "Cmd\.exe"|case variant "cMD\.exe"|case variant .* of process\.name/);
    expect(neg).toMatch(/one character more in file\.path/);
    expect(neg).toMatch(/the excluded value of a not: user\.name = "SYSTEM"/);
    expect(neg).toMatch(/process\.name missing/);
    expect(neg).toMatch(/another event category/);
  });

  it("does not make a case-variant negative where matching is case-insensitive", () => {
    const g = generateEvents(rule(event("any", colon("process.name", "cmd.exe"))), { seed: 1 });
    expect(whys(g.events, false).some((w) => w.includes("case variant"))).toBe(false);
  });

  it("handles ranges, regexes, CIDR and string functions", () => {
    agree(rule(event("any", and(cmp(field("process.args_count"), ">=", num(3)), regex(field("dns.question.name"), false, "[a-z0-9]{3,}\\.onion")))));
    agree(rule(event("any", and(test(call("cidrMatch", [field("destination.ip"), str("10.0.0.0/8"), str("2001:db8::/32")])), test(call("startsWith", [field("process.name"), str("power")], true))))));
    agree(rule(event("any", and(cmp(call("length", [field("process.command_line")]), ">", num(20)), match(call("substring", [field("process.name"), num(-4)]), [lit(".exe")], true)))));
  });

  it("needs multi-valued fields when one field must hold several values", () => {
    const r = rule(event("any", and(eq("process.args", "-enc"), eq("process.args", "-nop"))));
    const g = generateEvents(r, { seed: 1 });
    const pos = g.events.find((e) => e._expect?.match === true) as GeneratedEvent;
    expect((pos["process"] as { args: unknown }).args).toEqual(expect.arrayContaining(["-enc", "-nop"]));
    agree(r);
  });

  it("builds sequence streams with maxspan, join-key, until and missing-event negatives", () => {
    const A = event("process", eq("process.name", "a.exe"));
    const B = event("network", exists(field("destination.ip")));
    const U = event("process", eq("event.type", "end"));
    const r = rule(sequence([term(A), term(B)], { by: [field("process.entity_id")], maxspan: [30, "s"], until: term(U) }));
    const g = generateEvents(r, { seed: 5 });
    const neg = whys(g.events, false).join("\n");
    expect(neg).toMatch(/outside maxspan/);
    expect(neg).toMatch(/join key 1 \(process\.entity_id\) differs/);
    expect(neg).toMatch(/until event/);
    expect(g.events.every((e) => typeof e._stream === "string")).toBe(true);
    agree(r, 5);
    const missing = rule(sequence([term(A), term(B, { missing: true }), term(A)], { by: [field("host.id")], maxspan: [1, "m"] }));
    expect(whys(generateEvents(missing, { seed: 2 }).events, false).join("\n")).toMatch(/the missing event \[1\] occurs/);
    agree(missing, 2);
  });

  it("threshold streams reach the count and the cardinality, negatives fall one short", () => {
    const r = rule(event("any", eq("event.action", "logon-failed")), {
      language: "kuery",
      detection: { kind: "threshold", fields: ["user.name"], value: 5, cardinality: [{ field: "source.ip", value: 3 }], span: { start: 0, end: 0 } },
    });
    const neg = whys(generateEvents(r, { seed: 1 }).events, false).join("\n");
    expect(neg).toMatch(/one event short of the threshold 5/);
    expect(neg).toMatch(/only 1 distinct source\.ip/);
    agree(r);
  });

  it("generates KQL nested objects where one object must satisfy the inner condition", () => {
    const r = rule(event("any", nested("gcp.binding_deltas", and(eq("gcp.binding_deltas.action", "ADD"), eq("gcp.binding_deltas.role", "roles/owner")))), { language: "kuery" });
    const g = generateEvents(r, { seed: 1 });
    const pos = g.events.find((e) => e._expect?.match === true) as GeneratedEvent;
    expect(((pos["gcp"] as { binding_deltas: unknown[] }).binding_deltas[0] as Record<string, unknown>)["action"]).toBe("ADD");
    agree(r);
  });

  it("reports why generation is impossible", () => {
    const tm = rule(event("any", exists(field("a"))), {
      detection: { kind: "threat_match", threatIndex: [], threatQuery: null, threatIndicatorPath: null, mappings: [], span: { start: 0, end: 0 } },
    });
    const g = generateEvents(tm, { seed: 1 });
    expect(g.events).toEqual([]);
    expect(g.diagnostics[0]?.code).toBe("GEN001");
    const compl = generateEvents(rule(event("any", regex(field("x"), true, "~(abc)"))), { seed: 1 });
    expect(compl.diagnostics[0]?.message).toMatch(/complement/);
  });
});
