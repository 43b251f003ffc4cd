/**
 * Compiles IR conditions to closures that decide one event, following how
 * Elasticsearch evaluates EQL and KQL (see docs/semantics.md).
 *
 * Elasticsearch turns a condition into a query DSL tree, and where a leaf
 * cannot be a query (a comparison on a function result, a function nested in
 * a function) into a Painless script. The two evaluate differently and we
 * keep both:
 *
 * - Query leaves (a field against constants: term, terms, wildcard, prefix,
 *   range, regexp, exists) are two-valued and "any value" on multi-valued
 *   fields: `["a","b"] == "a"` holds. `not` over a query is `must_not`, so
 *   `x != "a"` and `not x : "a"` hold when x is missing, and fail when any
 *   value of x is "a" (the negation is "no value matches").
 * - Script leaves are three-valued: a null argument makes the function null,
 *   `not null` is null, and a null result does not match. So
 *   `not length(x) > 3` does NOT match an event without x, unlike a query
 *   `not`. A script sees each combination of the values of its fields and
 *   matches if one combination yields true.
 * - `and` / `or` always combine queries (a bool query), even over scripts.
 */
import type { Call, Condition, FieldRef, MatchValue, Value } from "../ir/nodes.js";
import { assertNever, valueFields } from "../ir/nodes.js";
import { type Diagnostic, error, unsupported } from "../diagnostics/index.js";
import { fieldValues, flattenEvent } from "./fields.js";
import { arith, callFunction, type Cidr, type EqlValue, eqlString, inCidr, parseCidr, parseIp } from "./functions.js";
import { compareCodePoints, compilePattern } from "./patterns.js";
import { translateLuceneRegex } from "./lucene-regex.js";
import { parseDateMath } from "./datemath.js";

/** An event under evaluation, with its field lookups cached. */
export interface Ev {
  readonly raw: unknown;
  readonly cache: Map<string, unknown[]>;
  flat: Map<string, unknown[]> | null;
}

export function wrapEvent(raw: unknown): Ev {
  return { raw, cache: new Map(), flat: null };
}

export function valuesOf(ev: Ev, path: string): unknown[] {
  let v = ev.cache.get(path);
  if (!v) {
    v = fieldValues(ev.raw, path);
    ev.cache.set(path, v);
  }
  return v;
}

function flat(ev: Ev): Map<string, unknown[]> {
  if (!ev.flat) ev.flat = flattenEvent(ev.raw);
  return ev.flat;
}

export type EventTest = (ev: Ev) => boolean;
type Binding = Map<FieldRef, EqlValue>;

interface Scripted {
  readonly fields: readonly FieldRef[];
  readonly run: (b: Binding) => boolean | null;
}

type Compiled = { readonly kind: "query"; readonly test: EventTest } | { readonly kind: "script"; readonly script: Scripted };

export interface CompileOptions {
  /** Epoch ms that KQL date math `now` stands for; read at evaluation time, so a compiled rule can be reused. */
  now: number;
}

export interface Compiler {
  readonly diagnostics: Diagnostic[];
  readonly options: CompileOptions;
  /** Field path prefix stripped inside a KQL nested query. */
  readonly nestedPath: string | null;
}

const MAX_BINDINGS = 512;

function scalar(v: unknown): EqlValue {
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return null;
}

/** Turns a script into an event test: true if some combination of field values makes it true. */
function runScript(s: Scripted): EventTest {
  const fields = s.fields;
  if (fields.length === 0) {
    const r = s.run(new Map());
    return () => r === true;
  }
  return (ev) => {
    const lists: EqlValue[][] = fields.map((f) => {
      const vs = fieldOf(ev, f).map(scalar).filter((x) => x !== null);
      return vs.length === 0 ? [null] : vs;
    });
    const b: Binding = new Map();
    let count = 0;
    const rec = (i: number): boolean => {
      if (i === fields.length) {
        count++;
        return s.run(b) === true;
      }
      for (const v of lists[i] as EqlValue[]) {
        b.set(fields[i] as FieldRef, v);
        if (rec(i + 1)) return true;
        if (count >= MAX_BINDINGS) return false;
      }
      return false;
    };
    return rec(0);
  };
}

/** Values of a field reference, honouring KQL field wildcards and nested prefixes. */
function fieldOf(ev: Ev, f: FieldRef): unknown[] {
  if (!f.wildcard) return valuesOf(ev, f.path);
  const re = globRegex(f.path);
  const out: unknown[] = [];
  for (const [k, v] of flat(ev)) if (re.test(k)) out.push(...v);
  return out;
}

const globCache = new Map<string, RegExp>();
function globRegex(glob: string): RegExp {
  let re = globCache.get(glob);
  if (!re) {
    re = new RegExp(`^${glob.split("*").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
    globCache.set(glob, re);
  }
  return re;
}


/** A value expression in a script: field values come from the binding. */
function compileValue(v: Value, c: Compiler): (b: Binding) => EqlValue {
  switch (v.kind) {
    case "field":
      return (b) => b.get(v) ?? null;
    case "string": {
      const s = v.value;
      return () => s;
    }
    case "number": {
      const n = v.value;
      return () => n;
    }
    case "boolean": {
      const x = v.value;
      return () => x;
    }
    case "null":
      return () => null;
    case "datemath": {
      const expr = v.expr;
      const opts = c.options;
      if (parseDateMath(expr, 0) === null) c.diagnostics.push(error("EVAL010", `cannot evaluate date math "${expr}"`, v.span));
      return () => parseDateMath(expr, opts.now);
    }
    case "call": {
      const args = v.args.map((a) => compileValue(a, c));
      const name = v.name;
      const ci = v.caseInsensitive;
      return (b) => callFunction(name, args.map((a) => a(b)), ci);
    }
    case "arith": {
      const l = compileValue(v.left, c);
      const r = compileValue(v.right, c);
      const op = v.op;
      return (b) => arith(op, l(b), r(b));
    }
    case "negate": {
      const o = compileValue(v.operand, c);
      return (b) => {
        const x = o(b);
        return typeof x === "number" ? -x : null;
      };
    }
    default:
      return assertNever(v, "value");
  }
}

/** Does one scalar value satisfy one match value (term / wildcard semantics)? */
function matchValueTest(m: MatchValue, caseSensitive: boolean): (v: unknown) => boolean {
  switch (m.kind) {
    case "pattern": {
      const p = compilePattern(m.parts, caseSensitive);
      return (v) => {
        if (typeof v === "string") return p(v);
        if (typeof v === "number" || typeof v === "boolean") return p(String(v));
        return false;
      };
    }
    case "number": {
      const n = m.value;
      const forms = new Set([String(n), m.raw]);
      return (v) => {
        if (typeof v === "number") return v === n;
        // A keyword field compares the number's string form (term query on keyword).
        if (typeof v === "string") return forms.has(v);
        return false;
      };
    }
    case "boolean": {
      const b = m.value;
      return (v) => v === b || v === String(b);
    }
    default:
      return assertNever(m, "match value");
  }
}

type Order = (a: unknown, b: EqlValue) => number | null;

/** Orders an event value against a constant: numbers numerically, dates as dates, strings by code point. */
function orderAgainst(constant: EqlValue, isDate: boolean): Order {
  return (a) => {
    if (constant === null) return null;
    if (isDate) {
      const t = typeof a === "number" ? a : typeof a === "string" ? Date.parse(a) : NaN;
      if (Number.isNaN(t) || typeof constant !== "number") return null;
      return t - constant;
    }
    if (typeof constant === "number") {
      if (typeof a === "number") return a - constant;
      if (typeof a === "string" && a.trim() !== "" && !Number.isNaN(Number(a))) return Number(a) - constant;
      return null;
    }
    if (typeof constant === "string") {
      if (typeof a === "string") return compareCodePoints(a, constant);
      if (typeof a === "number" && constant.trim() !== "" && !Number.isNaN(Number(constant))) return a - Number(constant);
      return null;
    }
    if (typeof constant === "boolean") {
      if (typeof a === "boolean") return Number(a) - Number(constant);
      return null;
    }
    return null;
  };
}

const OPS = {
  "<": (d: number) => d < 0,
  "<=": (d: number) => d <= 0,
  ">": (d: number) => d > 0,
  ">=": (d: number) => d >= 0,
} as const;
const FLIP = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as const;

/** A constant; date math is a thunk of the evaluation-time `now`. */
function literalValue(v: Value, c: Compiler): { ok: true; value: EqlValue; date: false } | { ok: true; value: () => EqlValue; date: true } | { ok: false } {
  switch (v.kind) {
    case "string":
      return { ok: true, value: v.value, date: false };
    case "number":
      return { ok: true, value: v.value, date: false };
    case "boolean":
      return { ok: true, value: v.value, date: false };
    case "null":
      return { ok: true, value: null, date: false };
    case "datemath": {
      const expr = v.expr;
      const opts = c.options;
      if (parseDateMath(expr, 0) === null) c.diagnostics.push(error("EVAL010", `cannot evaluate date math "${expr}"`, v.span));
      return { ok: true, value: () => parseDateMath(expr, opts.now), date: true };
    }
    case "negate": {
      const inner = literalValue(v.operand, c);
      if (inner.ok && typeof inner.value === "number") return { ok: true, value: -inner.value, date: false };
      return { ok: false };
    }
    default:
      return { ok: false };
  }
}

function isQueryString(v: Value): v is { kind: "string" } & Value {
  return v.kind === "string";
}

/** A boolean-valued function on a field with constant arguments that ES runs as a query. */
function functionQuery(call: Call, c: Compiler): EventTest | null {
  const [first, ...rest] = call.args;
  if (!first || first.kind !== "field") return null;
  const f = first;
  switch (call.name) {
    case "startsWith":
    case "endsWith":
    case "stringContains": {
      const sub = rest[0];
      if (rest.length !== 1 || !sub || !isQueryString(sub)) return null;
      const text = (sub as { value: string }).value;
      if (call.name === "stringContains" && text === "") return () => false;
      const parts =
        call.name === "startsWith"
          ? [{ kind: "text" as const, value: text }, { kind: "any" as const }]
          : call.name === "endsWith"
            ? [{ kind: "any" as const }, { kind: "text" as const, value: text }]
            : [{ kind: "any" as const }, { kind: "text" as const, value: text }, { kind: "any" as const }];
      const p = compilePattern(
        parts.filter((x) => x.kind !== "text" || x.value !== ""),
        !call.caseInsensitive,
      );
      return (ev) => fieldOf(ev, f).some((v) => (typeof v === "string" ? p(v) : typeof v === "number" || typeof v === "boolean" ? p(String(v)) : false));
    }
    case "cidrMatch": {
      if (rest.length === 0 || !rest.every(isQueryString)) return null;
      const blocks: Cidr[] = [];
      for (const r of rest) {
        const b = parseCidr((r as { value: string }).value);
        if (!b) {
          c.diagnostics.push(error("EVAL011", `invalid CIDR block "${(r as { value: string }).value}"`, r.span));
          continue;
        }
        blocks.push(b);
      }
      return (ev) => fieldOf(ev, f).some((v) => typeof v === "string" && parseIp(v) !== null && blocks.some((b) => inCidr(v, b)));
    }
    default:
      return null;
  }
}

function asTest(x: Compiled): EventTest {
  return x.kind === "query" ? x.test : runScript(x.script);
}

/** Compiles a condition to an event test. Diagnostics go to `c.diagnostics`. */
export function compileCondition(cond: Condition, c: Compiler): EventTest {
  return asTest(compile(cond, c));
}

function scriptOf(fields: FieldRef[], run: (b: Binding) => boolean | null): Compiled {
  return { kind: "script", script: { fields, run } };
}

/**
 * `one` over a subject: on a field, a query test true when any of the field's
 * values passes; on an expression, a script (null when the expression is).
 */
function valueTest(subject: Value, one: (v: unknown) => boolean, c: Compiler): Compiled {
  if (subject.kind === "field") return { kind: "query", test: (ev) => fieldOf(ev, subject).some(one) };
  const fields: FieldRef[] = [];
  valueFields(subject, fields);
  const val = compileValue(subject, c);
  return scriptOf(fields, (b) => {
    const v = val(b);
    return v === null ? null : one(v);
  });
}

function compile(cond: Condition, c: Compiler): Compiled {
  switch (cond.kind) {
    case "and": {
      const ops = cond.operands.map((o) => compileCondition(o, c));
      return { kind: "query", test: (ev) => ops.every((t) => t(ev)) };
    }
    case "or": {
      const ops = cond.operands.map((o) => compileCondition(o, c));
      return { kind: "query", test: (ev) => ops.some((t) => t(ev)) };
    }
    case "not": {
      const inner = compile(cond.operand, c);
      if (inner.kind === "query") {
        const t = inner.test;
        return { kind: "query", test: (ev) => !t(ev) };
      }
      const s = inner.script;
      return scriptOf([...s.fields], (b) => {
        const r = s.run(b);
        return r === null ? null : !r;
      });
    }
    case "match": {
      // ES's optimizer (BooleanFunctionEqualsElimination) turns `f(...) == true` into `f(...)` and
      // `f(...) == false` into `not f(...)`, so a query-translatable function keeps query semantics.
      const only = cond.values.length === 1 ? cond.values[0] : undefined;
      if (cond.subject.kind === "call" && only?.kind === "boolean") {
        const t: Condition = { kind: "test", value: cond.subject, span: cond.span };
        return compile(only.value ? t : { kind: "not", operand: t, span: cond.span }, c);
      }
      const tests = cond.values.map((m) => matchValueTest(m, cond.caseSensitive));
      const one = (v: unknown): boolean => tests.some((t) => t(v));
      return valueTest(cond.subject, one, c);
    }
    case "compare": {
      let left = cond.left;
      let right = cond.right;
      let op = cond.op;
      if (left.kind !== "field" && right.kind === "field") {
        [left, right] = [right, left];
        op = FLIP[op];
      }
      const lit = literalValue(right, c);
      const holds = OPS[op];
      if (left.kind === "field" && lit.ok) {
        const f = left;
        if (lit.date) {
          const at = lit.value;
          return {
            kind: "query",
            test: (ev) => {
              const order = orderAgainst(at(), true);
              return fieldOf(ev, f).some((v) => {
                const d = order(v, null);
                return d !== null && holds(d);
              });
            },
          };
        }
        const order = orderAgainst(lit.value, false);
        return {
          kind: "query",
          test: (ev) =>
            fieldOf(ev, f).some((v) => {
              const d = order(v, null);
              return d !== null && holds(d);
            }),
        };
      }
      const fields: FieldRef[] = [];
      valueFields(cond.left, fields);
      valueFields(cond.right, fields);
      const l = compileValue(cond.left, c);
      const r = compileValue(cond.right, c);
      const cop = cond.op;
      return scriptOf(fields, (b) => {
        const x = l(b);
        const y = r(b);
        if (x === null || y === null) return null;
        const d = orderAgainst(y, false)(x, null);
        return d === null ? null : OPS[cop](d);
      });
    }
    case "regex-match": {
      const regs: ((s: string) => boolean)[] = [];
      for (const p of cond.patterns) {
        const t = translateLuceneRegex(p.source, !cond.caseSensitive);
        if (t.ok) regs.push(t.test);
        else {
          const span = t.position === null ? p.span : { start: p.span.start, end: p.span.end };
          c.diagnostics.push(t.unsupported ? unsupported("EVAL001", t.reason, span) : error("EVAL002", t.reason, span));
        }
      }
      const one = (v: unknown): boolean => {
        const s = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : null;
        return s !== null && regs.some((r) => r(s));
      };
      return valueTest(cond.subject, one, c);
    }
    case "exists": {
      if (cond.subject.kind === "field") {
        const f = cond.subject;
        return { kind: "query", test: (ev) => fieldOf(ev, f).length > 0 };
      }
      const fields: FieldRef[] = [];
      valueFields(cond.subject, fields);
      const val = compileValue(cond.subject, c);
      return scriptOf(fields, (b) => val(b) !== null);
    }
    case "test": {
      const v = cond.value;
      if (v.kind === "boolean") {
        const x = v.value;
        return { kind: "query", test: () => x };
      }
      if (v.kind === "field") {
        return { kind: "query", test: (ev) => fieldOf(ev, v).some((x) => x === true || x === "true") };
      }
      if (v.kind === "call") {
        const q = functionQuery(v, c);
        if (q) return { kind: "query", test: q };
      }
      const fields: FieldRef[] = [];
      valueFields(v, fields);
      const val = compileValue(v, c);
      return scriptOf(fields, (b) => {
        const x = val(b);
        return typeof x === "boolean" ? x : null;
      });
    }
    case "fulltext": {
      const p = compilePattern(cond.value.parts, cond.caseSensitive);
      return {
        kind: "query",
        test: (ev) => {
          for (const vs of flat(ev).values())
            for (const v of vs) {
              const s = eqlString(scalar(v));
              if (s !== null && p(s)) return true;
            }
          return false;
        },
      };
    }
    case "nested": {
      const path = cond.path;
      const inner = compileCondition(stripNested(cond.condition, path), { ...c, nestedPath: path });
      return {
        kind: "query",
        test: (ev) => {
          const objs = nestedObjects(ev.raw, path);
          return objs.some((o) => inner(wrapEvent(o)));
        },
      };
    }
    default:
      return assertNever(cond, "condition");
  }
}

function nestedObjects(raw: unknown, path: string): unknown[] {
  const vs = fieldValues(raw, path);
  return vs.filter((v) => typeof v === "object" && v !== null);
}

/** Inside `path:{ ... }`, fields may be written relative (`first`) or absolute (`user.first`). */
export function stripNested(cond: Condition, path: string): Condition {
  const prefix = `${path}.`;
  const fixValue = (v: Value): Value => {
    switch (v.kind) {
      case "field":
        return v.path.startsWith(prefix) ? { ...v, path: v.path.slice(prefix.length) } : v;
      case "call":
        return { ...v, args: v.args.map(fixValue) };
      case "arith":
        return { ...v, left: fixValue(v.left), right: fixValue(v.right) };
      case "negate":
        return { ...v, operand: fixValue(v.operand) };
      default:
        return v;
    }
  };
  const fix = (x: Condition): Condition => {
    switch (x.kind) {
      case "and":
      case "or":
        return { ...x, operands: x.operands.map(fix) };
      case "not":
        return { ...x, operand: fix(x.operand) };
      case "match":
        return { ...x, subject: fixValue(x.subject) };
      case "compare":
        return { ...x, left: fixValue(x.left), right: fixValue(x.right) };
      case "regex-match":
        return { ...x, subject: fixValue(x.subject) };
      case "exists":
        return { ...x, subject: fixValue(x.subject) };
      case "test":
        return { ...x, value: fixValue(x.value) };
      case "fulltext":
        return x;
      case "nested":
        return { ...x, path: x.path.startsWith(prefix) ? x.path.slice(prefix.length) : x.path, condition: x.condition };
      default:
        return assertNever(x, "condition");
    }
  };
  return fix(cond);
}

/** Evaluates a value expression against one event (first value of each field), for join keys and generators. */
export function evalValueOnEvent(v: Value, ev: Ev, c: Compiler): EqlValue | EqlValue[] {
  if (v.kind === "field") {
    const vs = fieldOf(ev, v).map(scalar).filter((x) => x !== null);
    if (vs.length === 0) return null;
    return vs.length === 1 ? (vs[0] as EqlValue) : vs;
  }
  const fields: FieldRef[] = [];
  valueFields(v, fields);
  const b: Binding = new Map();
  for (const f of fields) b.set(f, scalar(fieldOf(ev, f)[0]));
  return compileValue(v, c)(b);
}
