/**
 * Lucene regular expressions (what EQL `regex` takes) as PCRE (what SPL's
 * `match()` and `| regex` take): the shared parser reads Lucene's dialect
 * (src/regex/lucene.ts: whole-value matching, `.` crosses line breaks, `"..."`
 * quotes, `@` is any string, `<n-m>` numeric intervals, `^`/`$` are plain
 * characters) and the shared printer writes PCRE (src/regex/pcre.ts) with
 * non-capturing groups. Complement `~` and intersection `&` have no PCRE
 * counterpart that keeps the meaning in every context: they are reported.
 */
import { LuceneRegexError, parseLuceneRegex } from "../../src/regex/lucene.js";
import { printPcre, type PcreStyle } from "../../src/regex/pcre.js";
import { pcreLiteral } from "./syntax.js";

export type RegexTranslation = { readonly ok: true; readonly pcre: string } | { readonly ok: false; readonly reason: string };

const SPL_REGEX: PcreStyle = { group: "(?:", literal: pcreLiteral };

/** Translates the body of a Lucene regexp; the caller anchors it and adds flags. */
export function luceneToPcre(source: string): RegexTranslation {
  try {
    const r = printPcre(parseLuceneRegex(source), SPL_REGEX);
    return r.ok ? { ok: true, pcre: r.source } : { ok: false, reason: `the Lucene regexp ${r.construct} has no PCRE counterpart` };
  } catch (e) {
    if (e instanceof LuceneRegexError) return { ok: false, reason: `invalid Lucene regular expression: ${e.message}` };
    throw e;
  }
}

/** A whole-value PCRE pattern for `match()`: `.` crosses line breaks as in Lucene; `\z` anchors the very end. */
export function anchoredPcre(body: string, caseInsensitive: boolean): string {
  return `(?s${caseInsensitive ? "i" : ""})^(?:${body})\\z`;
}
