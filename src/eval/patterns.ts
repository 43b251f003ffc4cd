/**
 * Wildcard patterns (IR `Pattern`) as Elasticsearch term and wildcard
 * queries match them: the whole value must match; `*` is any run of
 * characters, `?` exactly one character (one Unicode code point); everything
 * else is literal. Case-insensitive matching (`case_insensitive: true`) works
 * per code point: a pattern character matches itself and its single-code-point
 * lower- and upper-case forms (Lucene's case-insensitive automata), so the
 * value's length never changes under folding.
 */
import type { PatternPart } from "../ir/nodes.js";

const hex = (cp: number): string => `\\u{${cp.toString(16)}}`;

function single(s: string): number | null {
  const cps = Array.from(s);
  return cps.length === 1 ? (cps[0] as string).codePointAt(0) as number : null;
}

/** The code points a pattern character matches case-insensitively. */
export function caseVariants(ch: string): number[] {
  const cp = ch.codePointAt(0) as number;
  const out = new Set<number>([cp]);
  const lo = single(ch.toLowerCase());
  const up = single(ch.toUpperCase());
  if (lo !== null) out.add(lo);
  if (up !== null) out.add(up);
  return [...out];
}

function literalSource(text: string, caseSensitive: boolean): string {
  let out = "";
  for (const ch of text) {
    if (caseSensitive) {
      out += hex(ch.codePointAt(0) as number);
      continue;
    }
    const vs = caseVariants(ch);
    out += vs.length === 1 ? hex(vs[0] as number) : `[${vs.map(hex).join("")}]`;
  }
  return out;
}

const cache = new Map<string, (s: string) => boolean>();

/** A predicate for "the whole string matches the pattern". Cached per pattern and case mode. */
export function compilePattern(parts: readonly PatternPart[], caseSensitive: boolean): (s: string) => boolean {
  const key = `${caseSensitive ? "s" : "i"}${JSON.stringify(parts)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let fn: (s: string) => boolean;
  const onlyText = parts.every((p) => p.kind === "text");
  if (onlyText && caseSensitive) {
    const text = parts.map((p) => (p.kind === "text" ? p.value : "")).join("");
    fn = (s) => s === text;
  } else {
    let src = "";
    for (const p of parts) {
      if (p.kind === "text") src += literalSource(p.value, caseSensitive);
      else if (p.kind === "any") src += "[^]*";
      else src += "[^]";
    }
    const re = new RegExp(`^${src}$`, "u");
    fn = (s) => re.test(s);
  }
  cache.set(key, fn);
  return fn;
}

/** Case-insensitive equality per code point (Lucene case-insensitive term query). */
export function equalsIgnoreCase(value: string, pattern: string): boolean {
  return compilePattern([{ kind: "text", value: pattern }], false)(value);
}

/** Unicode code point order (the order of Lucene terms), negative / 0 / positive. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** The text of a pattern made only of text parts, or null when it has wildcards. */
export function patternText(parts: readonly PatternPart[]): string | null {
  let s = "";
  for (const p of parts) {
    if (p.kind !== "text") return null;
    s += p.value;
  }
  return s;
}
