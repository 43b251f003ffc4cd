/**
 * Sigma string values: escaping structured patterns exactly once, choosing
 * the `contains` / `startswith` / `endswith` modifiers where they are exact,
 * and translating Lucene regular expressions into the PCRE subset Sigma's
 * `re` modifier accepts.
 *
 * Escaping (Sigma rules specification v2.0.0, "Escaping"): `*` and `?` are
 * wildcards; a backslash escapes the next character only when that character
 * is `*`, `?` or `\`; any other backslash is a plain character. So a literal
 * backslash is written doubled only when the next written character is one of
 * those three, and literal `*`/`?` are written `\*`/`\?`. This is also how
 * pySigma's SigmaString parser reads values.
 */
import type { PatternPart } from "../../src/ir/nodes.js";
import { assertNever } from "../../src/ir/nodes.js";

/** A value in a Sigma detection item. */
export type SigmaScalar = string | number | boolean | null;

/** Where the wildcards of a pattern sit, which decides the modifier. */
export type Shape = "exact" | "contains" | "startswith" | "endswith" | "wildcard";

export interface ShapedValue {
  readonly shape: Shape;
  /** The parts left once the modifier's implied wildcards are removed. */
  readonly parts: readonly PatternPart[];
}

/** Classifies a pattern: `*x*` -> contains, `x*` -> startswith, `*x` -> endswith, no wildcard -> exact. */
export function shapeOf(parts: readonly PatternPart[]): ShapedValue {
  const wild = (p: PatternPart | undefined) => p !== undefined && p.kind !== "text";
  const n = parts.length;
  if (!parts.some(wild)) return { shape: "exact", parts };
  const first = parts[0];
  const last = parts[n - 1];
  const inner = (from: number, to: number) => parts.slice(from, to);
  if (n === 3 && first?.kind === "any" && last?.kind === "any" && !wild(parts[1])) return { shape: "contains", parts: inner(1, 2) };
  if (n === 2 && last?.kind === "any" && !wild(first)) return { shape: "startswith", parts: inner(0, 1) };
  if (n === 2 && first?.kind === "any" && !wild(last)) return { shape: "endswith", parts: inner(1, 2) };
  return { shape: "wildcard", parts };
}

/** The characters a backslash can escape in a Sigma string. */
const ESCAPABLE = new Set(["*", "?", "\\"]);

/** Writes pattern parts as one Sigma string, escaping exactly once. */
export function escapeParts(parts: readonly PatternPart[]): string {
  // First, the sequence of "tokens" as they will be written: literal characters and wildcards.
  const tokens: { readonly literal: boolean; readonly ch: string }[] = [];
  for (const p of parts) {
    switch (p.kind) {
      case "text":
        for (const ch of p.value) tokens.push({ literal: true, ch });
        break;
      case "any":
        tokens.push({ literal: false, ch: "*" });
        break;
      case "one":
        tokens.push({ literal: false, ch: "?" });
        break;
      default:
        assertNever(p, "pattern part");
    }
  }
  let out = "";
  tokens.forEach((t, i) => {
    if (!t.literal) {
      out += t.ch;
      return;
    }
    if (t.ch === "*" || t.ch === "?") {
      out += "\\" + t.ch;
      return;
    }
    if (t.ch === "\\") {
      const next = tokens[i + 1];
      // The next written character starts with `\` (an escaped literal or a backslash) or is a wildcard.
      out += next !== undefined && ESCAPABLE.has(next.ch) ? "\\\\" : "\\";
      return;
    }
    out += t.ch;
  });
  return out;
}

/** Whether case folding can change the text (it has a letter with distinct cases). */
export function hasCase(s: string): boolean {
  return s.toLowerCase() !== s.toUpperCase();
}

/** Text of literal parts (wildcards omitted), for case checks and naming. */
export function literalText(parts: readonly PatternPart[]): string {
  return parts.map((p) => (p.kind === "text" ? p.value : "")).join("");
}

/** A canonical decimal integer string, which Sigma idiomatically writes as a number. */
export function isCanonicalInteger(s: string): boolean {
  return /^(0|-?[1-9][0-9]{0,14})$/.test(s);
}

// ---------------------------------------------------------------------------
// Lucene regexp -> Sigma `re` (PCRE subset)
// ---------------------------------------------------------------------------

export type RegexResult = { readonly ok: true; readonly source: string; readonly dotAll: boolean } | { readonly ok: false; readonly reason: string };

const PCRE_META = new Set([".", "^", "$", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "\\", "/"]);
const CLASS_META = new Set(["\\", "]", "[", "^", "-"]);

/** Lucene's shorthand classes, spelled with the character classes Sigma's regex subset lists. */
const SHORTHAND: Readonly<Record<string, { readonly inClass: string; readonly negated: boolean }>> = {
  d: { inClass: "0-9", negated: false },
  D: { inClass: "0-9", negated: true },
  w: { inClass: "A-Za-z0-9_", negated: false },
  W: { inClass: "A-Za-z0-9_", negated: true },
  s: { inClass: " \\t\\n\\r", negated: false },
  S: { inClass: " \\t\\n\\r", negated: true },
};

function escLiteral(ch: string): string {
  return PCRE_META.has(ch) ? "\\" + ch : ch;
}

/**
 * Translates an anchored Lucene regexp into an anchored PCRE. Lucene has no
 * anchors (`^`, `$` are literal characters), `.` matches any character
 * (including a newline: the caller adds the `s` flag when `dotAll`), `"..."`
 * quotes a literal string and `@` is any string; the intersection `&`,
 * complement `~`, numeric interval `<n-m>` and empty language `#` have no PCRE
 * counterpart in Sigma's subset.
 */
export function translateLuceneRegex(src: string): RegexResult {
  let out = "";
  let dotAll = false;
  let depth = 0;
  let topAlternation = false;
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i] as string;
    if (c === "\\") {
      const e = src[i + 1];
      if (e === undefined) return { ok: false, reason: "the regular expression ends with a lone backslash" };
      const sh = SHORTHAND[e];
      out += sh ? `[${sh.negated ? "^" : ""}${sh.inClass}]` : escLiteral(e);
      i += 2;
      continue;
    }
    if (c === '"') {
      const close = src.indexOf('"', i + 1);
      if (close < 0) return { ok: false, reason: "unterminated quoted string in the regular expression" };
      for (const ch of src.slice(i + 1, close)) out += escLiteral(ch);
      i = close + 1;
      continue;
    }
    if (c === "[") {
      const r = translateClass(src, i);
      if (!r.ok) return r;
      out += r.text;
      i = r.end;
      continue;
    }
    switch (c) {
      case ".":
        dotAll = true;
        out += ".";
        break;
      case "@":
        dotAll = true;
        out += ".*";
        break;
      case "(":
        depth++;
        out += "(";
        break;
      case ")":
        depth--;
        out += ")";
        break;
      case "|":
        if (depth === 0) topAlternation = true;
        out += "|";
        break;
      case "*":
      case "+":
      case "?":
        out += c;
        break;
      case "{": {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
        if (!m) return { ok: false, reason: "malformed repetition `{...}` in the regular expression" };
        out += m[0];
        i += m[0].length;
        continue;
      }
      case "&":
        return { ok: false, reason: "Lucene's intersection operator `&` has no counterpart in Sigma regular expressions" };
      case "~":
        return { ok: false, reason: "Lucene's complement operator `~` has no counterpart in Sigma regular expressions" };
      case "<":
        return { ok: false, reason: "Lucene's numeric interval `<n-m>` has no counterpart in Sigma regular expressions" };
      case "#":
        return { ok: false, reason: "Lucene's empty-language operator `#` has no counterpart in Sigma regular expressions" };
      default:
        out += escLiteral(c);
    }
    i++;
  }
  const body = topAlternation ? `(${out})` : out;
  return { ok: true, source: `^${body}$`, dotAll };
}

function translateClass(src: string, start: number): { ok: true; text: string; end: number } | { ok: false; reason: string } {
  let i = start + 1;
  let out = "[";
  if (src[i] === "^") {
    out += "^";
    i++;
  }
  let first = true;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === "]" && !first) return { ok: true, text: out + "]", end: i + 1 };
    if (c === "\\") {
      const e = src[i + 1];
      if (e === undefined) break;
      const sh = SHORTHAND[e];
      if (sh) {
        if (sh.negated) return { ok: false, reason: `a negated shorthand \`\\${e}\` inside a character class has no counterpart in Sigma regular expressions` };
        out += sh.inClass;
      } else out += CLASS_META.has(e) ? "\\" + e : e;
      i += 2;
      first = false;
      continue;
    }
    if (c === "[") out += "\\[";
    else out += c;
    i++;
    first = false;
  }
  return { ok: false, reason: "unterminated character class in the regular expression" };
}
