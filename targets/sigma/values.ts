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
import { LuceneRegexError, parseLuceneRegex, type RNode } from "../../src/regex/lucene.js";
import { anchorable, pcreMetaLiteral, printPcre, type PcreStyle } from "../../src/regex/pcre.js";

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

/** The first character written for parts[k...]: a wildcard, a literal's first character, or undefined at the end. */
function nextWritten(parts: readonly PatternPart[], k: number): string | undefined {
  for (; k < parts.length; k++) {
    const p = parts[k] as PatternPart;
    switch (p.kind) {
      case "text":
        if (p.value !== "") return p.value[0];
        break;
      case "any":
        return "*";
      case "one":
        return "?";
      default:
        assertNever(p, "pattern part");
    }
  }
  return undefined;
}

/** Writes pattern parts as one Sigma string, escaping exactly once. */
export function escapeParts(parts: readonly PatternPart[]): string {
  let out = "";
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as PatternPart;
    switch (p.kind) {
      case "any":
        out += "*";
        break;
      case "one":
        out += "?";
        break;
      case "text": {
        const v = p.value;
        if (!/[*?\\]/.test(v)) {
          out += v;
          break;
        }
        for (let j = 0; j < v.length; j++) {
          const ch = v[j] as string;
          if (ch === "*" || ch === "?") out += "\\" + ch;
          else if (ch === "\\") {
            // Doubled when the next written character is a wildcard or starts with `\` (an escaped literal or a backslash).
            const next = j + 1 < v.length ? v[j + 1] : nextWritten(parts, i + 1);
            out += next === "*" || next === "?" || next === "\\" ? "\\\\" : "\\";
          } else out += ch;
        }
        break;
      }
      default:
        assertNever(p, "pattern part");
    }
  }
  return out;
}

/** Whether case folding can change the text (it has a letter with distinct cases). */
export function hasCase(s: string): boolean {
  // An ASCII letter always has another case; text of ASCII without letters has none; the rest asks the case mappings.
  if (/[A-Za-z]/.test(s)) return true;
  if (!/[^\x00-\x7f]/.test(s)) return false;
  return s.toLowerCase() !== s.toUpperCase();
}

/** Text of literal parts (wildcards omitted), for case checks and naming. */
export function literalText(parts: readonly PatternPart[]): string {
  if (parts.length === 1) return parts[0]?.kind === "text" ? parts[0].value : "";
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

/**
 * Sigma's `re` values: plain groups `( )` (the form Sigma rules use), and `/`
 * escaped besides PCRE's metacharacters (some backends delimit regular
 * expressions with it).
 */
const SIGMA_REGEX: PcreStyle = { group: "(", literal: (ch) => (ch === "/" ? "\\/" : pcreMetaLiteral(ch)) };

/**
 * Translates an anchored Lucene regexp into an anchored PCRE for `re`: the
 * shared parser reads Lucene's dialect (src/regex/lucene.ts: no anchors, `.`
 * matches a newline, `"..."` quotes, `@` is any string, `<n-m>` a numeric
 * interval) and the shared printer writes it (src/regex/pcre.ts); `dotAll`
 * says the caller must add `s`. Complement `~` and intersection `&` have no
 * counterpart.
 */
export function translateLuceneRegex(src: string): RegexResult {
  let tree: RNode;
  try {
    tree = parseLuceneRegex(src);
  } catch (e) {
    if (e instanceof LuceneRegexError) return { ok: false, reason: `invalid Lucene regular expression: ${e.message}` };
    throw e;
  }
  const r = printPcre(tree, SIGMA_REGEX);
  if (!r.ok) return { ok: false, reason: `Lucene's ${r.construct} has no counterpart in Sigma regular expressions` };
  return { ok: true, source: `^${anchorable(r.source, SIGMA_REGEX, tree)}$`, dotAll: r.dotAll };
}
