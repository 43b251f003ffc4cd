/**
 * Differential test of the `| where` printer against the repository's
 * Elasticsearch model (src/eval): random conditions over two fields that may
 * be missing, evaluated by src/eval on an event, and by a small interpreter
 * of the SPL eval subset the printer emits, with SPL's three-valued logic (a
 * comparison with a null field is null; NOT null is null; `true OR null` is
 * true; `where` keeps only true). Both must agree on every event.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Condition, FieldRef, Value } from "../../src/ir/nodes.js";
import { compileCondition, wrapEvent } from "../../src/eval/condition.js";
import { printEval } from "../../targets/splunk/expr.js";
import { tokenize, type Token } from "../../targets/splunk/spl-lint.js";

const S = { start: 0, end: 0 };
const field = (path: string): FieldRef => ({ kind: "field", path, optional: false, wildcard: false, span: S });

type V = string | number | boolean | null;

/** Interprets the eval subset: OR/AND/NOT, ==, >, isnull, isnotnull, like, match, lower, len. */
function interpret(text: string, event: Record<string, string>): V {
  const toks = tokenize(text).tokens;
  let i = 0;
  const peek = (): Token | undefined => toks[i];
  const next = (): Token => toks[i++] as Token;
  const isWord = (w: string) => peek()?.kind === "word" && peek()?.text === w;
  const or = (): V => {
    let v = and();
    while (isWord("OR")) {
      next();
      const r = and();
      v = v === true || r === true ? true : v === null || r === null ? null : false;
    }
    return v;
  };
  const and = (): V => {
    let v = not();
    while (isWord("AND")) {
      next();
      const r = not();
      v = v === false || r === false ? false : v === null || r === null ? null : true;
    }
    return v;
  };
  const not = (): V => {
    if (isWord("NOT")) {
      next();
      const v = not();
      return v === null ? null : !v;
    }
    return comparison();
  };
  const comparison = (): V => {
    const left = operand();
    const op = peek();
    if (op?.kind === "op") {
      next();
      const right = operand();
      if (left === null || right === null) return null;
      if (op.text === "==") return left === right;
      if (op.text === ">") return Number(left) > Number(right);
      throw new Error(`operator ${op.text}`);
    }
    return left;
  };
  const operand = (): V => {
    const t = next();
    if (t.kind === "lparen") {
      const v = or();
      expect(next().kind).toBe("rparen");
      return v;
    }
    if (t.kind === "string") return t.value;
    if (t.kind === "field") return event[t.value] ?? null;
    if (t.kind === "word" && /^\d+$/.test(t.text)) return Number(t.text);
    if (t.kind === "word" && peek()?.kind === "lparen") {
      next();
      const args: V[] = [];
      while (peek()?.kind !== "rparen") {
        args.push(or());
        if (peek()?.kind === "comma") next();
      }
      next();
      const [a, b] = args;
      switch (t.text) {
        case "isnull":
          return a === null;
        case "isnotnull":
          return a !== null;
        case "lower":
          return a === null ? null : String(a).toLowerCase();
        case "len":
          return a === null ? null : Array.from(String(a)).length;
        case "like":
          return a === null ? null : new RegExp(`^${Array.from(String(b)).map((c) => (c === "%" ? ".*" : c === "_" ? "." : c.replace(/[\\^$.|?*+()[\]{}]/gu, "\\$&"))).join("")}$`, "su").test(String(a));
        case "match": {
          if (a === null) return null;
          const m = /^\(\?([si]+)\)/.exec(String(b));
          return new RegExp(String(b).slice(m ? m[0].length : 0).replace(/\\z$/, "$"), (m?.[1] ?? "") + "u").test(String(a));
        }
        default:
          throw new Error(`function ${t.text}`);
      }
    }
    throw new Error(`unexpected token ${t.text} in ${text}`);
  };
  const v = or();
  expect(i).toBe(toks.length);
  return v;
}

const fields = ["x.a", "x.b"];
const fieldArb = fc.constantFrom(...fields);
const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ f: fieldArb, v: fc.constantFrom("a", "A", "b", ""), cs: fc.boolean() }).map(({ f, v, cs }): Condition => ({
    kind: "match", subject: field(f), values: [{ kind: "pattern", parts: v ? [{ kind: "text", value: v }] : [], span: S }], caseSensitive: cs, operator: "==", span: S,
  })),
  fc.record({ f: fieldArb, cs: fc.boolean() }).map(({ f, cs }): Condition => ({
    kind: "match", subject: field(f), values: [{ kind: "pattern", parts: [{ kind: "text", value: "a" }, { kind: "any" }], span: S }], caseSensitive: cs, operator: "like", span: S,
  })),
  fieldArb.map((f): Condition => ({ kind: "exists", subject: field(f), span: S })),
  // A script leaf: length(f) > 0.
  fieldArb.map((f): Condition => ({
    kind: "compare", op: ">", left: { kind: "call", name: "length", args: [field(f)], caseInsensitive: false, span: S } as Value, right: { kind: "number", value: 0, raw: "0", integer: true, span: S }, span: S,
  })),
  // A query leaf written as a function: startsWith(f, "a").
  fc.record({ f: fieldArb, ci: fc.boolean() }).map(({ f, ci }): Condition => ({
    kind: "test", value: { kind: "call", name: "startsWith", args: [field(f), { kind: "string", value: "a", span: S }], caseInsensitive: ci, span: S }, span: S,
  })),
);
const cond: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    tie("c").map((operand): Condition => ({ kind: "not", operand, span: S })),
    fc.tuple(fc.constantFrom("and" as const, "or" as const), fc.array(tie("c"), { minLength: 2, maxLength: 3 })).map(([kind, operands]): Condition => ({ kind, operands, span: S })),
  ),
})).c;
const value = fc.constantFrom(undefined, "a", "A", "b", "ab", "Ab", "");
const event = fc.record({ a: value, b: value });

describe("| where keeps Elasticsearch's meaning on missing fields", () => {
  it("agrees with src/eval on random conditions and events", () => {
    fc.assert(
      fc.property(cond, event, (c, e) => {
        const doc: Record<string, unknown> = { x: {} };
        const flat: Record<string, string> = {};
        if (e.a !== undefined) ((doc["x"] as Record<string, unknown>)["a"] = e.a), (flat["x.a"] = e.a);
        if (e.b !== undefined) ((doc["x"] as Record<string, unknown>)["b"] = e.b), (flat["x.b"] = e.b);
        const es = compileCondition(c, { diagnostics: [], options: { now: 0 }, nestedPath: null })(wrapEvent(doc));
        const text = printEval(c);
        expect(interpret(text, flat) === true, `${text} on ${JSON.stringify(flat)}`).toBe(es);
      }),
      { numRuns: 1500 },
    );
  });
});
