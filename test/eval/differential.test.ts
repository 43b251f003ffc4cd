/**
 * Differential property tests: the evaluator (compiled query/script closures
 * over event JSON) against the generator's independent model (negation normal
 * form over an assignment), on random conditions and random events with
 * missing, single and multi-valued fields; and generate -> evaluate agreement
 * on random conditions.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/eval/evaluate.js";
import { checkEvents } from "../../src/eval/check.js";
import { generateEvents } from "../../src/eval/generate.js";
import { type AValue, nnfHolds, toNNF } from "../../src/eval/model.js";
import type { Condition } from "../../src/ir/nodes.js";
import { and, anyWhere, bool, call, cmp, colon, eq, exists, field, like, lit, match, not, num, or, regex, str, test } from "./ir.js";

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.constantFrom("x", "X", "ab").map((v) => eq("a", v)),
  fc.constantFrom("x*", "?b", "A?").map((p) => colon("b", p)),
  fc.constantFrom("a*", "x").map((p) => like("a", p)),
  fc.constant(match(field("b"), [lit("ab"), lit("x*")], true, "in")),
  fc.constantFrom("a", "b", "c").map((f) => exists(field(f))),
  fc.constantFrom(1, 3).map((n) => cmp(field("c"), ">", num(n))),
  fc.constant(cmp(call("length", [field("a")]), ">", num(1))),
  fc.constant(test(call("stringContains", [field("b"), str("b")]))),
  fc.constant(test(call("startsWith", [call("string", [field("a")]), str("a")], true))),
  fc.constant(regex(field("a"), false, "a.*")),
  fc.constantFrom(true, false).map((b) => match(call("endsWith", [field("b"), str("b")]), [bool(b)], true)),
);
const condition: fc.Arbitrary<Condition> = fc.letrec((tie) => ({
  c: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    tie("c").map((x) => not(x as Condition)),
    fc.tuple(tie("c"), tie("c")).map(([x, y]) => and(x as Condition, y as Condition)),
    fc.tuple(tie("c"), tie("c")).map(([x, y]) => or(x as Condition, y as Condition)),
  ),
})).c as fc.Arbitrary<Condition>;

const scalar = fc.constantFrom<AValue>("x", "X", "ab", "Ab", "xb", "b", "a", 2, 5);
const value: fc.Arbitrary<AValue | undefined> = fc.oneof(fc.constant(undefined), scalar, fc.array(scalar, { minLength: 1, maxLength: 3 }));
const assignment = fc.record({ a: value, b: value, c: value });

describe("evaluator vs model", () => {
  it("agree on random conditions and events (missing, single and multi-valued fields)", () => {
    fc.assert(
      fc.property(condition, assignment, (cond, asg) => {
        const m = new Map<string, AValue>();
        const event: Record<string, unknown> = { "@timestamp": "2024-01-01T00:00:00Z" };
        for (const [k, v] of Object.entries(asg)) {
          if (v === undefined) continue;
          m.set(k, v);
          event[k] = v;
        }
        const evaluated = evaluate(anyWhere(cond), [event]).alerts.length === 1;
        expect(evaluated).toBe(nnfHolds(toNNF(cond), m, 0));
      }),
      { numRuns: 400, seed: 20261127 },
    );
  });

  it("generated positives alert and negatives do not, on random conditions", () => {
    fc.assert(
      fc.property(condition, fc.integer({ min: 1, max: 1000 }), (cond, seed) => {
        const r = anyWhere(cond);
        const g = generateEvents(r, { seed });
        const res = checkEvents(r, g.events);
        for (const v of res.verdicts) expect({ why: v.why, match: v.actual }).toEqual({ why: v.why, match: v.expected });
      }),
      { numRuns: 150, seed: 7 },
    );
  });
});
