/**
 * The capability check: every construct osquery SQL cannot express exactly is an
 * `unsupported` diagnostic at its span; every allowed approximation a warning.
 * Runs on the mapped condition (field paths are `alias.column`), before printing.
 */
import type { Call, Condition, FieldRef, MatchValue, Span, Value } from "../../src/ir/nodes.js";
import { assertNever } from "../../src/ir/nodes.js";
import { type Diagnostic, unsupported, warning } from "../../src/diagnostics/index.js";
import { parseCidr } from "./cidr.js";
import { luceneToEcmascript } from "./regex.js";

const T = { target: "osquery" } as const;
/** osquery's default `--regex_max_size` (bytes of a regex_match pattern). */
export const REGEX_MAX_SIZE = 256;

export interface CheckScope {
  /** Resolves a mapped field path; records join use. Null when it is no column of the source's tables. */
  resolve(field: FieldRef): string | null;
  /** Describes the source for messages (`process_etw_events`). */
  readonly sourceName: string;
}

function hasNonAsciiLetter(s: string): boolean {
  for (const ch of s) if (ch.charCodeAt(0) > 127 && ch.toLowerCase() !== ch.toUpperCase()) return true;
  return false;
}

export function checkCondition(c: Condition, scope: CheckScope, out: Diagnostic[]): void {
  switch (c.kind) {
    case "and":
    case "or":
      for (const o of c.operands) checkCondition(o, scope, out);
      return;
    case "not":
      checkCondition(c.operand, scope, out);
      return;
    case "match":
      checkValue(c.subject, scope, out);
      for (const v of c.values) checkMatchValue(v, c.caseSensitive, out);
      return;
    case "compare":
      checkValue(c.left, scope, out);
      checkValue(c.right, scope, out);
      return;
    case "regex-match":
      checkValue(c.subject, scope, out);
      for (const p of c.patterns) {
        if (p.source.includes("\0")) {
          out.push(unsupported("OSQUERY209", "a NUL character cannot appear in an osquery SQL string", p.span, T));
          continue;
        }
        const r = luceneToEcmascript(p.source, !c.caseSensitive);
        if (!r.ok) out.push(unsupported("OSQUERY206", `regular expression: ${r.message}`, p.span, T));
        else {
          if (r.byteWise)
            out.push(warning("OSQUERY213", "osquery's std::regex matches bytes of UTF-8: a `.` or negated class that is not repeated with * or + matches one byte, so it behaves differently on non-ASCII values", p.span, T));
          if (Buffer.byteLength(r.pattern, "utf8") > REGEX_MAX_SIZE)
            out.push(warning("OSQUERY207", `the translated regular expression has ${Buffer.byteLength(r.pattern, "utf8")} bytes; osquery rejects regex_match patterns over ${REGEX_MAX_SIZE} bytes unless started with a larger --regex_max_size`, p.span, T));
        }
      }
      return;
    case "exists":
      checkValue(c.subject, scope, out);
      return;
    case "test": {
      const v = c.value;
      if (v.kind === "boolean") return;
      if (v.kind === "field") {
        checkValue(v, scope, out);
        return;
      }
      if (v.kind === "call" && ["startsWith", "endsWith", "stringContains", "cidrMatch"].includes(v.name)) {
        checkValue(v, scope, out);
        return;
      }
      out.push(unsupported("OSQUERY212", `a ${v.kind === "call" ? `${v.name}() result` : v.kind} used as a condition has no osquery counterpart`, c.span, T));
      return;
    }
    case "fulltext":
      out.push(unsupported("OSQUERY201", "free-text search over every field has no osquery counterpart (osquery SQL needs a column)", c.span, T));
      return;
    case "nested":
      out.push(unsupported("OSQUERY202", `nested field queries (\`${c.path}\`) have no osquery counterpart`, c.span, T));
      return;
    default:
      assertNever(c, "condition");
  }
}

function checkText(s: string, caseSensitive: boolean, span: Span, out: Diagnostic[]): void {
  if (s.includes("\0")) out.push(unsupported("OSQUERY209", "a NUL character cannot appear in an osquery SQL string", span, T));
  if (!caseSensitive && hasNonAsciiLetter(s))
    out.push(warning("OSQUERY208", "case-insensitive match on non-ASCII letters: osquery's SQLite (LIKE, lower()) folds ASCII letters only, so these letters match case-sensitively", span, T));
}

function checkMatchValue(v: MatchValue, caseSensitive: boolean, out: Diagnostic[]): void {
  if (v.kind !== "pattern") return;
  for (const p of v.parts) if (p.kind === "text") checkText(p.value, caseSensitive, v.span, out);
}

function literalArg(c: Call, i: number, out: Diagnostic[]): string | null {
  const a = c.args[i];
  if (a && a.kind === "string") {
    checkText(a.value, !c.caseInsensitive, a.span, out);
    return a.value;
  }
  out.push(unsupported("OSQUERY205", `${c.name}(): argument ${i + 1} must be a string literal for osquery`, a?.span ?? c.span, T));
  return null;
}

function intArg(c: Call, i: number, out: Diagnostic[]): void {
  const a = c.args[i];
  if (a && a.kind === "number" && a.integer && a.value >= 0) return;
  out.push(unsupported("OSQUERY205", `${c.name}(): argument ${i + 1} must be a non-negative integer literal for osquery (negative offsets count from the end in EQL)`, a?.span ?? c.span, T));
}

function checkValue(v: Value, scope: CheckScope, out: Diagnostic[]): void {
  switch (v.kind) {
    case "field":
      if (v.wildcard) {
        out.push(unsupported("OSQUERY203", `field name patterns (\`${v.path}\`) have no osquery counterpart`, v.span, T));
        return;
      }
      if (scope.resolve(v) === null) out.push(unsupported("OSQUERY110", `\`${v.path}\` is not a column of ${scope.sourceName}`, v.span, T));
      return;
    case "string":
      checkText(v.value, true, v.span, out);
      return;
    case "number":
    case "boolean":
    case "null":
      return;
    case "datemath":
      out.push(unsupported("OSQUERY204", `date math (\`${v.expr}\`) has no osquery counterpart`, v.span, T));
      return;
    case "arith":
      checkValue(v.left, scope, out);
      checkValue(v.right, scope, out);
      return;
    case "negate":
      checkValue(v.operand, scope, out);
      return;
    case "call":
      checkCall(v, scope, out);
      return;
    default:
      assertNever(v, "value");
  }
}

function checkCall(c: Call, scope: CheckScope, out: Diagnostic[]): void {
  const first = c.args[0];
  const arity = (min: number, max: number) => {
    if (c.args.length < min || c.args.length > max) {
      out.push(unsupported("OSQUERY205", `${c.name}() with ${c.args.length} arguments`, c.span, T));
      return false;
    }
    return true;
  };
  switch (c.name) {
    case "startsWith":
    case "endsWith":
    case "stringContains":
      if (!arity(2, 2)) return;
      checkValue(first as Value, scope, out);
      literalArg(c, 1, out);
      return;
    case "cidrMatch":
      if (!arity(2, Infinity)) return;
      checkValue(first as Value, scope, out);
      for (let i = 1; i < c.args.length; i++) {
        const t = literalArg(c, i, out);
        if (t === null) continue;
        const cidr = parseCidr(t);
        if (!cidr) out.push(unsupported("OSQUERY210", `\`${t}\` is not a CIDR block`, c.args[i]?.span ?? c.span, T));
        else if (cidr.family === 6)
          out.push(warning("OSQUERY211", `IPv6 block \`${t}\` uses osquery's in_cidr_block, which raises an error (ending the query) on a value that contains ':' but is not an IP address`, c.args[i]?.span ?? c.span, T));
      }
      return;
    case "length":
    case "string":
      if (!arity(1, 1)) return;
      checkValue(first as Value, scope, out);
      return;
    case "concat":
      for (const a of c.args) checkValue(a, scope, out);
      return;
    case "add":
    case "subtract":
    case "multiply":
    case "divide":
    case "modulo":
      if (!arity(2, 2)) return;
      for (const a of c.args) checkValue(a, scope, out);
      return;
    case "substring":
      if (!arity(2, 3)) return;
      checkValue(first as Value, scope, out);
      intArg(c, 1, out);
      if (c.args.length === 3) intArg(c, 2, out);
      return;
    case "between":
    case "indexOf":
    case "number":
      out.push(unsupported("OSQUERY205", `${c.name}() has no exact osquery SQL counterpart`, c.span, T));
      return;
    default:
      assertNever(c.name, "function");
  }
}
