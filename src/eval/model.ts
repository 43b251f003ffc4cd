/**
 * The generator's own model of a condition: negation normal form over
 * literals, evaluated on an assignment (field path -> one scalar value).
 *
 * It is deliberately a second, independent reading of the semantics: the
 * evaluator walks event JSON and compiles to query/script closures; the model
 * knows each generated event exactly (one value per field, no arrays) and
 * reasons literal by literal. The self-consistency check compares the two.
 *
 * Semantics kept here (docs/semantics.md):
 * - a query literal (a field against constants) is false on a missing field,
 *   and its negation (`not`, `!=`) is therefore true on a missing field;
 * - a script literal (a comparison on a function result) is three-valued: a
 *   null argument makes it null, and neither it nor its script-level `not`
 *   holds; a `not` above an `and`/`or` is two-valued again.
 */
import type { Call, Condition, FieldRef, MatchValue, Value } from "../ir/nodes.js";
import { assertNever, valueFields } from "../ir/nodes.js";
import { arith, callFunction, type EqlValue, eqlString, inCidr, parseCidr, parseIp } from "./functions.js";
import { compareCodePoints, compilePattern } from "./patterns.js";
import { translateLuceneRegex } from "./lucene-regex.js";
import { stripNested } from "./condition.js";

/** The objects of a KQL nested field, each its own assignment (paths relative to the nested field). */
export interface NestedValue {
  readonly nested: readonly Assignment[];
}
/** A field's generated value: one scalar, an array (a multi-valued field), or nested objects. */
export type AValue = EqlValue | readonly EqlValue[] | NestedValue;

export const isNested = (v: AValue | undefined): v is NestedValue => typeof v === "object" && v !== null && !Array.isArray(v);
/** A generated event's fields: path -> value. Absent paths are missing fields. */
export type Assignment = ReadonlyMap<string, AValue>;

const elements = (v: AValue | undefined): EqlValue[] =>
  v === undefined || v === null || isNested(v) ? [] : Array.isArray(v) ? (v as readonly EqlValue[]).filter((x) => x !== null) : [v as EqlValue];

export type Lit =
  /** A query leaf (or its two-valued negation). */
  | { readonly k: "query"; readonly cond: Condition; readonly negate: boolean }
  /** A script leaf: holds when (some binding of) the script is true, xor `negate`. */
  | { readonly k: "script"; readonly cond: Condition; readonly negate: boolean };

export type NNF = { readonly k: "and" | "or"; readonly kids: readonly NNF[] } | { readonly k: "lit"; readonly lit: Lit } | { readonly k: "const"; readonly value: boolean };

/** Is this leaf run as a script by Elasticsearch (a function or arithmetic subject)? */
export function isScript(input: Condition): boolean {
  const c = eliminateBooleanEquals(input);
  switch (c.kind) {
    case "match":
    case "regex-match":
    case "exists":
      return c.subject.kind !== "field";
    case "compare": {
      const fieldSide = c.left.kind === "field" ? c.right : c.right.kind === "field" ? c.left : null;
      return fieldSide === null || !isConstant(fieldSide);
    }
    case "test":
      if (c.value.kind === "field" || c.value.kind === "boolean") return false;
      if (c.value.kind === "call") return !isQueryFunction(c.value);
      return true;
    case "not":
      return isScript(c.operand);
    case "and":
    case "or":
    case "fulltext":
    case "nested":
      return false;
    default:
      return assertNever(c, "condition");
  }
}

function isConstant(v: Value): boolean {
  return v.kind === "string" || v.kind === "number" || v.kind === "boolean" || v.kind === "null" || v.kind === "datemath" || (v.kind === "negate" && isConstant(v.operand));
}

/** startsWith/endsWith/stringContains/cidrMatch on a field with string constants: a query in ES. */
export function isQueryFunction(call: Call): boolean {
  const [first, ...rest] = call.args;
  if (!first || first.kind !== "field") return false;
  switch (call.name) {
    case "startsWith":
    case "endsWith":
    case "stringContains":
      return rest.length === 1 && rest[0]?.kind === "string";
    case "cidrMatch":
      return rest.length > 0 && rest.every((r) => r.kind === "string");
    default:
      return false;
  }
}

/** `f(...) == true` is `f(...)`, `f(...) == false` is `not f(...)` (ES BooleanFunctionEqualsElimination). */
function eliminateBooleanEquals(c: Condition): Condition {
  if (c.kind !== "match" || c.subject.kind !== "call" || c.values.length !== 1) return c;
  const v = c.values[0] as MatchValue;
  if (v.kind !== "boolean") return c;
  const t: Condition = { kind: "test", value: c.subject, span: c.span };
  return v.value ? t : { kind: "not", operand: t, span: c.span };
}

/** Negation normal form. `negate` is a pending two-valued (query-level) negation. */
export function toNNF(input: Condition, negate = false): NNF {
  const c = eliminateBooleanEquals(input);
  switch (c.kind) {
    case "and":
    case "or": {
      const kind = (c.kind === "and") !== negate ? "and" : "or";
      return { k: kind, kids: c.operands.map((o) => toNNF(o, negate)) };
    }
    case "not":
      if (isScript(c)) return { k: "lit", lit: { k: "script", cond: c, negate } };
      return toNNF(c.operand, !negate);
    case "test":
      if (c.value.kind === "boolean") return { k: "const", value: c.value.value !== negate };
      return isScript(c) ? { k: "lit", lit: { k: "script", cond: c, negate } } : { k: "lit", lit: { k: "query", cond: c, negate } };
    default:
      return isScript(c) ? { k: "lit", lit: { k: "script", cond: c, negate } } : { k: "lit", lit: { k: "query", cond: c, negate } };
  }
}

// ---------------------------------------------------------------------------
// Evaluation on an assignment
// ---------------------------------------------------------------------------

const globCache = new Map<string, RegExp>();
function glob(p: string): RegExp {
  let re = globCache.get(p);
  if (!re) {
    re = new RegExp(`^${p.split("*").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
    globCache.set(p, re);
  }
  return re;
}

/** The value(s) of a field reference in an assignment (several for a KQL wildcard field). */
export function fieldValuesIn(f: FieldRef, a: Assignment): EqlValue[] {
  if (!f.wildcard) return elements(a.get(f.path));
  const re = glob(f.path);
  const out: EqlValue[] = [];
  for (const [k, v] of a) if (re.test(k)) out.push(...elements(v));
  return out;
}

export function valueIn(v: Value, a: Assignment, now: number): EqlValue {
  switch (v.kind) {
    case "field":
      return fieldValuesIn(v, a)[0] ?? null;
    case "string":
    case "number":
    case "boolean":
      return v.value;
    case "null":
      return null;
    case "datemath":
      return dateMath(v.expr, now);
    case "call":
      return callFunction(
        v.name,
        v.args.map((x) => valueIn(x, a, now)),
        v.caseInsensitive,
      );
    case "arith":
      return arith(v.op, valueIn(v.left, a, now), valueIn(v.right, a, now));
    case "negate": {
      const x = valueIn(v.operand, a, now);
      return typeof x === "number" ? -x : null;
    }
    default:
      return assertNever(v, "value");
  }
}

function dateMath(expr: string, now: number): number | null {
  const m = /^now(?:-(\d+)([smhd]))?$/.exec(expr);
  if (!m) return null;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? "s"] ?? 1000;
  return now - Number(m[1] ?? 0) * unit;
}

export function matchValue(m: MatchValue, v: EqlValue, caseSensitive: boolean): boolean {
  if (v === null) return false;
  switch (m.kind) {
    case "pattern":
      return compilePattern(m.parts, caseSensitive)(eqlString(v) as string);
    case "number":
      return typeof v === "number" ? v === m.value : typeof v === "string" && (v === String(m.value) || v === m.raw);
    case "boolean":
      return v === m.value || v === String(m.value);
    default:
      return assertNever(m, "match value");
  }
}

/** Orders a value against another: numbers numerically, strings by code point; null when incomparable. */
export function order(x: EqlValue, y: EqlValue): number | null {
  if (x === null || y === null) return null;
  if (typeof y === "number") {
    const n = typeof x === "number" ? x : typeof x === "string" && x.trim() !== "" && !Number.isNaN(Number(x)) ? Number(x) : null;
    return n === null ? null : n - y;
  }
  if (typeof y === "string") {
    if (typeof x === "string") return compareCodePoints(x, y);
    if (typeof x === "number" && y.trim() !== "" && !Number.isNaN(Number(y))) return x - Number(y);
    return null;
  }
  if (typeof x === "boolean" && typeof y === "boolean") return Number(x) - Number(y);
  return null;
}

const CMP = { "<": (d: number) => d < 0, "<=": (d: number) => d <= 0, ">": (d: number) => d > 0, ">=": (d: number) => d >= 0 } as const;
const FLIP = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as const;

function regexTest(c: Extract<Condition, { kind: "regex-match" }>, v: EqlValue): boolean {
  if (v === null) return false;
  const s = eqlString(v) as string;
  return c.patterns.some((p) => {
    const t = translateLuceneRegex(p.source, !c.caseSensitive);
    return t.ok && t.test(s);
  });
}

/** Two-valued truth of a query leaf on an assignment. */
export function queryHolds(c: Condition, a: Assignment, now: number): boolean {
  switch (c.kind) {
    case "match":
      if (c.subject.kind !== "field") return false;
      return fieldValuesIn(c.subject, a).some((v) => c.values.some((m) => matchValue(m, v, c.caseSensitive)));
    case "compare": {
      const [f, op, k] = c.left.kind === "field" ? [c.left, c.op, c.right] : [c.right as FieldRef, FLIP[c.op], c.left];
      const kv = valueIn(k, a, now);
      return fieldValuesIn(f, a).some((v) => {
        const d = k.kind === "datemath" ? order(typeof v === "string" ? Date.parse(v) : v, kv) : order(v, kv);
        return d !== null && CMP[op](d);
      });
    }
    case "regex-match":
      if (c.subject.kind !== "field") return false;
      return fieldValuesIn(c.subject, a).some((v) => regexTest(c, v));
    case "exists":
      return c.subject.kind === "field" && fieldValuesIn(c.subject, a).length > 0;
    case "test": {
      const v = c.value;
      if (v.kind === "field") return fieldValuesIn(v, a).some((x) => x === true || x === "true");
      if (v.kind === "boolean") return v.value;
      if (v.kind === "call" && isQueryFunction(v)) {
        const f = v.args[0] as FieldRef;
        const consts = v.args.slice(1).map((x) => (x as { value: string }).value);
        return fieldValuesIn(f, a).some((x) => {
          const s = eqlString(x) as string;
          const ci = v.caseInsensitive;
          const fold = (t: string): string => (ci ? t.toLowerCase() : t);
          switch (v.name) {
            case "startsWith":
              return fold(s).startsWith(fold(consts[0] as string));
            case "endsWith":
              return fold(s).endsWith(fold(consts[0] as string));
            case "stringContains":
              return consts[0] !== "" && fold(s).includes(fold(consts[0] as string));
            case "cidrMatch":
              return parseIp(s) !== null && consts.some((cidr) => {
                const b = parseCidr(cidr);
                return b !== null && inCidr(s, b);
              });
            default:
              return false;
          }
        });
      }
      return false;
    }
    case "fulltext": {
      const p = compilePattern(c.value.parts, c.caseSensitive);
      for (const v of a.values()) for (const x of elements(v)) if (p(eqlString(x) as string)) return true;
      return false;
    }
    case "nested": {
      const v = a.get(c.path);
      if (!isNested(v)) return false;
      const inner = toNNF(stripNested(c.condition, c.path));
      return v.nested.some((o) => nnfHolds(inner, o, now));
    }
    case "and":
    case "or":
    case "not":
      throw new Error("internal error: not a query leaf");
    default:
      return assertNever(c, "condition");
  }
}

/** Three-valued value of a script leaf on an assignment (one binding: single-valued fields). */
export function scriptValue(c: Condition, a: Assignment, now: number): boolean | null {
  switch (c.kind) {
    case "not": {
      const r = scriptValue(c.operand, a, now);
      return r === null ? null : !r;
    }
    case "match": {
      const v = valueIn(c.subject, a, now);
      return v === null ? null : c.values.some((m) => matchValue(m, v, c.caseSensitive));
    }
    case "compare": {
      const x = valueIn(c.left, a, now);
      const y = valueIn(c.right, a, now);
      if (x === null || y === null) return null;
      const d = order(x, y);
      return d === null ? null : CMP[c.op](d);
    }
    case "regex-match": {
      const v = valueIn(c.subject, a, now);
      return v === null ? null : regexTest(c, v);
    }
    case "exists":
      return valueIn(c.subject, a, now) !== null;
    case "test": {
      const v = valueIn(c.value, a, now);
      return typeof v === "boolean" ? v : null;
    }
    default:
      // Query leaves under a script-level not (e.g. `not not x == "a"` folded oddly): fall back to two-valued.
      return queryHolds(c, a, now);
  }
}

/** Some combination of the values of the script's fields makes it true (Elasticsearch's multi-value scripts). */
function scriptTrueForSomeBinding(l: Lit, a: Assignment, now: number): boolean {
  const multi = litFields(l).filter((f) => !f.wildcard && Array.isArray(a.get(f.path)));
  if (multi.length === 0) return scriptValue(l.cond, a, now) === true;
  const paths = [...new Set(multi.map((f) => f.path))];
  const b = new Map(a);
  const rec = (i: number): boolean => {
    if (i === paths.length) return scriptValue(l.cond, b, now) === true;
    const p = paths[i] as string;
    const vs = elements(a.get(p));
    for (const v of vs.length === 0 ? [null] : vs) {
      if (v === null) b.delete(p);
      else b.set(p, v);
      if (rec(i + 1)) return true;
    }
    return false;
  };
  return rec(0);
}

export function litHolds(l: Lit, a: Assignment, now: number): boolean {
  if (l.k === "query") return queryHolds(l.cond, a, now) !== l.negate;
  return scriptTrueForSomeBinding(l, a, now) !== l.negate;
}

export function nnfHolds(n: NNF, a: Assignment, now: number): boolean {
  switch (n.k) {
    case "and":
      return n.kids.every((k) => nnfHolds(k, a, now));
    case "or":
      return n.kids.some((k) => nnfHolds(k, a, now));
    case "lit":
      return litHolds(n.lit, a, now);
    case "const":
      return n.value;
  }
}

/** The fields a literal reads (KQL wildcard fields are reported by their pattern). */
export function litFields(l: Lit): FieldRef[] {
  const out: FieldRef[] = [];
  const addValue = (v: Value): void => {
    valueFields(v, out);
  };
  const addCond = (c: Condition): void => {
    switch (c.kind) {
      case "match":
      case "regex-match":
      case "exists":
        addValue(c.subject);
        return;
      case "compare":
        addValue(c.left);
        addValue(c.right);
        return;
      case "test":
        addValue(c.value);
        return;
      case "not":
        addCond(c.operand);
        return;
      case "and":
      case "or":
        c.operands.forEach(addCond);
        return;
      case "fulltext":
        return;
      case "nested":
        out.push({ kind: "field", path: c.path, optional: false, wildcard: false, span: c.span });
        return;
      default:
        assertNever(c, "condition");
    }
  };
  addCond(l.cond);
  return out;
}
