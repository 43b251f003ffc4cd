/**
 * Regular expressions for KQL's `matches regex`, which uses RE2 syntax and
 * searches (is not anchored). Two sources:
 * - wildcard patterns (`*`, `?` parts) that no string operator expresses;
 * - Lucene regexps (EQL `regex`), anchored, in Lucene's syntax
 *   (https://www.elastic.co/guide/en/elasticsearch/reference/current/regexp-syntax.html).
 * Both become `(?s)[(?i)]^(?:...)$`: anchored, `.` matching newlines too (a
 * wildcard and Lucene's `.` match any character).
 */
import type { PatternPart } from "../../src/ir/nodes.js";

const RE2_META = /[\\^$.|?*+()[\]{}]/g;

/** Escapes literal text for RE2. */
export function escapeRe2(text: string): string {
  return text.replace(RE2_META, (c) => "\\" + c);
}

function wrap(body: string, caseSensitive: boolean): string {
  return `(?s)${caseSensitive ? "" : "(?i)"}^(?:${body})$`;
}

/** A wildcard pattern as an anchored RE2 regex (`*` = `.*`, `?` = exactly one character). */
export function wildcardToRe2(parts: readonly PatternPart[], caseSensitive: boolean): string {
  let body = "";
  for (const p of parts) {
    if (p.kind === "text") body += escapeRe2(p.value);
    else if (p.kind === "any") body += ".*";
    else body += ".";
  }
  return wrap(body, caseSensitive);
}

export type RegexResult = { readonly ok: true; readonly re2: string } | { readonly ok: false; readonly reason: string };

/**
 * Lucene regexp -> RE2. Lucene (as Elasticsearch's `regexp` query runs it,
 * flags ALL) has no anchors (`^` and `$` are ordinary characters), `"..."`
 * quotes a literal string, `@` is any string, and `~` (complement), `&`
 * (intersection), `<n-m>` (numeric range) and `#` (empty language) have no RE2
 * counterpart: those are reported, never guessed.
 */
export function luceneToRe2(source: string, caseSensitive: boolean): RegexResult {
  let out = "";
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i] as string;
    if (c === "\\") {
      const next = source[i + 1];
      if (next === undefined) return { ok: false, reason: "the regular expression ends with a lone backslash" };
      if ("dDsSwW".includes(next)) out += "\\" + next;
      else out += escapeRe2(next);
      i += 2;
      continue;
    }
    if (c === '"') {
      const end = source.indexOf('"', i + 1);
      if (end < 0) return { ok: false, reason: "unterminated quoted string in the regular expression" };
      out += escapeRe2(source.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (c === "[") {
      const r = charClass(source, i);
      if (!r.ok) return r;
      out += r.re2;
      i = r.end;
      continue;
    }
    if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (!m) return { ok: false, reason: `malformed repetition at offset ${i}` };
      if (Number(m[1]) > 1000 || (m[3] && Number(m[3]) > 1000)) return { ok: false, reason: "repetition counts above 1000 are beyond RE2's limit" };
      out += m[0];
      i += m[0].length;
      continue;
    }
    if (c === "@") {
      out += ".*";
      i++;
      continue;
    }
    if (c === "~" || c === "&" || c === "#") return { ok: false, reason: `Lucene's \`${c}\` operator has no RE2 counterpart` };
    if (c === "<") return { ok: false, reason: "Lucene's numeric range `<n-m>` has no RE2 counterpart" };
    if (c === "(") {
      out += "(?:";
      i++;
      continue;
    }
    if (".|*+?)".includes(c)) {
      out += c;
      i++;
      continue;
    }
    if (c === "]" || c === "}") return { ok: false, reason: `unbalanced \`${c}\` in the regular expression` };
    out += escapeRe2(c);
    i++;
  }
  return { ok: true, re2: wrap(out, caseSensitive) };
}

function charClass(source: string, start: number): { ok: true; re2: string; end: number } | { ok: false; reason: string } {
  let i = start + 1;
  let out = "[";
  if (source[i] === "^") {
    out += "^";
    i++;
  }
  let atoms = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === "]" && atoms > 0) return { ok: true, re2: out + "]", end: i + 1 };
    if (c === "\\") {
      const next = source[i + 1];
      if (next === undefined) break;
      if ("dDsSwW".includes(next)) out += "\\" + next;
      else if (/[A-Za-z0-9]/.test(next)) out += next;
      else out += "\\" + next;
      atoms++;
      i += 2;
      continue;
    }
    if (c === "-" && atoms > 0 && source[i + 1] !== undefined && source[i + 1] !== "]") {
      out += "-";
      i++;
      continue;
    }
    out += /[\]\[\\^-]/.test(c) ? "\\" + c : c;
    atoms++;
    i++;
  }
  return { ok: false, reason: "unterminated character class in the regular expression" };
}
