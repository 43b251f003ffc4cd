/**
 * Lucene regular expressions as anchored JavaScript RegExps, for the
 * evaluator: the tree comes from src/regex/lucene.ts; this prints it for
 * RegExp's `u` flag (code points as \u{...}, ASCII case folding by hand, as
 * Lucene's ASCII_CASE_INSENSITIVE does) and caches the compiled tests.
 */

import { LuceneRegexError, intervalSource, parseLuceneRegex, singleton, untranslatable, type RNode } from "../regex/lucene.js";
import { compilePattern } from "./patterns.js";

const hex = (cp: number): string => `\\u{${cp.toString(16)}}`;

function asciiCaseRanges(ranges: readonly (readonly [number, number])[]): (readonly [number, number])[] {
  const out: (readonly [number, number])[] = [...ranges];
  for (const [a, b] of ranges) {
    const lo = Math.max(a, 65);
    const hi = Math.min(b, 90);
    if (lo <= hi) out.push([lo + 32, hi + 32]);
    const lo2 = Math.max(a, 97);
    const hi2 = Math.min(b, 122);
    if (lo2 <= hi2) out.push([lo2 - 32, hi2 - 32]);
  }
  return out;
}

function classSource(negate: boolean, ranges: readonly (readonly [number, number])[]): string {
  const body = ranges.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join("");
  if (body === "") return negate ? "[^]" : "[]";
  return `[${negate ? "^" : ""}${body}]`;
}

function litSource(s: string, asciiFold: boolean): string {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (asciiFold && ((cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122))) out += `[${ch.toLowerCase()}${ch.toUpperCase()}]`;
    else out += hex(cp);
  }
  return out;
}

/** JavaScript RegExp source (for flag `u`) of a translatable tree. */
export function toJsSource(node: RNode, asciiFold: boolean): string {
  switch (node.k) {
    case "union":
      return `(?:${toJsSource(node.a, asciiFold)}|${toJsSource(node.b, asciiFold)})`;
    case "concat":
      return node.items.map((i) => toJsSource(i, asciiFold)).join("");
    case "repeat": {
      const inner = `(?:${toJsSource(node.e, asciiFold)})`;
      if (node.min === 0 && node.max === 1) return `${inner}?`;
      if (node.min === 0 && node.max === null) return `${inner}*`;
      if (node.min === 1 && node.max === null) return `${inner}+`;
      return `${inner}{${node.min},${node.max === null ? "" : node.max}}`;
    }
    case "set":
      return classSource(node.negate, asciiFold ? asciiCaseRanges(node.ranges) : node.ranges);
    case "any":
      return "[^]";
    case "empty-lang":
      return "(?!)";
    case "any-string":
      return "[^]*";
    case "str":
      return litSource(node.s, asciiFold);
    case "interval":
      return intervalSource(node);
    case "compl":
    case "inter":
      throw new Error(`internal error: ${node.k} is not translatable`);
  }
}

export type RegexTranslation =
  | {
      ok: true;
      regex: RegExp;
      tree: RNode;
      /**
       * Whole-value test as ES runs it: a regexp accepting exactly one string is
       * rewritten to (case-insensitive) equality by the EQL optimizer
       * (ReplaceRegexMatch), so `regex~` folds Unicode case per code point there
       * and ASCII letters only otherwise.
       */
      test: (s: string) => boolean;
    }
  | { ok: false; reason: string; position: number | null; unsupported: boolean };

const cache = new Map<string, RegexTranslation>();

/** Translates a Lucene regexp to an anchored JavaScript RegExp (cached). */
export function translateLuceneRegex(source: string, caseInsensitive: boolean): RegexTranslation {
  const key = `${caseInsensitive ? "i" : "s"}:${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let result: RegexTranslation;
  try {
    const tree = parseLuceneRegex(source);
    const u = untranslatable(tree);
    if (u) result = { ok: false, reason: `Lucene regexp ${u} has no JavaScript RegExp equivalent`, position: null, unsupported: true };
    else {
      const regex = new RegExp(`^(?:${toJsSource(tree, caseInsensitive)})$`, "u");
      const exact = caseInsensitive ? singleton(tree) : null;
      const test = exact !== null ? compilePattern([{ kind: "text", value: exact }], false) : (x: string) => regex.test(x);
      result = { ok: true, regex, tree, test };
    }
  } catch (e) {
    if (e instanceof LuceneRegexError) result = { ok: false, reason: `invalid Lucene regexp: ${e.message}`, position: e.position, unsupported: false };
    else throw e;
  }
  cache.set(key, result);
  return result;
}
