/**
 * Printing mapped IR as osquery SQL (SQLite dialect plus osquery's functions).
 *
 * Semantics kept exactly (docs/semantics.md, shared eql-semantics.md):
 * - Case: sensitive text compares with `=`/`IN`/`GLOB` (BINARY collation);
 *   insensitive with `lower(x) IN (...)` and `LIKE` (both fold ASCII only, so the
 *   check pass warns about non-ASCII letters).
 * - Missing values (docs/semantics.md, src/eval/condition.ts): a field osquery
 *   has no value for is SQL NULL. Elasticsearch runs a field-against-constants
 *   leaf as a query: two-valued, and `not` is its complement (`must_not`: a
 *   missing field satisfies `not x : "a"`), so a negated query leaf is printed
 *   `(x IS NULL OR x NOT LIKE ...)`. Other leaves (functions of fields,
 *   field-vs-field comparisons) run as scripts: three-valued, `not null` is null,
 *   exactly SQL's `NOT`. `and`/`or` are bool queries over two-valued operands:
 *   negation is pushed through them (De Morgan) only when no script leaf is
 *   below; otherwise the complement is `NOT coalesce(<condition>, 0)`. Positive
 *   leaves may be NULL, which WHERE (and a monotone and/or) treat as false.
 * - Wildcards are escaped once, from the structured pattern parts: LIKE escapes
 *   `%`, `_` and `\` (with `ESCAPE '\'`, only when a literal `%`/`_` occurs),
 *   GLOB brackets `*`, `?` and `[`.
 * - String literals double `'`; nothing else is special inside them.
 *
 * The printer assumes the check pass (check.ts) accepted the condition.
 */
import type { Call, Compare, Condition, Exists, Match, MatchValue, Pattern, PatternPart, RegexMatch, Test, Value } from "../../src/ir/nodes.js";
import { assertNever } from "../../src/ir/nodes.js";
import { parseCidr } from "./cidr.js";
import { luceneToEcmascript } from "./regex.js";

export interface PrintScope {
  /** The SQL column expression (`alias.column`) of a mapped field path. */
  column(path: string): string;
  /** Whether the mapped field path is a column osquery needs as a constraint (LIKE/= only, no lower()). */
  isRequired(path: string): boolean;
}

/** A SQL string literal: `'` doubled. Checked input has no NUL. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Lowercases ASCII letters only, as SQLite's lower() does without ICU. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export function exactString(p: Pattern): string | null {
  let s = "";
  for (const part of p.parts) {
    if (part.kind !== "text") return null;
    s += part.value;
  }
  return s;
}

/** `LIKE '<pattern>'` with an ESCAPE clause only when a literal `%` or `_` needs one. */
/** Adjacent any-runs are one run (`**` = `*`). */
function collapse(parts: readonly PatternPart[]): PatternPart[] {
  return parts.filter((p, i) => !(p.kind === "any" && parts[i - 1]?.kind === "any"));
}

export function likeOperand(parts: readonly PatternPart[]): string {
  const needsEscape = parts.some((p) => p.kind === "text" && /[%_]/.test(p.value));
  let s = "";
  for (const p of collapse(parts)) {
    switch (p.kind) {
      case "text":
        s += needsEscape ? p.value.replace(/[\\%_]/g, (c) => `\\${c}`) : p.value;
        break;
      case "any":
        s += "%";
        break;
      case "one":
        s += "_";
        break;
      default:
        assertNever(p, "pattern part");
    }
  }
  return needsEscape ? `${sqlString(s)} ESCAPE '\\'` : sqlString(s);
}

/** A GLOB pattern: `*`, `?` and `[` in literal text become `[*]`, `[?]`, `[[]`. */
export function globOperand(parts: readonly PatternPart[]): string {
  let s = "";
  for (const p of collapse(parts)) {
    switch (p.kind) {
      case "text":
        s += p.value.replace(/[*?[]/g, (c) => `[${c}]`);
        break;
      case "any":
        s += "*";
        break;
      case "one":
        s += "?";
        break;
      default:
        assertNever(p, "pattern part");
    }
  }
  return sqlString(s);
}

function or(parts: readonly string[]): string {
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(" OR ")})`;
}
function and(parts: readonly string[]): string {
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(" AND ")})`;
}

/** Prints a condition; `negated` prints its complement. */
export function printCondition(c: Condition, scope: PrintScope, negated = false): string {
  switch (c.kind) {
    case "and":
    case "or": {
      if (negated && hasScriptLeaf(c)) return `NOT coalesce(${printCondition(c, scope, false)}, 0)`;
      const ops = c.operands.map((o) => printCondition(o, scope, negated));
      return (c.kind === "and") !== negated ? and(ops) : or(ops);
    }
    case "not":
      return printCondition(c.operand, scope, !negated);
    case "match":
      return printMatch(c, scope, negated);
    case "compare":
      return printCompare(c, scope, negated);
    case "regex-match":
      return printRegex(c, scope, negated);
    case "exists":
      return printExists(c, scope, negated);
    case "test":
      return printTest(c, scope, negated);
    case "fulltext":
    case "nested":
      throw new Error(`internal error: ${c.kind} reached the osquery printer`);
    default:
      return assertNever(c, "condition");
  }
}

/** `NOT (x)`: SQL's three-valued negation (a script leaf's `not`). */
function not3(s: string): string {
  return `NOT (${s})`;
}

function isLiteral(v: Value): boolean {
  return v.kind === "string" || v.kind === "number" || v.kind === "boolean" || v.kind === "null" || v.kind === "datemath" || (v.kind === "negate" && v.operand.kind === "number");
}

/**
 * Whether Elasticsearch evaluates this leaf as a script (three-valued) rather
 * than a query (two-valued): the same split as the reference evaluator.
 */
export function isScriptLeaf(c: Condition): boolean {
  switch (c.kind) {
    case "match":
    case "regex-match":
      return c.subject.kind !== "field";
    case "compare": {
      const [l, r] = c.left.kind !== "field" && c.right.kind === "field" ? [c.right, c.left] : [c.left, c.right];
      return !(l.kind === "field" && isLiteral(r));
    }
    case "exists":
      return false;
    case "test": {
      const v = c.value;
      if (v.kind === "boolean" || v.kind === "field") return false;
      if (v.kind !== "call") return true;
      const [first, ...rest] = v.args;
      if (!first || first.kind !== "field") return true;
      if (v.name === "startsWith" || v.name === "endsWith" || v.name === "stringContains") return !(rest.length === 1 && rest[0]?.kind === "string");
      if (v.name === "cidrMatch") return !(rest.length > 0 && rest.every((a) => a.kind === "string"));
      return true;
    }
    case "and":
    case "or":
    case "not":
    case "fulltext":
    case "nested":
      return false;
    default:
      return assertNever(c, "condition");
  }
}

export function hasScriptLeaf(c: Condition): boolean {
  switch (c.kind) {
    case "and":
    case "or":
      return c.operands.some(hasScriptLeaf);
    case "not":
      return hasScriptLeaf(c.operand);
    default:
      return isScriptLeaf(c);
  }
}

/** `(s IS NULL OR body)`: the complement of a leaf whose subject may be missing. */
function orMissing(subject: string, body: string): string {
  return `(${subject} IS NULL OR ${body})`;
}

function printMatch(c: Match, scope: PrintScope, negated: boolean): string {
  if (negated && isScriptLeaf(c)) return not3(printMatch(c, scope, false));
  const s = printValue(c.subject, scope);
  const required = c.subject.kind === "field" && scope.isRequired(c.subject.path);
  const exact: string[] = [];
  const patterns: Pattern[] = [];
  const numbers: string[] = [];
  for (const v of c.values) {
    switch (v.kind) {
      case "pattern": {
        const t = exactString(v);
        if (t === null) patterns.push(v);
        else if (!c.caseSensitive && required) patterns.push(v);
        else exact.push(c.caseSensitive ? t : asciiLower(t));
        break;
      }
      case "number":
        numbers.push(numberLiteral(v));
        break;
      case "boolean":
        numbers.push(v.value ? "1" : "0");
        break;
      default:
        assertNever(v, "match value");
    }
  }
  const pieces: string[] = [];
  const uniq = (xs: string[]) => [...new Set(xs)];
  const set = (lhs: string, xs: string[]) => {
    const u = uniq(xs);
    if (u.length === 0) return;
    if (u.length === 1) pieces.push(`${lhs} ${negated ? "<>" : "="} ${u[0]}`);
    else pieces.push(`${lhs} ${negated ? "NOT IN" : "IN"} (${u.join(", ")})`);
  };
  set(c.caseSensitive ? s : `lower(${s})`, exact.map(sqlString));
  set(s, numbers);
  for (const p of patterns) {
    if (c.caseSensitive && required && !negated)
      // osquery pushes only = and LIKE down to a table like `file`: LIKE enumerates, GLOB keeps the case.
      pieces.push(`(${s} LIKE ${likeOperand(p.parts)} AND ${s} GLOB ${globOperand(p.parts)})`);
    else pieces.push(c.caseSensitive ? `${s} ${negated ? "NOT GLOB" : "GLOB"} ${globOperand(p.parts)}` : `${s} ${negated ? "NOT LIKE" : "LIKE"} ${likeOperand(p.parts)}`);
  }
  return negated ? orMissing(s, and(pieces)) : or(pieces);
}

export function numberLiteral(v: Extract<MatchValue, { kind: "number" }>): string {
  return /^[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?$|^\.[0-9]+([eE][+-]?[0-9]+)?$/.test(v.raw) ? v.raw : String(v.value);
}

const FLIP: Record<Compare["op"], Compare["op"]> = { "<": ">=", "<=": ">", ">": "<=", ">=": "<" };

function isConstant(v: Value): boolean {
  return v.kind === "string" || v.kind === "number" || v.kind === "boolean";
}

function printCompare(c: Compare, scope: PrintScope, negated: boolean): string {
  const l = printValue(c.left, scope);
  const r = printValue(c.right, scope);
  if (!negated) return `${l} ${c.op} ${r}`;
  if (isScriptLeaf(c)) return not3(`${l} ${c.op} ${r}`);
  const guards = [c.left, c.right].map((v, i) => (isConstant(v) ? null : `${i === 0 ? l : r} IS NULL`)).filter((g): g is string => g !== null);
  const body = `${l} ${FLIP[c.op]} ${r}`;
  return guards.length === 0 ? body : `(${[...guards, body].join(" OR ")})`;
}

function printRegex(c: RegexMatch, scope: PrintScope, negated: boolean): string {
  if (negated && isScriptLeaf(c)) return not3(printRegex(c, scope, false));
  const s = printValue(c.subject, scope);
  const pieces = c.patterns.map((p) => {
    const r = luceneToEcmascript(p.source, !c.caseSensitive);
    if (!r.ok) throw new Error(`internal error: unchecked regex ${p.source}`);
    return `regex_match(${s}, ${sqlString(r.pattern)}, 0) ${negated ? "IS NULL" : "IS NOT NULL"}`;
  });
  return negated ? and(pieces) : or(pieces);
}

function printExists(c: Exists, scope: PrintScope, negated: boolean): string {
  return `${printValue(c.subject, scope)} ${negated ? "IS NULL" : "IS NOT NULL"}`;
}

function printTest(c: Test, scope: PrintScope, negated: boolean): string {
  const v = c.value;
  switch (v.kind) {
    case "boolean":
      return v.value !== negated ? "1" : "0";
    case "field": {
      const s = scope.column(v.path);
      return negated ? orMissing(s, `${s} <> 1`) : `${s} = 1`;
    }
    case "call": {
      const pos = printPredicate(v, scope);
      if (!negated) return pos;
      return isScriptLeaf(c) ? not3(pos) : `NOT coalesce(${pos}, 0)`;
    }
    default:
      throw new Error(`internal error: test of a ${v.kind} reached the osquery printer`);
  }
}

/** The boolean functions (startsWith, endsWith, stringContains, cidrMatch) as SQL predicates. */
export function printPredicate(c: Call, scope: PrintScope): string {
  const [first, ...rest] = c.args;
  if (!first) throw new Error(`internal error: ${c.name} without arguments`);
  const s = printValue(first, scope);
  const lit = (v: Value | undefined): string => {
    if (!v || v.kind !== "string") throw new Error(`internal error: ${c.name} needs a string literal`);
    return v.value;
  };
  const text = (t: string): PatternPart[] => (t === "" ? [] : [{ kind: "text", value: t }]);
  const wrap = (parts: PatternPart[]) => (c.caseInsensitive ? `${s} LIKE ${likeOperand(parts)}` : `${s} GLOB ${globOperand(parts)}`);
  switch (c.name) {
    case "startsWith":
      return wrap([...text(lit(rest[0])), { kind: "any" }]);
    case "endsWith":
      return wrap([{ kind: "any" }, ...text(lit(rest[0]))]);
    case "stringContains": {
      const t = lit(rest[0]);
      // EQL: the empty substring is never contained.
      return t === "" ? "0" : wrap([{ kind: "any" }, ...text(t), { kind: "any" }]);
    }
    case "cidrMatch":
      return or(
        rest.map((b) => {
          const cidr = parseCidr(lit(b));
          if (!cidr) throw new Error("internal error: unchecked CIDR block");
          return cidr.family === 4
            ? `inet_aton(${s}) BETWEEN ${cidr.first} AND ${cidr.last}`
            : `CASE WHEN instr(${s}, ':') > 0 THEN in_cidr_block(${sqlString(cidr.text)}, ${s}) END`;
        }),
      );
    default:
      throw new Error(`internal error: ${c.name} is not a predicate`);
  }
}

const ARITH: Record<string, string> = { add: "+", subtract: "-", multiply: "*", divide: "/", modulo: "%" };

export function printValue(v: Value, scope: PrintScope): string {
  switch (v.kind) {
    case "field":
      return scope.column(v.path);
    case "string":
      return sqlString(v.value);
    case "number":
      return numberLiteral(v);
    case "boolean":
      return v.value ? "1" : "0";
    case "null":
      return "NULL";
    case "datemath":
      throw new Error("internal error: date math reached the osquery printer");
    case "arith":
      return `(${printValue(v.left, scope)} ${v.op} ${printValue(v.right, scope)})`;
    case "negate":
      return `(-${printValue(v.operand, scope)})`;
    case "call":
      switch (v.name) {
        case "length":
          return `length(${printValue(v.args[0] as Value, scope)})`;
        case "string":
          return `CAST(${printValue(v.args[0] as Value, scope)} AS TEXT)`;
        case "concat":
          return `(${v.args.map((a) => printValue(a, scope)).join(" || ")})`;
        case "add":
        case "subtract":
        case "multiply":
        case "divide":
        case "modulo":
          return `(${printValue(v.args[0] as Value, scope)} ${ARITH[v.name]} ${printValue(v.args[1] as Value, scope)})`;
        case "substring": {
          const s = printValue(v.args[0] as Value, scope);
          const start = (v.args[1] as Extract<Value, { kind: "number" }>).value;
          const end = v.args[2] as Extract<Value, { kind: "number" }> | undefined;
          return end === undefined ? `substr(${s}, ${start + 1})` : `substr(${s}, ${start + 1}, ${Math.max(0, end.value - start)})`;
        }
        case "startsWith":
        case "endsWith":
        case "stringContains":
        case "cidrMatch":
          return printPredicate(v, scope);
        case "between":
        case "indexOf":
        case "number":
          throw new Error(`internal error: ${v.name} reached the osquery printer`);
        default:
          return assertNever(v.name, "function");
      }
    default:
      return assertNever(v, "value");
  }
}
