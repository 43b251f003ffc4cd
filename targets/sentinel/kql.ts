/**
 * Conditions and values -> KQL. Two passes over mapped IR:
 * `checkCondition` reports everything KQL cannot express exactly (unsupported)
 * or only approximately (warning); `printCondition` then prints, assuming
 * checked input.
 *
 * Operator choice (Kusto "string operators"): `==`/`in` are case-sensitive,
 * `=~`/`in~` are not; `startswith`/`endswith`/`contains` are case-insensitive
 * and have `_cs` variants; everything else `matches regex` (RE2, anchored by
 * us, `(?i)` when insensitive). `has` is never used: it matches whole terms.
 */
import type { Call, Condition, Match, MatchValue, Pattern, PatternPart, Span, Value } from "../../src/ir/nodes.js";
import { assertNever, conditionFields } from "../../src/ir/nodes.js";
import { type Diagnostic, unsupported, warning } from "../../src/diagnostics/index.js";
import { kqlIdent, kqlString } from "./literal.js";
import { escapeRe2, luceneToRe2, wildcardToRe2 } from "./regex.js";
import { isNumericType, type KqlType } from "./schema.js";

const T = { target: "sentinel" } as const;

export interface PrintContext {
  /** Column types of the source (schema plus computed columns), or null when unknown (types then default to string). */
  readonly columns: Readonly<Record<string, KqlType>> | null;
}

// ---------------------------------------------------------------------------
// Pattern shapes
// ---------------------------------------------------------------------------

export type Shape =
  | { readonly kind: "exact"; readonly text: string }
  | { readonly kind: "prefix" | "suffix" | "contains"; readonly text: string }
  | { readonly kind: "anything" }
  | { readonly kind: "regex"; readonly parts: readonly PatternPart[] };

/** Collapses runs of `*` (they mean the same as one). */
function collapse(parts: readonly PatternPart[]): PatternPart[] {
  const out: PatternPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.kind === "any" && last?.kind === "any") continue;
    out.push(p);
  }
  return out;
}

/** What KQL operator a wildcard pattern reduces to. */
export function shapeOf(p: Pattern): Shape {
  const parts = collapse(p.parts);
  if (parts.length === 0) return { kind: "exact", text: "" };
  if (parts.every((x) => x.kind === "any")) return { kind: "anything" };
  const [a, b, c] = parts;
  if (parts.length === 1 && a?.kind === "text") return { kind: "exact", text: a.value };
  if (parts.length === 2 && a?.kind === "text" && b?.kind === "any") return { kind: "prefix", text: a.value };
  if (parts.length === 2 && a?.kind === "any" && b?.kind === "text") return { kind: "suffix", text: b.value };
  if (parts.length === 3 && a?.kind === "any" && b?.kind === "text" && c?.kind === "any") return { kind: "contains", text: b.value };
  return { kind: "regex", parts };
}

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

export function typeOfValue(v: Value, ctx: PrintContext): KqlType {
  switch (v.kind) {
    case "field":
      return ctx.columns?.[v.path] ?? "string";
    case "string":
      return "string";
    case "number":
      return v.integer ? "long" : "real";
    case "boolean":
      return "bool";
    case "null":
      return "null";
    case "datemath":
      return "datetime";
    case "call":
      switch (v.name) {
        case "length":
        case "indexOf":
        case "add":
        case "subtract":
        case "multiply":
        case "divide":
        case "modulo":
        case "number":
          return "long";
        case "startsWith":
        case "endsWith":
        case "stringContains":
        case "cidrMatch":
          return "bool";
        default:
          return "string";
      }
    case "arith":
    case "negate":
      return "long";
    default:
      return assertNever(v, "value");
  }
}

const isStringy = (t: KqlType) => t === "string";

/**
 * Type of a computed column holding a multi-valued ECS keyword field (a dynamic
 * array of strings, e.g. `event.type`): a match holds when any element matches,
 * as Elasticsearch matches an array field. Declared in `emit.types`.
 */
export const MULTI: KqlType = "string[]";

/**
 * Text a JSON serializer may escape (quote, backslash, control and non-ASCII characters):
 * not matched inside an array's JSON text.
 */
const JSON_UNSAFE = /["\\\u0000-\u001f\u007f-\u{10ffff}]/u;

/**
 * Wildcard patterns as one RE2 regex over the compact JSON text of a string array
 * (`tostring(array)`, `["a","b"]`) that holds exactly when some element matches one of
 * the patterns: the whole text is parsed as elements, so a match cannot start or end
 * between elements. Inside an element `*` and `?` take a JSON escape (`\"`) as one
 * unit; the pattern's text has no character JSON escapes (checked).
 */
export function multiElementRe2(patterns: readonly (readonly PatternPart[])[], caseSensitive: boolean): string {
  const char = String.raw`(?:[^"\\]|\\u[0-9A-Fa-f]{4}|\\[^u])`;
  const element = `"${char}*"`;
  const bodies = patterns.map((parts) => parts.map((p) => (p.kind === "text" ? escapeRe2(p.value) : p.kind === "any" ? `${char}*` : char)).join(""));
  const body = bodies.length === 1 ? (bodies[0] as string) : `(?:${bodies.join("|")})`;
  return `(?s)${caseSensitive ? "" : "(?i)"}^\\[(?:${element},)*"${body}"(?:,${element})*\\]$`;
}

/** Reports a multi-valued column used where only matching is defined (functions, comparisons, keys). */
export function checkNotMulti(v: Value, ctx: PrintContext, what: string, out: Diagnostic[]): void {
  if (v.kind === "field" && typeOfValue(v, ctx) === MULTI)
    out.push(unsupported("SENTINEL131", `\`${v.path}\` holds a multi-valued field (a list of values); it cannot be used ${what}`, v.span, T));
}

// ---------------------------------------------------------------------------
// Check pass
// ---------------------------------------------------------------------------

const DATEMATH = /^now(?:([+-])(\d+)([smhdw]))?$/;

/** Reports what cannot be printed exactly. */
export function checkCondition(c: Condition, ctx: PrintContext, out: Diagnostic[]): void {
  switch (c.kind) {
    case "and":
    case "or":
      for (const o of c.operands) checkCondition(o, ctx, out);
      return;
    case "not":
      checkCondition(c.operand, ctx, out);
      return;
    case "match": {
      checkValue(c.subject, ctx, out);
      const t = typeOfValue(c.subject, ctx);
      if (t === MULTI) {
        for (const v of c.values) {
          if (v.kind === "boolean") continue; // its text, "true" / "false" (a list of booleans is held as their texts)
          const s = v.kind === "pattern" ? shapeOf(v) : null;
          if (!s) out.push(unsupported("SENTINEL131", `only strings and wildcard patterns can be matched against the multi-valued \`${printValue(c.subject, ctx)}\``, v.span, T));
          else if (s.kind === "exact" && !c.caseSensitive && /["\\]/.test(s.text))
            out.push(unsupported("SENTINEL131", `the value cannot be matched exactly against the multi-valued \`${printValue(c.subject, ctx)}\``, v.span, T));
          else if (s.kind !== "exact" && s.kind !== "anything" && (v as Pattern).parts.some((x) => x.kind === "text" && JSON_UNSAFE.test(x.value)))
            out.push(unsupported("SENTINEL131", `a pattern with a quote, a backslash, a control or a non-ASCII character cannot be matched exactly against the multi-valued \`${printValue(c.subject, ctx)}\``, v.span, T));
        }
        return;
      }
      for (const v of c.values) {
        if (v.kind === "pattern" && isStringy(t)) {
          const s = shapeOf(v);
          if (s.kind === "exact" && s.text === "")
            out.push(warning("SENTINEL201", "approximation: KQL strings cannot be null, so matching the empty string also matches events where the field is missing", v.span, T));
        }
        if (v.kind === "boolean" && isNumericType(t)) out.push(unsupported("SENTINEL120", `a boolean cannot be compared with the numeric column \`${printValue(c.subject, ctx)}\``, v.span, T));
      }
      return;
    }
    case "compare": {
      checkValue(c.left, ctx, out);
      checkValue(c.right, ctx, out);
      checkNotMulti(c.left, ctx, "in a comparison", out);
      checkNotMulti(c.right, ctx, "in a comparison", out);
      for (const side of [c.left, c.right]) {
        if (side.kind === "datemath" && !DATEMATH.test(side.expr.replace(/\s+/g, "")))
          out.push(unsupported("SENTINEL121", `date math \`${side.expr}\` (rounding or month/year units) has no exact KQL counterpart`, side.span, T));
        if (side.kind === "null") out.push(unsupported("SENTINEL122", "ordering against null is always false in EQL and has no KQL spelling", side.span, T));
      }
      return;
    }
    case "regex-match":
      checkValue(c.subject, ctx, out);
      checkNotMulti(c.subject, ctx, "with a regular expression", out);
      for (const p of c.patterns) {
        const r = luceneToRe2(p.source, c.caseSensitive);
        if (!r.ok) out.push(unsupported("SENTINEL123", `regular expression \`${p.source}\`: ${r.reason}`, p.span, T));
      }
      return;
    case "exists":
      checkValue(c.subject, ctx, out);
      return;
    case "test":
      checkTest(c.value, ctx, out);
      return;
    case "fulltext":
      out.push(unsupported("SENTINEL124", "free-text search over all fields has no exact KQL counterpart (Kibana searches its default fields)", c.span, T));
      return;
    case "nested":
      out.push(unsupported("SENTINEL125", `nested query on \`${c.path}\`: KQL tables have no nested documents`, c.span, T));
      return;
    default:
      assertNever(c, "condition");
  }
}

function checkTest(v: Value, ctx: PrintContext, out: Diagnostic[]): void {
  if (v.kind === "boolean") return;
  if (v.kind === "field") {
    checkValue(v, ctx, out);
    const t = typeOfValue(v, ctx);
    if (t !== "bool") out.push(unsupported("SENTINEL126", `\`${v.path}\` is used as a condition but its column type is ${t}, not bool`, v.span, T));
    return;
  }
  if (v.kind === "call" && (v.name === "startsWith" || v.name === "endsWith" || v.name === "stringContains" || v.name === "cidrMatch")) {
    checkValue(v, ctx, out);
    return;
  }
  out.push(unsupported("SENTINEL126", `this expression is used as a condition but is not boolean`, v.span, T));
}

function checkValue(v: Value, ctx: PrintContext, out: Diagnostic[]): void {
  switch (v.kind) {
    case "field":
      if (v.wildcard) out.push(unsupported("SENTINEL127", `field pattern \`${v.path}\` (any field matching) has no KQL counterpart`, v.span, T));
      return;
    case "string":
    case "number":
    case "boolean":
    case "null":
    case "datemath":
      return;
    case "arith":
      checkValue(v.left, ctx, out);
      checkValue(v.right, ctx, out);
      return;
    case "negate":
      checkValue(v.operand, ctx, out);
      return;
    case "call":
      for (const a of v.args) {
        checkValue(a, ctx, out);
        checkNotMulti(a, ctx, `as an argument of ${v.name}()`, out);
      }
      checkCall(v, ctx, out);
      return;
    default:
      assertNever(v, "value");
  }
}

function isNonNegInt(v: Value | undefined): boolean {
  return v !== undefined && v.kind === "number" && v.integer && v.value >= 0;
}

function checkCall(v: Call, ctx: PrintContext, out: Diagnostic[]): void {
  const no = (why: string) => out.push(unsupported("SENTINEL130", `${v.name}(): ${why}`, v.span, T));
  switch (v.name) {
    case "length":
    case "string":
      if (v.args.length !== 1) no("expects one argument");
      return;
    case "startsWith":
    case "endsWith":
    case "stringContains":
      if (v.args.length !== 2) no("expects two arguments");
      return;
    case "cidrMatch":
      if (v.args.length < 2 || v.args.slice(1).some((a) => a.kind !== "string")) no("the blocks must be string constants");
      return;
    case "substring":
      if (!isNonNegInt(v.args[1]) || (v.args[2] !== undefined && !isNonNegInt(v.args[2])))
        no("only non-negative constant offsets translate exactly (EQL counts negative offsets from the end)");
      return;
    case "concat":
      out.push(warning("SENTINEL202", "approximation: concat() is null when any argument is null; strcat() treats a missing value as the empty string", v.span, T));
      return;
    case "add":
    case "subtract":
    case "multiply":
    case "modulo":
      if (v.args.length !== 2) no("expects two arguments");
      return;
    case "divide":
      no("EQL divides integers with rounding down and refuses zero; KQL's `/` differs on both");
      return;
    case "indexOf":
      no("EQL returns null when the substring is missing, KQL's indexof() returns -1");
      return;
    case "between":
    case "number":
      no("has no exact KQL counterpart");
      return;
    default:
      assertNever(v.name, "function");
  }
  void ctx;
}

// ---------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------

const NUMERIC_TEXT = /^-?\d+(\.\d+)?$/;

/** Prints a condition. `negated` says whether an odd number of `not`s surround it (for null-safe comparisons). */
export function printCondition(c: Condition, ctx: PrintContext, negated = false): string {
  switch (c.kind) {
    case "and":
      return c.operands.map((o) => (o.kind === "or" ? `(${printCondition(o, ctx, negated)})` : printCondition(o, ctx, negated))).join(" and ");
    case "or":
      return c.operands.map((o) => (o.kind === "and" ? `(${printCondition(o, ctx, negated)})` : printCondition(o, ctx, negated))).join(" or ");
    case "not":
      return `not(${printCondition(c.operand, ctx, !negated)})`;
    case "match":
      return printMatch(c, ctx);
    case "compare": {
      const lt = typeOfValue(c.left, ctx);
      const rt = typeOfValue(c.right, ctx);
      let text: string;
      let numericString = false;
      if (lt === "datetime" || rt === "datetime") {
        const l = c.left.kind === "datemath" ? printDateMath(c.left.expr) : lt === "datetime" ? printValue(c.left, ctx) : `todatetime(${printValue(c.left, ctx)})`;
        const r = c.right.kind === "datemath" ? printDateMath(c.right.expr) : rt === "datetime" ? printValue(c.right, ctx) : `todatetime(${printValue(c.right, ctx)})`;
        text = `${l} ${c.op} ${r}`;
      } else if (isStringy(lt) !== isStringy(rt) && (isNumericType(lt) || isNumericType(rt))) {
        // A number against a string column (an ASIM id such as TargetProcessId): compare numerically.
        const l = isStringy(lt) ? `tolong(${printValue(c.left, ctx)})` : printValue(c.left, ctx);
        const r = isStringy(rt) ? `tolong(${printValue(c.right, ctx)})` : printValue(c.right, ctx);
        text = `${l} ${c.op} ${r}`;
        numericString = true;
      } else if (isStringy(lt) || isStringy(rt)) {
        // KQL has no ordering operators on strings; strcmp is ordinal (case-sensitive), as EQL's.
        text = `strcmp(${printValue(c.left, ctx)}, ${printValue(c.right, ctx)}) ${c.op} 0`;
      } else text = `${printValue(c.left, ctx)} ${c.op} ${printValue(c.right, ctx)}`;
      // A comparison with null is null in KQL, and not(null) drops the row; EQL's `not` keeps it.
      const nullable = [c.left, c.right].filter((v) => v.kind === "field" && (numericString || !isStringy(typeOfValue(v, ctx))));
      const present = (f: Value) => (isStringy(typeOfValue(f, ctx)) ? `isnotnull(tolong(${printValue(f, ctx)}))` : `isnotnull(${printValue(f, ctx)})`);
      if (negated && nullable.length > 0) return `(${nullable.map(present).join(" and ")} and ${text})`;
      return text;
    }
    case "regex-match": {
      const subj = stringSubject(c.subject, ctx);
      const parts = c.patterns.map((p) => {
        const r = luceneToRe2(p.source, c.caseSensitive);
        if (!r.ok) throw new Error(`internal error: unchecked regex ${p.source}`);
        return `${subj} matches regex ${kqlString(r.re2)}`;
      });
      return parts.length === 1 ? (parts[0] as string) : `(${parts.join(" or ")})`;
    }
    case "exists": {
      const t = typeOfValue(c.subject, ctx);
      if (t === MULTI) return `array_length(${printValue(c.subject, ctx)}) > 0`;
      return isStringy(t) ? `isnotempty(${printValue(c.subject, ctx)})` : `isnotnull(${printValue(c.subject, ctx)})`;
    }
    case "test":
      return printTest(c.value, ctx);
    case "fulltext":
    case "nested":
      throw new Error(`internal error: unchecked ${c.kind}`);
    default:
      return assertNever(c, "condition");
  }
}

function printDateMath(expr: string): string {
  const m = DATEMATH.exec(expr.replace(/\s+/g, ""));
  if (!m) throw new Error(`internal error: unchecked date math ${expr}`);
  if (!m[1]) return "now()";
  const n = Number(m[2]);
  const span = m[3] === "w" ? `${n * 7}d` : `${n}${m[3]}`;
  return m[1] === "-" ? `ago(${span})` : `now(${span})`;
}

function stringSubject(v: Value, ctx: PrintContext): string {
  const t = typeOfValue(v, ctx);
  return isStringy(t) ? printValue(v, ctx) : `tostring(${printValue(v, ctx)})`;
}

function orJoin(parts: readonly string[]): string {
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(" or ")})`;
}

function printMatch(c: Match, ctx: PrintContext): string {
  const t = typeOfValue(c.subject, ctx);
  const subj = printValue(c.subject, ctx);
  if (t === MULTI) {
    // Any element equal: set_has_element is case-sensitive; insensitively, the quoted
    // value inside the array's JSON text (checked: no quote or backslash in the value).
    const parts = new Set<string>();
    const wildcards: (readonly PatternPart[])[] = [];
    for (const v of c.values) {
      if (v.kind === "boolean") {
        parts.add(`set_has_element(${subj}, ${kqlString(String(v.value))})`);
        continue;
      }
      const s = shapeOf(v as Pattern);
      if (s.kind === "anything") parts.add(`array_length(${subj}) > 0`);
      // (an element may be the empty string: Elasticsearch indexes "" as a keyword value)
      else if (s.kind === "exact") parts.add(c.caseSensitive || s.text === "" ? `set_has_element(${subj}, ${kqlString(s.text)})` : `tostring(${subj}) contains ${kqlString(`"${s.text}"`)}`);
      else wildcards.push((v as Pattern).parts);
    }
    if (wildcards.length > 0) parts.add(`tostring(${subj}) matches regex ${kqlString(multiElementRe2(wildcards, c.caseSensitive))}`);
    return orJoin([...parts]);
  }
  if (isNumericType(t)) {
    const numbers: string[] = [];
    const rest: MatchValue[] = [];
    for (const v of c.values) {
      if (v.kind === "number") numbers.push(v.raw);
      else if (v.kind === "pattern" && v.parts.length === 1 && v.parts[0]?.kind === "text" && NUMERIC_TEXT.test(v.parts[0].value)) numbers.push(v.parts[0].value);
      else rest.push(v);
    }
    const out: string[] = [];
    if (numbers.length === 1) out.push(`${subj} == ${numbers[0]}`);
    else if (numbers.length > 1) out.push(`${subj} in (${numbers.join(", ")})`);
    if (rest.length > 0) out.push(printStringMatch(`tostring(${subj})`, rest, c.caseSensitive));
    return orJoin(out);
  }
  if (t === "bool") {
    const out: string[] = [];
    for (const v of c.values) {
      const text = v.kind === "boolean" ? String(v.value) : v.kind === "pattern" ? exactOf(v) : null;
      if (text !== null && /^(true|false)$/i.test(text) && (!c.caseSensitive || text === "true" || text === "false" || v.kind === "boolean")) out.push(`${subj} == ${text.toLowerCase()}`);
      else out.push(printStringMatch(`tostring(${subj})`, [v], c.caseSensitive));
    }
    return orJoin(out);
  }
  return printStringMatch(isStringy(t) ? subj : `tostring(${subj})`, c.values, c.caseSensitive);
}

function exactOf(p: Pattern): string | null {
  const s = shapeOf(p);
  return s.kind === "exact" ? s.text : null;
}

function printStringMatch(subj: string, values: readonly MatchValue[], caseSensitive: boolean): string {
  const exact: string[] = [];
  const out: string[] = [];
  const cs = caseSensitive ? "_cs" : "";
  let anything = false;
  for (const v of values) {
    if (v.kind !== "pattern") {
      exact.push(v.kind === "number" ? v.raw : String(v.value));
      continue;
    }
    const s = shapeOf(v);
    switch (s.kind) {
      case "exact":
        exact.push(s.text);
        break;
      case "prefix":
        out.push(`${subj} startswith${cs} ${kqlString(s.text)}`);
        break;
      case "suffix":
        out.push(`${subj} endswith${cs} ${kqlString(s.text)}`);
        break;
      case "contains":
        out.push(`${subj} contains${cs} ${kqlString(s.text)}`);
        break;
      case "anything":
        anything = true;
        break;
      case "regex":
        out.push(`${subj} matches regex ${kqlString(wildcardToRe2(s.parts, caseSensitive))}`);
        break;
      default:
        assertNever(s, "shape");
    }
  }
  // `*` matches any value that exists, which absorbs every other alternative.
  if (anything) return `isnotempty(${subj})`;
  const unique = [...new Set(exact)];
  const eq: string[] = [];
  if (unique.length === 1) eq.push(`${subj} ${caseSensitive ? "==" : "=~"} ${kqlString(unique[0] as string)}`);
  else if (unique.length > 1) eq.push(`${subj} ${caseSensitive ? "in" : "in~"} (${unique.map(kqlString).join(", ")})`);
  return orJoin([...eq, ...out]);
}

function printTest(v: Value, ctx: PrintContext): string {
  if (v.kind === "boolean") return String(v.value);
  if (v.kind === "field") return `${printValue(v, ctx)} == true`;
  if (v.kind === "call") return printPredicate(v, ctx);
  throw new Error("internal error: unchecked test");
}

function printPredicate(v: Call, ctx: PrintContext): string {
  const [a, b] = v.args as [Value, Value];
  const cs = v.caseInsensitive ? "" : "_cs";
  switch (v.name) {
    case "startsWith":
      return `${stringSubject(a, ctx)} startswith${cs} ${stringSubject(b, ctx)}`;
    case "endsWith":
      return `${stringSubject(a, ctx)} endswith${cs} ${stringSubject(b, ctx)}`;
    case "stringContains":
      // EQL: the empty substring gives false; KQL's contains("") is true.
      if (b.kind === "string") return b.value === "" ? "false" : `${stringSubject(a, ctx)} contains${cs} ${kqlString(b.value)}`;
      return `(isnotempty(${stringSubject(b, ctx)}) and ${stringSubject(a, ctx)} contains${cs} ${stringSubject(b, ctx)})`;
    case "cidrMatch": {
      const ip = printValue(a, ctx);
      const blocks = v.args.slice(1).map((x) => (x.kind === "string" ? x.value : ""));
      const v4 = blocks.filter((x) => !x.includes(":"));
      const v6 = blocks.filter((x) => x.includes(":"));
      const parts: string[] = [];
      // The range functions are null for a value that is not an address of their family (or is
      // empty); ES tests a block as a query, false on such a value, so that `not` keeps the event.
      if (v4.length > 0) parts.push(`coalesce(ipv4_is_in_any_range(${ip}, ${v4.map(kqlString).join(", ")}), false)`);
      if (v6.length > 0) parts.push(`coalesce(ipv6_is_in_any_range(${ip}, ${v6.map(kqlString).join(", ")}), false)`);
      return orJoin(parts);
    }
    default:
      throw new Error(`internal error: ${v.name} is not a predicate`);
  }
}

const ARITH: Partial<Record<Call["name"], string>> = { add: "+", subtract: "-", multiply: "*", modulo: "%" };

export function printValue(v: Value, ctx: PrintContext): string {
  switch (v.kind) {
    case "field":
      return kqlIdent(v.path);
    case "string":
      return kqlString(v.value);
    case "number":
      return v.raw;
    case "boolean":
      return String(v.value);
    case "null":
      return "dynamic(null)";
    case "datemath":
      return printDateMath(v.expr);
    case "arith":
      return `(${printValue(v.left, ctx)} ${v.op} ${printValue(v.right, ctx)})`;
    case "negate":
      return `-(${printValue(v.operand, ctx)})`;
    case "call": {
      const args = v.args.map((a) => printValue(a, ctx));
      switch (v.name) {
        case "length":
          return `strlen(${stringSubject(v.args[0] as Value, ctx)})`;
        case "string":
          return `tostring(${args[0]})`;
        case "concat":
          return `strcat(${args.join(", ")})`;
        case "substring": {
          const start = (v.args[1] as { value: number }).value;
          const end = v.args[2] as { value: number } | undefined;
          const s = stringSubject(v.args[0] as Value, ctx);
          return end === undefined ? `substring(${s}, ${start})` : `substring(${s}, ${start}, ${Math.max(0, end.value - start)})`;
        }
        case "add":
        case "subtract":
        case "multiply":
        case "modulo":
          return `(${args[0]} ${ARITH[v.name]} ${args[1]})`;
        case "startsWith":
        case "endsWith":
        case "stringContains":
        case "cidrMatch":
          return `(${printPredicate(v, ctx)})`;
        default:
          throw new Error(`internal error: unchecked function ${v.name}`);
      }
    }
    default:
      return assertNever(v, "value");
  }
}

/** Field paths a condition reads (for computed columns and validation). */
export function fieldsOf(c: Condition, into: Set<string> = new Set()): Set<string> {
  for (const f of conditionFields(c)) into.add(f.path);
  return into;
}

export type { Span };
