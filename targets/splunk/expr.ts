/**
 * Conditions as SPL, in the two expression languages SPL has:
 *
 * - `search` (and the WHERE clause of `tstats`): `field="value"` compares
 *   case-insensitively, `*` is the only wildcard and cannot be escaped,
 *   `NOT f="a"` also holds when `f` is missing (like Elasticsearch's
 *   `must_not`), `f=*` means the field has a value, and OR binds tighter than
 *   AND (so every compound operand is parenthesised).
 * - eval expressions (`| where`): `==` is case-sensitive, `like()` has `%` and
 *   `_`, `match()` takes PCRE, `cidrmatch()` tests blocks. A comparison with a
 *   null field is not true, so a negated leaf adds `isnull(field) OR` to keep
 *   Elasticsearch's "missing field matches a negation" meaning.
 *
 * A condition is split into a `search` part and a `where` part: a conjunct
 * `search` expresses exactly goes there alone; any other conjunct goes to the
 * `where` part exactly, and an over-approximation of it (never narrower) to
 * the `search` part so the data model or index still narrows early.
 *
 * The check pass (`checkCondition`) reports everything that cannot be printed
 * before any printer runs; printers throw only on internal errors.
 */
import type { Call, Condition, MatchValue, Pattern, PatternPart, Value } from "../../src/ir/nodes.js";
import { assertNever, conditionFields } from "../../src/ir/nodes.js";
import { type Diagnostic, unsupported, warning } from "../../src/diagnostics/index.js";
import { anchoredPcre, luceneToPcre } from "./regex.js";
import { evalField, isEvalField, isSearchField, numberText, pcreLiteral, quote, relativeTime } from "./syntax.js";

const T = "splunk";

export interface ExprContext {
  /** Whether free-text search terms are possible (raw `search`, not `tstats`). */
  readonly rawSearch: boolean;
}

// ---------------------------------------------------------------------------
// Classification
// ---------------------------------------------------------------------------

function hasCase(s: string): boolean {
  return s.toLowerCase() !== s.toUpperCase();
}

/** The parts with runs of `any` collapsed (`**` means the same as `*`). */
function partsOf(p: Pattern): readonly PatternPart[] {
  const out: PatternPart[] = [];
  for (const x of p.parts) if (!(x.kind === "any" && out[out.length - 1]?.kind === "any")) out.push(x);
  return out;
}

function patternText(p: Pattern): string {
  return p.parts.map((x) => (x.kind === "text" ? x.value : "")).join("");
}

/** Whether `search` states this value exactly, given the match's case sensitivity. */
function searchValueExact(v: MatchValue, caseSensitive: boolean): boolean {
  if (v.kind !== "pattern") return true;
  for (const part of v.parts) {
    if (part.kind === "one") return false;
    if (part.kind === "text" && part.value.includes("*")) return false;
  }
  return !caseSensitive || !hasCase(patternText(v));
}

function isBoolLit(v: Value): boolean {
  return v.kind === "boolean";
}

/** Whether `search` expresses the condition exactly. */
export function searchExact(c: Condition, ctx: ExprContext): boolean {
  switch (c.kind) {
    case "and":
    case "or":
      return c.operands.every((o) => searchExact(o, ctx));
    case "not":
      return searchExact(c.operand, ctx);
    case "match":
      return c.subject.kind === "field" && !c.subject.wildcard && isSearchField(c.subject.path) && c.values.every((v) => searchValueExact(v, c.caseSensitive));
    case "exists":
      return c.subject.kind === "field" && !c.subject.wildcard && isSearchField(c.subject.path);
    case "compare": {
      const [f, n] = c.left.kind === "field" ? [c.left, c.right] : [c.right, c.left];
      return f.kind === "field" && !f.wildcard && isSearchField(f.path) && n.kind === "number";
    }
    case "test":
      return (c.value.kind === "field" && !c.value.wildcard && isSearchField(c.value.path)) || isBoolLit(c.value);
    case "fulltext":
      return ctx.rawSearch;
    case "regex-match":
    case "nested":
      return false;
    default:
      return assertNever(c, "condition");
  }
}

// ---------------------------------------------------------------------------
// Check pass
// ---------------------------------------------------------------------------

const SUPPORTED_CALLS = new Set(["startsWith", "endsWith", "stringContains", "cidrMatch", "length", "string", "concat", "number", "substring", "add", "subtract", "multiply", "modulo"]);

/** Reports every construct of `c` that SPL cannot express, and the approximations it allows. */
export function checkCondition(c: Condition, ctx: ExprContext, out: Diagnostic[]): void {
  const walk = (x: Condition): void => {
    switch (x.kind) {
      case "and":
      case "or":
        x.operands.forEach(walk);
        return;
      case "not":
        walk(x.operand);
        return;
      case "match":
        checkValue(x.subject, out);
        return;
      case "exists":
        checkValue(x.subject, out);
        return;
      case "compare":
        checkValue(x.left, out);
        checkValue(x.right, out);
        if (x.left.kind === "null" || x.right.kind === "null") out.push(unsupported("SPLUNK020", "an ordering comparison with null has no meaning", x.span, { target: T }));
        return;
      case "regex-match":
        checkValue(x.subject, out);
        for (const p of x.patterns) {
          const r = luceneToPcre(p.source);
          if (!r.ok) out.push(unsupported("SPLUNK021", `regular expression cannot be translated to PCRE: ${r.reason}`, p.span, { target: T }));
        }
        return;
      case "test":
        if (x.value.kind === "boolean") {
          if (!x.value.value) out.push(unsupported("SPLUNK022", "the condition is always false", x.span, { target: T }));
          return;
        }
        if (x.value.kind === "field") {
          checkValue(x.value, out);
          return;
        }
        if (x.value.kind === "call" && ["startsWith", "endsWith", "stringContains", "cidrMatch"].includes(x.value.name)) {
          checkValue(x.value, out);
          return;
        }
        out.push(unsupported("SPLUNK023", `a ${x.value.kind} used as a condition has no SPL counterpart`, x.span, { target: T }));
        return;
      case "fulltext":
        if (!ctx.rawSearch) {
          out.push(unsupported("SPLUNK024", "free-text search (a value without a field) cannot run on a tstats data model search", x.span, { target: T }));
        } else if (x.value.parts.some((p) => p.kind === "one" || (p.kind === "text" && p.value.includes("*")))) {
          out.push(unsupported("SPLUNK024", "free-text search with a `?` wildcard or a literal `*` has no SPL counterpart", x.span, { target: T }));
        } else {
          out.push(warning("SPLUNK025", "approximation: free text matches any field in Kibana; in SPL it is a search term over the raw event text", x.span, { target: T }));
        }
        return;
      case "nested":
        out.push(unsupported("SPLUNK026", "nested-object conditions have no SPL counterpart", x.span, { target: T }));
        return;
      default:
        assertNever(x, "condition");
    }
  };
  walk(c);
}

function checkValue(v: Value, out: Diagnostic[]): void {
  switch (v.kind) {
    case "field":
      if (v.wildcard) out.push(unsupported("SPLUNK027", `the field pattern \`${v.path}\` (any field matching) has no SPL counterpart`, v.span, { target: T }));
      else if (!isEvalField(v.path) || !/^[^\s"=|[\]()`]+$/.test(v.path)) out.push(unsupported("SPLUNK028", `field name \`${v.path}\` cannot be written in SPL`, v.span, { target: T }));
      return;
    case "string":
    case "number":
    case "boolean":
    case "null":
      return;
    case "datemath":
      if (relativeTime(v.expr) === null) out.push(unsupported("SPLUNK029", `date math \`${v.expr}\` has no Splunk relative-time counterpart`, v.span, { target: T }));
      return;
    case "call":
      checkCall(v, out);
      return;
    case "arith":
      if (v.op === "/") out.push(unsupported("SPLUNK030", "EQL division truncates integers; SPL division does not", v.span, { target: T }));
      checkValue(v.left, out);
      checkValue(v.right, out);
      return;
    case "negate":
      checkValue(v.operand, out);
      return;
    default:
      assertNever(v, "value");
  }
}

function checkCall(v: Call, out: Diagnostic[]): void {
  if (!SUPPORTED_CALLS.has(v.name)) {
    out.push(unsupported("SPLUNK031", `the EQL function ${v.name}() has no exact SPL counterpart`, v.span, { target: T }));
    return;
  }
  v.args.forEach((a) => checkValue(a, out));
  switch (v.name) {
    case "stringContains":
      if (v.args[1]?.kind !== "string") out.push(unsupported("SPLUNK031", "stringContains() with a non-literal substring has no exact SPL counterpart", v.span, { target: T }));
      return;
    case "cidrMatch":
      if (v.args.slice(1).some((a) => a.kind !== "string")) out.push(unsupported("SPLUNK031", "cidrMatch() blocks must be string literals", v.span, { target: T }));
      return;
    case "number":
      if (v.args[1] !== undefined && v.args[1].kind !== "number") out.push(unsupported("SPLUNK031", "number() with a non-literal base", v.span, { target: T }));
      return;
    case "substring": {
      const s = v.args[1];
      const e = v.args[2];
      if (!s || s.kind !== "number" || !Number.isInteger(s.value) || (e !== undefined && (e.kind !== "number" || !Number.isInteger(e.value)))) {
        out.push(unsupported("SPLUNK031", "substring() offsets must be integer literals to be translated", v.span, { target: T }));
      }
      return;
    }
    default:
      return;
  }
}

// ---------------------------------------------------------------------------
// search printer
// ---------------------------------------------------------------------------

/** A value as `search` writes it: numbers bare, strings quoted, `*` parts as the wildcard. */
function searchValue(v: MatchValue): string {
  if (v.kind === "number") return numberText(v.raw, v.value);
  if (v.kind === "boolean") return String(v.value);
  // Text parts never hold `*` here (searchExact), so `*` is only ever the wildcard;
  // a `?` part (over-approximation only) widens to `*`.
  return quote(partsOf(v).map((p) => (p.kind === "text" ? p.value : "*")).join("").replace(/\*{2,}/g, "*"));
}

function wrap(s: string, compound: boolean): string {
  return compound ? `(${s})` : s;
}

/** Prints a condition that `searchExact` accepted (or an over-approximated leaf). */
export function printSearch(c: Condition): string {
  return printSearchAt(c).text;
}

function printSearchAt(c: Condition): { text: string; compound: boolean } {
  switch (c.kind) {
    case "and":
    case "or": {
      const sep = c.kind === "and" ? " AND " : " OR ";
      return { text: c.operands.map((o) => { const p = printSearchAt(o); return wrap(p.text, p.compound); }).join(sep), compound: true };
    }
    case "not": {
      const p = printSearchAt(c.operand);
      // `NOT f IN (...)`: parenthesised so NOT surely covers the whole IN term.
      const multi = c.operand.kind === "match" && c.operand.values.length > 1;
      return { text: `NOT ${wrap(p.text, p.compound || multi)}`, compound: false };
    }
    case "match": {
      const f = fieldOf(c.subject);
      if (c.values.length === 1) return { text: `${f}=${searchValue(c.values[0] as MatchValue)}`, compound: false };
      return { text: `${f} IN (${c.values.map(searchValue).join(", ")})`, compound: false };
    }
    case "exists":
      return { text: `${fieldOf(c.subject)}=*`, compound: false };
    case "compare": {
      if (c.left.kind === "field") return { text: `${c.left.path}${c.op}${numText(c.right)}`, compound: false };
      const flip = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as const;
      return { text: `${fieldOf(c.right)}${flip[c.op]}${numText(c.left)}`, compound: false };
    }
    case "test":
      if (c.value.kind === "field") return { text: `${c.value.path}="true"`, compound: false };
      throw new Error("internal error: constant test reached the search printer");
    case "fulltext":
      return { text: quote(c.value.parts.map((p) => (p.kind === "text" ? p.value : "*")).join("")), compound: false };
    case "regex-match":
    case "nested":
      throw new Error(`internal error: ${c.kind} reached the search printer`);
    default:
      return assertNever(c, "condition");
  }
}

function fieldOf(v: Value): string {
  if (v.kind !== "field") throw new Error("internal error: search printer needs a field");
  return v.path;
}
function numText(v: Value): string {
  if (v.kind !== "number") throw new Error("internal error: search comparison needs a number");
  return numberText(v.raw, v.value);
}

/**
 * The narrowest `search` condition that is never narrower than `c` (null: no
 * narrowing possible). `positive` is false under an odd number of `not`s.
 */
export function approxSearch(c: Condition, ctx: ExprContext, positive = true): Condition | null {
  if (searchExact(c, ctx)) return c;
  switch (c.kind) {
    case "and":
    case "or": {
      const ops: Condition[] = [];
      // Under negation, and/or swap their roles for the "true" approximation.
      const absorbing = (c.kind === "or") === positive;
      for (const o of c.operands) {
        const a = approxSearch(o, ctx, positive);
        if (a === null) {
          if (absorbing) return null;
          continue;
        }
        ops.push(a);
      }
      if (ops.length === 0) return null;
      return ops.length === 1 ? (ops[0] as Condition) : { ...c, operands: ops };
    }
    case "not": {
      const a = approxSearch(c.operand, ctx, !positive);
      return a === null ? null : { ...c, operand: a };
    }
    case "match": {
      // A wider match: case-insensitive, `?` as `*`, a literal `*` as the wildcard.
      if (!positive || c.subject.kind !== "field" || c.subject.wildcard || !isSearchField(c.subject.path)) return null;
      return { ...c, caseSensitive: false };
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------
// eval printer
// ---------------------------------------------------------------------------

/** Field paths an eval condition reads. */
export function evalFields(c: Condition, into: Set<string> = new Set()): Set<string> {
  for (const f of conditionFields(c)) into.add(f.path);
  return into;
}

/** Prints a condition as an eval boolean expression with Elasticsearch's missing-field semantics. */
export function printEval(c: Condition): string {
  return evalAt(c, false).text;
}

function evalAt(c: Condition, negated: boolean): { text: string; compound: boolean } {
  switch (c.kind) {
    case "and":
    case "or": {
      // De Morgan under negation, so negations reach the leaves and get their null guard.
      const isAnd = (c.kind === "and") !== negated;
      const parts = c.operands.map((o) => { const p = evalAt(o, negated); return wrap(p.text, p.compound); });
      return { text: parts.join(isAnd ? " AND " : " OR "), compound: true };
    }
    case "not": {
      const x = c.operand;
      if (!isScript(x)) return evalAt(x, !negated);
      // Elasticsearch runs the operand as a script: `not` of a script is three-valued
      // (a null argument gives null, which does not match), unlike `must_not`.
      const inner = evalAt(x, false);
      if (!negated) return { text: `NOT (${inner.text})`, compound: false };
      // The complement of that (inside a negated bool): the operand holds, or it was null.
      const guards = [...evalFields(x)].map((f) => `isnull(${evalField(f)})`);
      return { text: [...guards, wrap(inner.text, inner.compound)].join(" OR "), compound: true };
    }
    case "exists": {
      const f = evalValue(c.subject);
      return { text: negated ? `isnull(${f})` : `isnotnull(${f})`, compound: false };
    }
    case "match":
    case "regex-match":
    case "compare":
    case "test": {
      const leaf = evalLeaf(c);
      if (!negated) return leaf;
      const guards = [...evalFields(c)].map((f) => `isnull(${evalField(f)})`);
      const neg = `NOT (${leaf.text})`;
      return guards.length === 0 ? { text: neg, compound: false } : { text: [...guards, neg].join(" OR "), compound: true };
    }
    case "fulltext":
    case "nested":
      throw new Error(`internal error: ${c.kind} reached the eval printer`);
    default:
      return assertNever(c, "condition");
  }
}

/**
 * Whether Elasticsearch evaluates this leaf as a Painless script (three-valued)
 * rather than as a query: query leaves compare a field with constants, or are
 * startsWith/endsWith/stringContains/cidrMatch of a field with string
 * constants (see src/eval/condition.ts, which models the same split).
 */
export function isScriptLeaf(c: Condition): boolean {
  const constant = (v: Value) => v.kind === "string" || v.kind === "number" || v.kind === "boolean" || v.kind === "null" || v.kind === "datemath";
  switch (c.kind) {
    case "match":
    case "regex-match":
    case "exists":
      return c.subject.kind !== "field";
    case "compare":
      return !((c.left.kind === "field" && constant(c.right)) || (c.right.kind === "field" && constant(c.left)));
    case "test": {
      const v = c.value;
      if (v.kind === "field" || v.kind === "boolean") return false;
      if (v.kind !== "call") return true;
      const [first, ...rest] = v.args;
      const queryable = ["startsWith", "endsWith", "stringContains", "cidrMatch"].includes(v.name) && first?.kind === "field" && rest.length > 0 && rest.every((a) => a.kind === "string");
      return !queryable;
    }
    default:
      return false;
  }
}

/** A `not` over a script is a script; `and`/`or` are always queries (bool queries). */
function isScript(c: Condition): boolean {
  return c.kind === "not" ? isScript(c.operand) : isScriptLeaf(c);
}

function evalLeaf(c: Condition): { text: string; compound: boolean } {
  switch (c.kind) {
    case "match": {
      const subject = evalValue(c.subject);
      const parts = c.values.map((v) => evalMatchValue(subject, v, c.caseSensitive));
      return parts.length === 1 ? { text: parts[0] as string, compound: false } : { text: parts.join(" OR "), compound: true };
    }
    case "regex-match": {
      const subject = evalValue(c.subject);
      const parts = c.patterns.map((p) => {
        const r = luceneToPcre(p.source);
        if (!r.ok) throw new Error("internal error: unchecked regular expression");
        return `match(${subject}, ${quote(anchoredPcre(r.pcre, !c.caseSensitive))})`;
      });
      return parts.length === 1 ? { text: parts[0] as string, compound: false } : { text: parts.join(" OR "), compound: true };
    }
    case "compare":
      return { text: `${evalValue(c.left)} ${c.op} ${evalValue(c.right)}`, compound: false };
    case "test":
      if (c.value.kind === "field") return { text: `lower(${evalValue(c.value)})=="true"`, compound: false };
      if (c.value.kind === "boolean") return { text: c.value.value ? "true()" : "false()", compound: false };
      return { text: evalValue(c.value), compound: false };
    default:
      throw new Error(`internal error: ${c.kind} is not an eval leaf`);
  }
}

/** `subject` matches one value: exact, `like()` or `match()`. */
function evalMatchValue(subject: string, v: MatchValue, caseSensitive: boolean): string {
  if (v.kind === "number") return `${subject}==${numberText(v.raw, v.value)}`;
  if (v.kind === "boolean") return `lower(${subject})==${quote(String(v.value))}`;
  const parts = partsOf(v);
  const wild = parts.some((p) => p.kind !== "text");
  if (!wild) {
    const text = patternText(v);
    return caseSensitive || !hasCase(text) ? `${subject}==${quote(text)}` : `lower(${subject})==${quote(text.toLowerCase())}`;
  }
  // like(): `%` any run, `_` one character; it has no documented escape, so a
  // pattern whose text holds `%`, `_` or a backslash is written as a regex.
  const likeSafe = parts.every((p) => p.kind !== "text" || !/[%_\\]/.test(p.value));
  if (likeSafe) {
    const pat = parts.map((p) => (p.kind === "text" ? p.value : p.kind === "any" ? "%" : "_")).join("");
    return caseSensitive || !hasCase(pat) ? `like(${subject}, ${quote(pat)})` : `like(lower(${subject}), ${quote(pat.toLowerCase())})`;
  }
  const body = parts.map((p) => (p.kind === "text" ? pcreLiteral(p.value) : p.kind === "any" ? ".*" : ".")).join("");
  return `match(${subject}, ${quote(anchoredPcre(body, !caseSensitive))})`;
}

/** A value as an eval expression. */
export function evalValue(v: Value): string {
  switch (v.kind) {
    case "field":
      return evalField(v.path);
    case "string":
      return quote(v.value);
    case "number":
      return numberText(v.raw, v.value);
    case "boolean":
      return quote(String(v.value));
    case "null":
      return "null()";
    case "datemath":
      return `relative_time(now(), ${quote(relativeTime(v.expr) ?? "")})`;
    case "arith":
      return `(${evalValue(v.left)} ${v.op} ${evalValue(v.right)})`;
    case "negate":
      return `(-${evalValue(v.operand)})`;
    case "call":
      return evalCall(v);
    default:
      return assertNever(v, "value");
  }
}

function lit(v: Value | undefined): string {
  return v === undefined ? "" : evalValue(v);
}

function evalCall(v: Call): string {
  const a = v.args;
  const ci = v.caseInsensitive;
  const s = (x: Value | undefined) => (ci ? `lower(${lit(x)})` : lit(x));
  switch (v.name) {
    case "startsWith": {
      const sub = a[1];
      if (sub?.kind === "string") return `match(${lit(a[0])}, ${quote(`(?s${ci ? "i" : ""})^${pcreLiteral(sub.value)}`)})`;
      return `substr(${s(a[0])}, 1, len(${s(sub)}))==${s(sub)}`;
    }
    case "endsWith": {
      const sub = a[1];
      if (sub?.kind === "string") return `match(${lit(a[0])}, ${quote(`(?s${ci ? "i" : ""})${pcreLiteral(sub.value)}\\z`)})`;
      return `(len(${s(sub)})==0 OR substr(${s(a[0])}, -len(${s(sub)}))==${s(sub)})`;
    }
    case "stringContains": {
      const sub = a[1];
      if (sub?.kind !== "string") throw new Error("internal error: unchecked stringContains");
      // EQL: the empty substring never matches.
      if (sub.value === "") return "false()";
      return `match(${lit(a[0])}, ${quote(`(?s${ci ? "i" : ""})${pcreLiteral(sub.value)}`)})`;
    }
    case "cidrMatch": {
      const ip = lit(a[0]);
      return `(${a.slice(1).map((c) => `cidrmatch(${lit(c)}, ${ip})`).join(" OR ")})`;
    }
    case "length":
      return `len(${lit(a[0])})`;
    case "string":
      return `tostring(${lit(a[0])})`;
    case "concat":
      return `(${a.map((x) => (x.kind === "string" ? lit(x) : `tostring(${lit(x)})`)).join(" . ")})`;
    case "number":
      return a[1] ? `tonumber(${lit(a[0])}, ${lit(a[1])})` : `tonumber(${lit(a[0])})`;
    case "substring": {
      // EQL: zero-based, end exclusive, negative offsets from the end. SPL substr: one-based start and a length.
      const str = lit(a[0]);
      const start = (a[1] as { value: number }).value;
      const end = a[2] === undefined ? null : (a[2] as { value: number }).value;
      const from = start >= 0 ? `${start}` : `max(len(${str})${start}, 0)`;
      const to = end === null ? `len(${str})` : end >= 0 ? `min(${end}, len(${str}))` : `max(len(${str})${end}, 0)`;
      return `substr(${str}, ${from} + 1, max(${to} - ${from}, 0))`;
    }
    case "add":
      return `(${lit(a[0])} + ${lit(a[1])})`;
    case "subtract":
      return `(${lit(a[0])} - ${lit(a[1])})`;
    case "multiply":
      return `(${lit(a[0])} * ${lit(a[1])})`;
    case "modulo":
      return `(${lit(a[0])} % ${lit(a[1])})`;
    default:
      throw new Error(`internal error: unchecked function ${v.name}`);
  }
}

/** Splits a condition into an exact-or-wider `search` part and an exact `where` part (either may be null). */
export function splitCondition(c: Condition, ctx: ExprContext): { search: Condition | null; where: Condition | null } {
  const conjuncts = c.kind === "and" ? c.operands : [c];
  const search: Condition[] = [];
  const where: Condition[] = [];
  for (const x of conjuncts) {
    if (x.kind === "test" && x.value.kind === "boolean" && x.value.value) continue;
    if (searchExact(x, ctx)) {
      search.push(x);
      continue;
    }
    where.push(x);
    const a = approxSearch(x, ctx);
    if (a) search.push(a);
  }
  const join = (xs: Condition[]): Condition | null => (xs.length === 0 ? null : xs.length === 1 ? (xs[0] as Condition) : { kind: "and", operands: xs, span: c.span });
  return { search: join(search), where: join(where) };
}

/** Whether a condition contains free text (which only `search` can state). */
export function hasFullText(c: Condition): boolean {
  switch (c.kind) {
    case "and":
    case "or":
      return c.operands.some(hasFullText);
    case "not":
      return hasFullText(c.operand);
    case "nested":
      return hasFullText(c.condition);
    case "fulltext":
      return true;
    default:
      return false;
  }
}
