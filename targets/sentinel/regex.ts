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
import { LuceneRegexError, parseLuceneRegex } from "../../src/regex/lucene.js";
import { escapePcre, printPcre, type PcreStyle } from "../../src/regex/pcre.js";

/** Escapes literal text for RE2 (the same metacharacters as PCRE). */
export const escapeRe2: (text: string) => string = escapePcre;

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
 * RE2 as KQL's `matches regex` reads it: non-capturing groups, PCRE's
 * metacharacters escaped, no lookahead (the empty language is an empty
 * class), repetition counts up to 1000.
 */
const RE2_STYLE: PcreStyle = { group: "(?:", literal: escapeRe2, nothing: "[^\\x00-\\x{10FFFF}]", maxRepeat: 1000 };

/**
 * Lucene regexp -> anchored RE2: the shared parser reads Lucene's dialect
 * (src/regex/lucene.ts: no anchors, `"..."` quotes, `@` any string, `<n-m>`
 * numeric intervals, `#` the empty language) and the shared printer writes it
 * (src/regex/pcre.ts); complement `~` and intersection `&` have no RE2
 * counterpart and are reported, never guessed.
 */
export function luceneToRe2(source: string, caseSensitive: boolean): RegexResult {
  try {
    const r = printPcre(parseLuceneRegex(source), RE2_STYLE);
    if (!r.ok) return { ok: false, reason: `Lucene's ${r.construct} has no RE2 counterpart` };
    return { ok: true, re2: wrap(r.source, caseSensitive) };
  } catch (e) {
    if (e instanceof LuceneRegexError) return { ok: false, reason: `invalid Lucene regular expression: ${e.message}` };
    throw e;
  }
}
