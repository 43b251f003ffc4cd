/**
 * IR -> canonical EQL.
 *
 * Canonical form: lowercase keywords, one space around binary operators,
 * `", "` between list items, double-quoted strings with the minimal escapes,
 * event queries on one line; a sequence or sample puts each term on its own
 * line, indented by two spaces; pipes follow on their own line.
 *
 * The identity property `parse(print(ir))` == `ir` (spans aside) holds for IR
 * the EQL frontend produces. Where several spellings mean the same thing
 * (`not x == "a"` and `x != "a"`, `not x in (...)` and `x not in (...)`,
 * `x : "a"` and `x : ("a")`) one is chosen; the `match.operator` field picks
 * between `:`, `like`, `==` and `in`, which differ in the IR only by that field.
 */
import {
  assertNever,
  type Condition,
  type EventCategory,
  type EventQuery,
  type FieldRef,
  type Match,
  type MatchValue,
  type Pattern,
  type Pipe,
  type Query,
  type SequenceTerm,
  type Value,
} from "../../ir/nodes.js";
import { KEYWORDS } from "./lexer.js";

/** The IR holds a construct EQL cannot express. */
export class UnprintableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnprintableError";
  }
}

export function printQuery(query: Query, pipes: readonly Pipe[]): string {
  let out = printQueryOnly(query);
  for (const pipe of pipes) out += `\n| ${pipe.kind} ${pipe.count}`;
  return out;
}

function printQueryOnly(query: Query): string {
  switch (query.kind) {
    case "event":
      return printEventQuery(query);
    case "sequence": {
      let head = "sequence";
      if (query.by.length > 0) head += ` by ${printKeys(query.by)}`;
      if (query.maxspan) head += ` with maxspan=${query.maxspan.value}${query.maxspan.unit}`;
      const lines = [head, ...query.terms.map((t) => "  " + printTerm(t))];
      if (query.until) lines.push(`until ${printTerm(query.until)}`);
      return lines.join("\n");
    }
    case "sample": {
      let head = "sample";
      if (query.by.length > 0) head += ` by ${printKeys(query.by)}`;
      return [head, ...query.terms.map((t) => "  " + printTerm(t))].join("\n");
    }
    default:
      return assertNever(query, "query");
  }
}

function printKeys(keys: readonly Value[]): string {
  return keys.map((k) => printValue(k)).join(", ");
}

function printTerm(t: SequenceTerm): string {
  let s = `${t.missing ? "![" : "["}${printEventQuery(t.query)}]`;
  if (t.by.length > 0) s += ` by ${printKeys(t.by)}`;
  if (t.runs !== 1) s += ` with runs=${t.runs}`;
  return s;
}

function printEventQuery(q: EventQuery): string {
  return `${printCategory(q.category)} where ${printCondition(q.condition)}`;
}

const IDENT_RE = /^[A-Za-z_@][A-Za-z0-9_]*$/;

function printCategory(c: EventCategory): string {
  switch (c.kind) {
    case "any":
      return "any";
    case "named":
      return IDENT_RE.test(c.name) && !KEYWORDS.has(c.name) ? c.name : quote(c.name);
    default:
      return assertNever(c, "category");
  }
}

// Condition precedence: or < and < not < atom.
const P_OR = 1;
const P_AND = 2;
const P_NOT = 3;

/** Prints a condition; `parent` is the precedence of the context it sits in. */
export function printCondition(c: Condition, parent = 0): string {
  switch (c.kind) {
    case "or":
      return wrap(c.operands.map((o) => printCondition(o, P_OR)).join(" or "), parent > P_OR);
    case "and":
      return wrap(c.operands.map((o) => printCondition(o, P_AND)).join(" and "), parent > P_AND);
    case "not":
      return printNot(c.operand);
    case "match":
      return printMatch(c, false);
    case "compare":
      return `${printValue(c.left)} ${c.op} ${printValue(c.right)}`;
    case "regex-match": {
      const op = c.caseSensitive ? "regex" : "regex~";
      const items = c.patterns.map((r) => quote(r.source));
      return `${printPredicateSubject(c.subject)} ${op} ${items.length === 1 ? items[0] : `(${items.join(", ")})`}`;
    }
    case "exists":
      return `${printValue(c.subject)} != null`;
    case "test":
      return printValue(c.value);
    case "fulltext":
      throw new UnprintableError("free-text search (a value without a field) cannot be written in EQL");
    case "nested":
      throw new UnprintableError(`a nested-field query on \`${c.path}\` cannot be written in EQL`);
    default:
      return assertNever(c, "condition");
  }
}

function wrap(s: string, parens: boolean): string {
  return parens ? `(${s})` : s;
}

function printNot(operand: Condition): string {
  switch (operand.kind) {
    case "exists":
      return `${printValue(operand.subject)} == null`;
    case "match":
      return printMatch(operand, true);
    default:
      return `not ${printCondition(operand, P_NOT)}`;
  }
}

function hasWildcard(v: MatchValue): boolean {
  return v.kind === "pattern" && v.parts.some((p) => p.kind !== "text");
}
function hasLiteralWildcardChar(v: MatchValue): boolean {
  return v.kind === "pattern" && v.parts.some((p) => p.kind === "text" && /[*?]/.test(p.value));
}

/** Prints a match, negated when `negated` (the caller saw `not(match)`). */
function printMatch(m: Match, negated: boolean): string {
  const wild = m.values.some(hasWildcard);
  const literalStar = m.values.some(hasLiteralWildcardChar);
  let op = m.operator;
  // Pick a spelling EQL can express with the same meaning.
  if (op === "kql") op = wild ? (m.caseSensitive ? "like" : ":") : m.caseSensitive && m.values.length === 1 ? "==" : "in";
  if (op === "==" && (wild || !m.caseSensitive || m.values.length !== 1)) op = wild ? (m.caseSensitive ? "like" : ":") : "in";
  if (op === "in" && wild) op = m.caseSensitive ? "like" : ":";
  if (op === ":" && m.caseSensitive) op = "like";
  if ((op === ":" || op === "like") && literalStar) {
    if (wild) throw new UnprintableError("a wildcard pattern that also holds a literal `*` or `?` cannot be written in EQL (wildcards cannot be escaped)");
    op = m.caseSensitive && m.values.length === 1 ? "==" : "in";
  }
  if (op === ":" && m.values.some((v) => v.kind !== "pattern")) {
    // `:` accepts numbers and booleans; nothing to change
  }
  if ((op === "like") && m.values.some((v) => v.kind !== "pattern")) op = "in";

  const subject = m.subject;
  switch (op) {
    case "==": {
      const s = `${printValue(subject)} ${negated ? "!=" : "=="} ${printMatchValue(m.values[0]!, false)}`;
      return s;
    }
    case "in": {
      const items = m.values.map((v) => printMatchValue(v, false)).join(", ");
      const kw = m.caseSensitive ? "in" : "in~";
      return `${printPredicateSubject(subject)} ${negated ? "not " : ""}${kw} (${items})`;
    }
    case ":":
    case "like": {
      const kw = op === ":" ? ":" : m.caseSensitive ? "like" : "like~";
      const items = m.values.map((v) => printMatchValue(v, true));
      const rhs = items.length === 1 ? items[0]! : `(${items.join(", ")})`;
      const s = `${printPredicateSubject(subject)} ${kw} ${rhs}`;
      return negated ? `not ${s}` : s;
    }
    default:
      throw new Error(`internal error: match operator ${op}`);
  }
}

function printMatchValue(v: MatchValue, wildcards: boolean): string {
  switch (v.kind) {
    case "pattern":
      return quote(patternText(v, wildcards));
    case "number":
      return v.raw;
    case "boolean":
      return v.value ? "true" : "false";
    default:
      return assertNever(v, "match value");
  }
}

function patternText(p: Pattern, wildcards: boolean): string {
  let s = "";
  for (const part of p.parts) {
    switch (part.kind) {
      case "text":
        s += part.value;
        break;
      case "any":
        if (!wildcards) throw new Error("internal error: wildcard in an exact pattern");
        s += "*";
        break;
      case "one":
        if (!wildcards) throw new Error("internal error: wildcard in an exact pattern");
        s += "?";
        break;
      default:
        assertNever(part, "pattern part");
    }
  }
  return s;
}

// Value precedence: additive < multiplicative < unary < primary.
const V_ADD = 1;
const V_MUL = 2;
const V_UNARY = 3;
const V_PRIMARY = 4;

function valuePrec(v: Value): number {
  switch (v.kind) {
    case "arith":
      return v.op === "+" || v.op === "-" ? V_ADD : V_MUL;
    case "negate":
      return V_UNARY;
    case "number":
      return v.raw.startsWith("-") ? V_UNARY : V_PRIMARY;
    default:
      return V_PRIMARY;
  }
}

/** A predicate (`:`, `in`, `like`, `regex`) binds to a primary: anything looser is parenthesised. */
function printPredicateSubject(v: Value): string {
  const s = printValue(v);
  return valuePrec(v) < V_PRIMARY ? `(${s})` : s;
}

export function printValue(v: Value): string {
  switch (v.kind) {
    case "field":
      return printField(v);
    case "string":
      return quote(v.value);
    case "number":
      return v.raw;
    case "boolean":
      return v.value ? "true" : "false";
    case "null":
      return "null";
    case "datemath":
      throw new UnprintableError(`date math \`${v.expr}\` cannot be written in EQL`);
    case "call":
      return `${v.name}${v.caseInsensitive ? "~" : ""}(${v.args.map((a) => printValue(a)).join(", ")})`;
    case "arith": {
      const prec = valuePrec(v);
      const l = printValue(v.left);
      const r = printValue(v.right);
      return `${valuePrec(v.left) < prec ? `(${l})` : l} ${v.op} ${valuePrec(v.right) <= prec ? `(${r})` : r}`;
    }
    case "negate": {
      const o = printValue(v.operand);
      return `-${valuePrec(v.operand) < V_UNARY ? `(${o})` : o}`;
    }
    default:
      return assertNever(v, "value");
  }
}

function printField(f: FieldRef): string {
  if (f.wildcard) throw new UnprintableError(`the field pattern \`${f.path}\` cannot be written in EQL`);
  let out = f.optional ? "?" : "";
  let first = true;
  for (const seg of splitPath(f.path)) {
    if (!first && !seg.startsWith("[")) out += ".";
    out += seg;
    first = false;
  }
  return out;
}

/** Splits `a.b[0].c-d` into printable pieces: `a`, `b`, `[0]`, `` `c-d` ``. */
function splitPath(path: string): string[] {
  const out: string[] = [];
  for (const raw of path.split(".")) {
    let seg = raw;
    const idx: string[] = [];
    // trailing array indexes `name[0][1]`
    for (;;) {
      const m = /\[(\d+)\]$/.exec(seg);
      if (!m || m.index === 0) break;
      idx.unshift(m[0]);
      seg = seg.slice(0, m.index);
    }
    out.push(IDENT_RE.test(seg) && !KEYWORDS.has(seg) ? seg : "`" + seg.replaceAll("`", "``") + "`");
    out.push(...idx);
  }
  return out;
}

/** A double-quoted EQL string with the minimal escapes. */
export function quote(s: string): string {
  let out = '"';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    switch (c) {
      case 34:
        esc = '\\"';
        break;
      case 92:
        esc = "\\\\";
        break;
      case 8:
        esc = "\\b";
        break;
      case 9:
        esc = "\\t";
        break;
      case 10:
        esc = "\\n";
        break;
      case 12:
        esc = "\\f";
        break;
      case 13:
        esc = "\\r";
        break;
      default:
        if (c < 32 || c === 127) esc = `\\u{${c.toString(16).toUpperCase().padStart(2, "0")}}`;
    }
    if (esc !== null) {
      out += s.slice(run, i) + esc;
      run = i + 1;
    }
  }
  return out + s.slice(run) + '"';
}
