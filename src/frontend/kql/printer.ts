/**
 * IR -> canonical KQL text.
 *
 * Canonical form: lower-case keywords, `field:value` without spaces, lists as
 * `field:(a or b)`, ranges as `field >= value`, exact strings always quoted,
 * wildcard patterns unquoted with every special character escaped, `not`
 * applied to parenthesised groups. The printer is a table keyed by condition
 * kind; `parseKql(printKql(c))` deep-equals `c` apart from spans.
 */
import { assertNever, type Condition, type FieldRef, type MatchValue, type Pattern, type Value } from "../../ir/nodes.js";
import { isKqlSpace } from "./parser.js";
import { isDateMath, isPlainNumber, hasWildcard, patternText } from "./pattern.js";

/** Raised for a condition KQL cannot state; `printKql` turns it into an internal error. */
class Unprintable extends Error {}

const SPECIAL = new Set(["\\", "(", ")", ":", "<", ">", '"', "*", "{", "}"]);

function fail(why: string): never {
  throw new Unprintable(why);
}

export function quoteKql(text: string): string {
  let s = '"';
  for (const c of text) {
    if (c === "\\") s += "\\\\";
    else if (c === '"') s += '\\"';
    else if (c === "\t") s += "\\t";
    else if (c === "\r") s += "\\r";
    else if (c === "\n") s += "\\n";
    else s += c;
  }
  return s + '"';
}

const KEYWORDS = ["or", "and", "not"];

/**
 * Text inside an unquoted literal: specials escaped, keywords broken with a
 * \u escape of their first letter. A keyword is a hazard when whitespace
 * follows it, which is also the case at the end of the value (`atEnd`): the
 * printer may put ` or ` after it.
 */
function escapeUnquoted(text: string, atEnd: boolean): string {
  let s = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (SPECIAL.has(c)) {
      s += "\\" + c;
      continue;
    }
    if (c === "\t") {
      s += "\\t";
      continue;
    }
    if (c === "\r") {
      s += "\\r";
      continue;
    }
    if (c === "\n") {
      s += "\\n";
      continue;
    }
    const kw = KEYWORDS.find((k) => text.slice(i, i + k.length).toLowerCase() === k && (isKqlSpace(text[i + k.length]) || (atEnd && i + k.length === text.length)));
    if (kw !== undefined) {
      s += "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0");
      continue;
    }
    s += c;
  }
  return s;
}

/** An unquoted literal must not start or end with whitespace: Kibana trims it. */
function checkTrim(text: string, what: string): void {
  if (/^\s|\s$/.test(text)) fail(`${what} starts or ends with whitespace, which Kibana trims from an unquoted value`);
}

function printPattern(p: Pattern): string {
  if (!hasWildcard(p)) return quoteKql(patternText(p));
  if (p.parts.length === 1) fail("a pattern that is only `*` means `exists` in KQL");
  let s = "";
  for (const [i, part] of p.parts.entries()) {
    switch (part.kind) {
      case "text":
        s += escapeUnquoted(part.value, i === p.parts.length - 1);
        break;
      case "any":
        s += "*";
        break;
      case "one":
        fail("KQL has no single-character wildcard (`?` is a literal character in KQL)");
    }
  }
  const first = p.parts[0];
  const last = p.parts[p.parts.length - 1];
  if (first?.kind === "text") checkTrim(first.value.slice(0, 1), "a wildcard pattern");
  if (last?.kind === "text") checkTrim(last.value.slice(-1), "a wildcard pattern");
  return s;
}

function printMatchValue(v: MatchValue): string {
  switch (v.kind) {
    case "pattern":
      return printPattern(v);
    case "number":
      if (!isPlainNumber(v.raw)) fail(`the number ${v.raw} is not written as KQL reads numbers`);
      return v.raw;
    case "boolean":
      return v.value ? "true" : "false";
    default:
      return assertNever(v, "match value");
  }
}

const SAFE_FIELD = /^[A-Za-z0-9_@.\-/]+$/;

/** `spaceAfter`: the printer puts whitespace after the name (ranges), so a name ending in `not` would read as the keyword. */
function printField(f: Value, prefix: string | null, spaceAfter = false): string {
  if (f.kind !== "field") fail(`KQL can only test fields, not a ${f.kind}`);
  if (f.optional) fail("KQL has no optional fields");
  let path = f.path;
  if (prefix !== null) {
    if (!path.startsWith(prefix + ".")) fail(`the field ${path} is not inside the nested path ${prefix}`);
    path = path.slice(prefix.length + 1);
  }
  if (f.wildcard) {
    checkTrim(path, "a field name");
    const pieces = path.split("*");
    return pieces.map((t, i) => escapeUnquoted(t, i === pieces.length - 1)).join("*");
  }
  return SAFE_FIELD.test(path) && path !== "null" && !(spaceAfter && /not$/i.test(path)) ? path : quoteKql(path);
}

function printRangeValue(v: Value): string {
  switch (v.kind) {
    case "number":
      if (!isPlainNumber(v.raw)) fail(`the number ${v.raw} is not written as KQL reads numbers`);
      return v.raw;
    case "datemath":
      if (!isDateMath(v.expr)) fail(`${v.expr} is not date math`);
      return quoteKql(v.expr);
    case "string":
      if (isDateMath(v.value)) fail(`the string ${v.value} would read as date math`);
      return quoteKql(v.value);
    case "boolean":
      return v.value ? "true" : "false";
    case "null":
      return "null";
    default:
      return fail(`a range cannot compare against a ${v.kind}`);
  }
}

const PRECEDENCE = { or: 1, and: 2 } as const;

function print(c: Condition, prefix: string | null): string {
  switch (c.kind) {
    case "and":
    case "or":
      return c.operands.map((o) => ((o.kind === "or" || o.kind === "and") && PRECEDENCE[o.kind] < PRECEDENCE[c.kind] ? `(${print(o, prefix)})` : print(o, prefix))).join(` ${c.kind} `);
    case "not": {
      const o = c.operand;
      const inner = print(o, prefix);
      return o.kind === "and" || o.kind === "or" || o.kind === "not" ? `not (${inner})` : `not ${inner}`;
    }
    case "match": {
      if (!c.caseSensitive) fail("KQL matches keyword fields case-sensitively; a case-insensitive match cannot be stated");
      if (c.values.length === 0) fail("a match without values");
      const field = printField(c.subject, prefix);
      const values = c.values.map(printMatchValue);
      return values.length === 1 ? `${field}:${values[0]}` : `${field}:(${values.join(" or ")})`;
    }
    case "exists":
      return `${printField(c.subject, prefix)}:*`;
    case "compare":
      return `${printField(c.left, prefix, true)} ${c.op} ${printRangeValue(c.right)}`;
    case "fulltext":
      if (!c.caseSensitive) fail("a case-insensitive free-text search cannot be stated in KQL");
      return printPattern(c.value);
    case "nested": {
      const rel = prefix === null ? c.path : c.path.startsWith(prefix + ".") ? c.path.slice(prefix.length + 1) : fail(`the nested path ${c.path} is not inside ${prefix}`);
      const field = SAFE_FIELD.test(rel) && rel !== "null" ? rel : quoteKql(rel);
      return `${field}:{ ${print(c.condition, c.path)} }`;
    }
    case "test":
      if (c.value.kind === "boolean" && c.value.value) return "*:*";
      return fail("KQL cannot test a computed value");
    case "regex-match":
      return fail("KQL has no regular expressions");
    default:
      return assertNever(c, "condition");
  }
}

export function printKqlCondition(c: Condition): string {
  try {
    return print(c, null);
  } catch (e) {
    if (e instanceof Unprintable) throw new Error(`internal error: printKql: ${e.message}`);
    throw e;
  }
}

/** Why `printKql` cannot print this condition, or null when it can. */
export function kqlUnprintable(c: Condition): string | null {
  try {
    print(c, null);
    return null;
  } catch (e) {
    if (e instanceof Unprintable) return e.message;
    throw e;
  }
}

export type { FieldRef };
