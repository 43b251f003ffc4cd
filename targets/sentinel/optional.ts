/**
 * EQL optional fields (`?field`): "if the field is missing from the mapping it is
 * replaced by null" (eql-semantics.md, [S1] "Optional fields"). A `?field` the
 * chosen source has no column for is therefore null here too, and the condition
 * is evaluated with three-valued logic: a comparison with null is null, `not null`
 * is null, and an event matches only when the whole condition is true.
 *
 * `reduce` returns the two-valued condition that holds exactly when the original
 * is true (T), built from T/F of each node: T(not a) = F(a), T(a and b) = T(a) and
 * T(b), F(a and b) = F(a) or F(b), dually for `or`; a null leaf has T = F = false;
 * `exists(null)` is plainly false.
 */
import type { Condition, Span, Value } from "../../src/ir/nodes.js";
import { assertNever, valueFields } from "../../src/ir/nodes.js";

const TRUE = (span: Span): Condition => ({ kind: "test", value: { kind: "boolean", value: true, span }, span });
const FALSE = (span: Span): Condition => ({ kind: "test", value: { kind: "boolean", value: false, span }, span });
const isConst = (c: Condition, v: boolean) => c.kind === "test" && c.value.kind === "boolean" && c.value.value === v;

function mkNot(c: Condition, span: Span): Condition {
  if (isConst(c, true)) return FALSE(span);
  if (isConst(c, false)) return TRUE(span);
  return { kind: "not", operand: c, span };
}
function mkAnd(ops: Condition[], span: Span): Condition {
  const out: Condition[] = [];
  for (const o of ops) {
    if (isConst(o, false)) return FALSE(span);
    if (isConst(o, true)) continue;
    if (o.kind === "and") out.push(...o.operands);
    else out.push(o);
  }
  if (out.length === 0) return TRUE(span);
  return out.length === 1 ? (out[0] as Condition) : { kind: "and", operands: out, span };
}
function mkOr(ops: Condition[], span: Span): Condition {
  const out: Condition[] = [];
  for (const o of ops) {
    if (isConst(o, true)) return TRUE(span);
    if (isConst(o, false)) continue;
    if (o.kind === "or") out.push(...o.operands);
    else out.push(o);
  }
  if (out.length === 0) return FALSE(span);
  return out.length === 1 ? (out[0] as Condition) : { kind: "or", operands: out, span };
}

function readsMissing(v: Value, missing: (path: string) => boolean): boolean {
  return valueFields(v).some((f) => f.optional && missing(f.path));
}

interface TF {
  readonly t: Condition;
  readonly f: Condition;
}

function tf(c: Condition, missing: (path: string) => boolean, used: Set<string>): TF {
  const span = c.span;
  const leaf = (subjects: readonly Value[], isExists = false): TF => {
    const hit = subjects.filter((s) => readsMissing(s, missing));
    if (hit.length === 0) return { t: c, f: mkNot(c, span) };
    collect(hit, missing, used);
    return isExists ? { t: FALSE(span), f: TRUE(span) } : { t: FALSE(span), f: FALSE(span) };
  };
  switch (c.kind) {
    case "and": {
      const parts = c.operands.map((o) => tf(o, missing, used));
      return { t: mkAnd(parts.map((p) => p.t), span), f: mkOr(parts.map((p) => p.f), span) };
    }
    case "or": {
      const parts = c.operands.map((o) => tf(o, missing, used));
      return { t: mkOr(parts.map((p) => p.t), span), f: mkAnd(parts.map((p) => p.f), span) };
    }
    case "not": {
      const p = tf(c.operand, missing, used);
      return { t: p.f, f: p.t };
    }
    case "match":
    case "regex-match":
      return leaf([c.subject]);
    case "exists":
      return leaf([c.subject], true);
    case "compare":
      return leaf([c.left, c.right]);
    case "test":
      return leaf([c.value]);
    case "fulltext":
      return { t: c, f: mkNot(c, span) };
    case "nested":
      return { t: c, f: mkNot(c, span) };
    default:
      return assertNever(c, "condition");
  }
}

function collect(vs: readonly Value[], missing: (path: string) => boolean, used: Set<string>): void {
  for (const v of vs) {
    if (v.kind === "field" && v.optional && missing(v.path)) used.add(v.path);
    else if (v.kind === "call") collect(v.args, missing, used);
    else if (v.kind === "arith") collect([v.left, v.right], missing, used);
    else if (v.kind === "negate") collect([v.operand], missing, used);
  }
}

function hasMissing(c: Condition, missing: (path: string) => boolean): boolean {
  switch (c.kind) {
    case "and":
    case "or":
      return c.operands.some((o) => hasMissing(o, missing));
    case "not":
      return hasMissing(c.operand, missing);
    case "match":
    case "regex-match":
    case "exists":
      return readsMissing(c.subject, missing);
    case "compare":
      return readsMissing(c.left, missing) || readsMissing(c.right, missing);
    case "test":
      return readsMissing(c.value, missing);
    case "fulltext":
    case "nested":
      return false;
    default:
      return assertNever(c, "condition");
  }
}

/**
 * The condition with every optional field that `missing` says the source lacks read
 * as null; `fields` lists those fields. Unchanged (same object) when there are none.
 */
export function reduceOptional(c: Condition, missing: (path: string) => boolean): { condition: Condition; fields: readonly string[] } {
  if (!hasMissing(c, missing)) return { condition: c, fields: [] };
  const used = new Set<string>();
  const r = tf(c, missing, used);
  return { condition: r.t, fields: [...used] };
}
