/**
 * Property test: random conditions (and/or/not over matches with wildcards,
 * literal wildcard characters, backslashes and case sensitivity, regexes,
 * exists, numeric comparisons, cidrMatch) always convert to Sigma that
 * validates and reads back to the same verdicts on generated events.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Condition, PatternPart } from "../../src/ir/nodes.js";
import { loadBundledMapping } from "../../src/mapping/index.js";
import { sigma } from "../../targets/sigma/index.js";
import { failing, validateSigmaText } from "../../targets/sigma/check.js";
import { and, docOf, eventQuery, field, match, not, num, or, ruleOf, S } from "./ir.js";
import { roundTrip } from "./roundtrip.js";

const mapping = loadBundledMapping("sigma", "fields/default.yaml");
const FIELDS = ["process.command_line", "process.executable", "process.parent.executable", "process.working_directory"];

const part: fc.Arbitrary<PatternPart> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom("a", "B", "\\", "*", "?", ".", " "), minLength: 1, maxLength: 4 }).map((value): PatternPart => ({ kind: "text", value })) },
  { weight: 1, arbitrary: fc.constant<PatternPart>({ kind: "any" }) },
  { weight: 1, arbitrary: fc.constant<PatternPart>({ kind: "one" }) },
);
const pattern = fc.array(part, { minLength: 1, maxLength: 4 }).map((parts) => {
  const out: PatternPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.kind === "text" && last?.kind === "text") out[out.length - 1] = { kind: "text", value: last.value + p.value };
    else out.push(p);
  }
  return { kind: "pattern" as const, parts: out, span: S };
});

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...FIELDS), fc.array(pattern, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([f, vs, cs]) => match(f, vs, cs)) },
  { weight: 1, arbitrary: fc.constantFrom(...FIELDS).map((f): Condition => ({ kind: "exists", subject: field(f), span: S })) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom("<", "<=", ">", ">=" as const), fc.integer({ min: 1, max: 6 })).map(([op, n]): Condition => ({ kind: "compare", op, left: { kind: "call", name: "length", args: [field("process.command_line")], caseInsensitive: false, span: S }, right: num(n), span: S })),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("<", "<=", ">", ">=" as const), fc.integer({ min: 0, max: 9 })).map(([op, n]): Condition => ({ kind: "compare", op, left: field("process.pid"), right: num(n), span: S })) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom("a+b", "[a-c]{2}.*", "(x|y)z", "\\.exe", "a.b"), fc.boolean()).map(([source, cs]): Condition => ({ kind: "regex-match", subject: field("process.command_line"), patterns: [{ kind: "regex", dialect: "lucene", source, span: S }], caseSensitive: cs, span: S })),
  },
);

const cond: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("c"), { minLength: 2, maxLength: 3 }).map((ops) => and(...ops)),
    fc.array(tie("c"), { minLength: 2, maxLength: 3 }).map((ops) => or(...ops)),
    tie("c").map((c) => (c.kind === "not" ? c : not(c))),
  ),
})).c;

/** and/or operands must not be of the same kind (the IR keeps them flattened). */
function flatten(c: Condition): Condition {
  if (c.kind === "and" || c.kind === "or") {
    const ops = c.operands.map(flatten).flatMap((o) => (o.kind === c.kind ? (o as typeof c).operands : [o]));
    return { ...c, operands: ops };
  }
  if (c.kind === "not") return { ...c, operand: flatten(c.operand) };
  return c;
}

describe("random conditions", () => {
  it("validate and read back with the same verdicts", () => {
    fc.assert(
      fc.property(cond, (c0) => {
        const c = flatten(c0);
        const rule = ruleOf(eventQuery("process", and(match("host.os.type", ["windows"]), c)));
        const r = sigma.convert({ rule, document: docOf(), profile: "default", mapping, outputStem: "x" });
        expect(r.text).not.toBeNull();
        expect(failing(validateSigmaText(r.text ?? "", "proc_creation_win_random.yml"))).toEqual([]);
        const rt = roundTrip(rule, docOf(), mapping, r.text ?? "");
        expect(rt?.mismatches).toEqual([]);
      }),
      { numRuns: 300, seed: 20261127 },
    );
  });
});
