/**
 * Lucene regular expressions (the dialect of Elasticsearch `regexp` queries
 * and EQL `regex`), parsed to a small tree: the one reading of the dialect
 * that the evaluator (src/eval/lucene-regex.ts, JavaScript RegExp) and the
 * targets' printers (src/regex/pcre.ts and the targets' own) start from.
 * Also: numeric intervals as digit patterns, the single string a tree
 * accepts, and sampling (for the event generators).
 *
 * Syntax, from Lucene's `RegExp` (org.apache.lucene.util.automaton, the
 * version Elasticsearch 8/9 ships) with all optional syntax enabled (the
 * `regexp` query's default flags `ALL`):
 *   union `a|b`, intersection `a&b`, concatenation, repeats `? * + {n} {n,} {n,m}`,
 *   complement `~a` (binds tighter than repeats: `~a*` is `(~a)*`),
 *   classes `[a-z]`, `[^a-z]`, any character `.`, empty language `#`,
 *   any string `@`, quoted literal `"..."`, `()` (the empty string),
 *   numeric interval `<n-m>` (zero-padded to the common width when n and m
 *   have the same number of digits, otherwise any number of leading zeros),
 *   named automaton `<name>` (always an error: Elasticsearch provides none),
 *   `\` + character = that character, except the predefined classes
 *   `\d \D \s \S \w \W` (`\s` is `[ \t\n\r]`, `\w` is `[a-zA-Z_0-9]`) and an
 *   error for `\` before any other ASCII letter.
 * Matching is always anchored (the whole value). `case_insensitive` folds
 * ASCII letters only (Lucene's ASCII_CASE_INSENSITIVE).
 *
 * Complement and intersection have no equivalent in the regular
 * expressions of JavaScript, PCRE or RE2 in general; `untranslatable` names them.
 */

export type RNode =
  | { readonly k: "union"; readonly a: RNode; readonly b: RNode }
  | { readonly k: "inter"; readonly a: RNode; readonly b: RNode }
  | { readonly k: "concat"; readonly items: readonly RNode[] }
  | { readonly k: "repeat"; readonly e: RNode; readonly min: number; readonly max: number | null }
  | { readonly k: "compl"; readonly e: RNode }
  | { readonly k: "set"; readonly negate: boolean; readonly ranges: readonly (readonly [number, number])[] }
  | { readonly k: "any" }
  | { readonly k: "empty-lang" }
  | { readonly k: "any-string" }
  | { readonly k: "str"; readonly s: string }
  | { readonly k: "interval"; readonly min: number; readonly max: number; readonly digits: number };

export class LuceneRegexError extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.position = position;
  }
}

const PREDEFINED: Record<string, { negate: boolean; ranges: [number, number][] }> = {
  d: { negate: false, ranges: [[48, 57]] },
  D: { negate: true, ranges: [[48, 57]] },
  s: { negate: false, ranges: [[32, 32], [9, 10], [13, 13]] },
  S: { negate: true, ranges: [[32, 32], [9, 10], [13, 13]] },
  w: { negate: false, ranges: [[97, 122], [65, 90], [95, 95], [48, 57]] },
  W: { negate: true, ranges: [[97, 122], [65, 90], [95, 95], [48, 57]] },
};
const BAD_ESCAPE = /[abcefghijklmnopqrtuvxyzABCEFGHIJKLMNOPQRTUVXYZ]/;

/** Parses Lucene regexp syntax; throws LuceneRegexError (offset into `src`) on invalid input. */
export function parseLuceneRegex(src: string): RNode {
  const cps = Array.from(src);
  // Offsets in UTF-16 units of each code point, for error positions.
  const offs: number[] = [];
  {
    let o = 0;
    for (const c of cps) {
      offs.push(o);
      o += c.length;
    }
    offs.push(o);
  }
  let pos = 0;
  const more = (): boolean => pos < cps.length;
  const peek = (set: string): boolean => more() && set.includes(cps[pos] as string);
  const match = (c: string): boolean => {
    if (more() && cps[pos] === c) {
      pos++;
      return true;
    }
    return false;
  };
  const fail = (msg: string): never => {
    throw new LuceneRegexError(msg, offs[Math.min(pos, offs.length - 1)] as number);
  };
  const next = (): string => {
    if (!more()) fail("unexpected end of the regular expression");
    return cps[pos++] as string;
  };

  const union = (): RNode => {
    const a = inter();
    if (match("|")) return { k: "union", a, b: union() };
    return a;
  };
  const inter = (): RNode => {
    const a = concat();
    if (match("&")) return { k: "inter", a, b: inter() };
    return a;
  };
  const concat = (): RNode => {
    const items: RNode[] = [repeat()];
    while (more() && !peek(")|&")) items.push(repeat());
    return items.length === 1 ? (items[0] as RNode) : { k: "concat", items };
  };
  const repeat = (): RNode => {
    let e = compl();
    while (peek("?*+{")) {
      if (match("?")) e = { k: "repeat", e, min: 0, max: 1 };
      else if (match("*")) e = { k: "repeat", e, min: 0, max: null };
      else if (match("+")) e = { k: "repeat", e, min: 1, max: null };
      else if (match("{")) {
        let s = "";
        while (peek("0123456789")) s += next();
        if (s === "") fail("integer expected in {n,m}");
        const n = Number(s);
        let m: number | null = n;
        if (match(",")) {
          let t = "";
          while (peek("0123456789")) t += next();
          m = t === "" ? null : Number(t);
        }
        if (!match("}")) fail("expected '}'");
        if (m !== null && m < n) fail("invalid repeat range {n,m} with m < n");
        e = { k: "repeat", e, min: n, max: m };
      }
    }
    return e;
  };
  const compl = (): RNode => {
    if (match("~")) return { k: "compl", e: compl() };
    return charClass();
  };
  const predefined = (): { negate: boolean; ranges: [number, number][] } | number => {
    // Called after a backslash was consumed: a predefined class, or the escaped code point.
    const c = next();
    const p = PREDEFINED[c];
    if (p) return p;
    if (BAD_ESCAPE.test(c)) fail(`invalid escape \\${c} (Lucene regexp has no such class or escape)`);
    return c.codePointAt(0) as number;
  };
  const charClass = (): RNode => {
    if (match("[")) {
      const negate = match("^");
      const ranges: [number, number][] = [];
      const negParts: [number, number][][] = [];
      do {
        if (!more()) fail("expected ']'");
        let from: number;
        if (match("\\")) {
          const p = predefined();
          if (typeof p !== "number") {
            if (p.negate) negParts.push(p.ranges);
            else ranges.push(...p.ranges);
            continue;
          }
          from = p;
        } else from = next().codePointAt(0) as number;
        if (match("-")) {
          match("\\");
          const to = next().codePointAt(0) as number;
          if (from > to) fail("invalid character range: from is greater than to");
          ranges.push([from, to]);
        } else ranges.push([from, from]);
      } while (more() && !peek("]"));
      if (!match("]")) fail("expected ']'");
      // Negated predefined classes inside a class (`[\D]`) are unions with a complement.
      let all = ranges;
      for (const np of negParts) all = [...all, ...complementRanges(np)];
      return { k: "set", negate, ranges: all };
    }
    return simple();
  };
  const simple = (): RNode => {
    if (match(".")) return { k: "any" };
    if (match("#")) return { k: "empty-lang" };
    if (match("@")) return { k: "any-string" };
    if (match('"')) {
      let s = "";
      while (more() && !peek('"')) s += next();
      if (!match('"')) fail("expected '\"'");
      return { k: "str", s };
    }
    if (match("(")) {
      if (match(")")) return { k: "str", s: "" };
      const e = union();
      if (!match(")")) fail("expected ')'");
      return e;
    }
    if (match("<")) {
      let s = "";
      while (more() && !peek(">")) s += next();
      if (!match(">")) fail("expected '>'");
      const i = s.indexOf("-");
      if (i === -1) fail(`named automaton <${s}> is not available in Elasticsearch`);
      const m = /^(\d+)-(\d+)$/.exec(s);
      if (!m) fail("numeric interval syntax error: expected <n-m>");
      const a = (m as RegExpExecArray)[1] as string;
      const b = (m as RegExpExecArray)[2] as string;
      let min = Number(a);
      let max = Number(b);
      if (min > max) [min, max] = [max, min];
      return { k: "interval", min, max, digits: a.length === b.length ? a.length : 0 };
    }
    if (match("\\")) {
      const p = predefined();
      if (typeof p === "number") return { k: "str", s: String.fromCodePoint(p) };
      return { k: "set", negate: p.negate, ranges: p.ranges };
    }
    return { k: "str", s: next() };
  };

  if (cps.length === 0) return { k: "str", s: "" };
  const tree = union();
  if (more()) fail("unexpected character (unbalanced ')'?)");
  return tree;
}

function complementRanges(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  let at = 0;
  for (const [a, b] of sorted) {
    if (a > at) out.push([at, a - 1]);
    at = Math.max(at, b + 1);
  }
  if (at <= 0x10ffff) out.push([at, 0x10ffff]);
  return out;
}

/** A construct of the tree that no target's regular expressions can express (complement, intersection), or null. */
export function untranslatable(node: RNode): string | null {
  switch (node.k) {
    case "compl":
      return "complement (~)";
    case "inter":
      return "intersection (&)";
    case "union":
      return untranslatable(node.a) ?? untranslatable(node.b);
    case "concat":
      for (const i of node.items) {
        const u = untranslatable(i);
        if (u) return u;
      }
      return null;
    case "repeat":
      return untranslatable(node.e);
    default:
      return null;
  }
}

/** The digits lo..hi as a regex atom: `5`, or `[2-4]`. */
function digits(lo: number, hi: number): string {
  return lo === hi ? String(lo) : `[${lo}-${hi}]`;
}

/** Decimal numbers in [min, max] without leading zeros, as a regex source. */
function rangeSource(min: number, max: number, group: string): string {
  const parts: string[] = [];
  const rec = (lo: string, hi: string): string[] => {
    // lo and hi have the same length.
    if (lo.length === 0) return [""];
    if (lo === hi) return [lo];
    const a = Number(lo[0]);
    const b = Number(hi[0]);
    const restLo = lo.slice(1);
    const restHi = hi.slice(1);
    const nines = "9".repeat(restLo.length);
    const zeros = "0".repeat(restLo.length);
    if (a === b) return rec(restLo, restHi).map((r) => `${a}${r}`);
    const out: string[] = [];
    out.push(...rec(restLo, nines).map((r) => `${a}${r}`));
    if (b - a > 1) out.push(`${digits(a + 1, b - 1)}${"[0-9]".repeat(restLo.length)}`);
    out.push(...rec(zeros, restHi).map((r) => `${b}${r}`));
    return out;
  };
  let lo = min;
  while (lo <= max) {
    const width = String(lo).length;
    const top = Math.min(max, 10 ** width - 1);
    parts.push(...rec(String(lo), String(top)));
    lo = top + 1;
  }
  return parts.length === 1 ? (parts[0] as string) : `${group}${parts.join("|")})`;
}

/**
 * A numeric interval `<n-m>` as a regular expression over decimal digits;
 * `group` opens a group (`(?:` or `(`), `)` closes it.
 */
export function intervalSource(n: { readonly min: number; readonly max: number; readonly digits: number }, group = "(?:"): string {
  if (n.digits > 0) {
    // Fixed width: numbers zero-padded to `digits`; numbers longer than that also match unpadded.
    const alts: string[] = [];
    const padTo = (x: number): string => String(x).padStart(n.digits, "0");
    const width = (x: number): number => Math.max(n.digits, String(x).length);
    let lo = n.min;
    while (lo <= n.max) {
      const w = width(lo);
      const top = Math.min(n.max, 10 ** w - 1);
      const a = padTo(lo);
      const b = padTo(top);
      // Equal-width strings: reuse the digit-range builder on padded strings.
      alts.push(fixedWidthRange(a, b, group));
      lo = top + 1;
    }
    return alts.length === 1 ? (alts[0] as string) : `${group}${alts.join("|")})`;
  }
  return `0*${rangeSource(n.min, n.max, group)}`;
}

function fixedWidthRange(lo: string, hi: string, group: string): string {
  if (lo.length === 0) return "";
  if (lo === hi) return lo;
  const a = Number(lo[0]);
  const b = Number(hi[0]);
  const restLo = lo.slice(1);
  const restHi = hi.slice(1);
  if (a === b) return `${a}${fixedWidthRange(restLo, restHi, group)}`;
  const alts = [`${a}${fixedWidthRange(restLo, "9".repeat(restLo.length), group)}`];
  if (b - a > 1) alts.push(`${digits(a + 1, b - 1)}${"[0-9]".repeat(restLo.length)}`);
  alts.push(`${b}${fixedWidthRange("0".repeat(restLo.length), restHi, group)}`);
  return `${group}${alts.join("|")})`;
}

/** The only string the tree accepts, or null when it accepts several (or none). */
export function singleton(node: RNode): string | null {
  switch (node.k) {
    case "str":
      return node.s;
    case "concat": {
      let out = "";
      for (const i of node.items) {
        const x = singleton(i);
        if (x === null) return null;
        out += x;
      }
      return out;
    }
    case "repeat": {
      if (node.max !== node.min) return null;
      const x = singleton(node.e);
      return x === null ? null : x.repeat(node.min);
    }
    case "set": {
      const r = node.ranges[0];
      return !node.negate && node.ranges.length === 1 && r && r[0] === r[1] ? String.fromCodePoint(r[0]) : null;
    }
    case "union": {
      const a = singleton(node.a);
      return a !== null && a === singleton(node.b) ? a : null;
    }
    default:
      return null;
  }
}

/**
 * A string the tree matches, choosing with `pick(n)` (0 <= result < n) at
 * every choice; null when the tree can match nothing we can construct.
 */
export function sampleRegex(node: RNode, pick: (n: number) => number): string | null {
  switch (node.k) {
    case "union": {
      const first = pick(2) === 0 ? node.a : node.b;
      const second = first === node.a ? node.b : node.a;
      return sampleRegex(first, pick) ?? sampleRegex(second, pick);
    }
    case "concat": {
      let s = "";
      for (const i of node.items) {
        const part = sampleRegex(i, pick);
        if (part === null) return null;
        s += part;
      }
      return s;
    }
    case "repeat": {
      const n = node.min === 0 && node.max !== 0 ? (pick(2) === 0 ? 1 : 0) : node.min;
      let s = "";
      for (let i = 0; i < n; i++) {
        const part = sampleRegex(node.e, pick);
        if (part === null) return node.min === 0 ? "" : null;
        s += part;
      }
      return s;
    }
    case "set": {
      const candidates = [97, 120, 48, 65, 95, 45, 46, 32];
      const inSet = (cp: number): boolean => node.ranges.some(([a, b]) => cp >= a && cp <= b);
      if (!node.negate) {
        const r = node.ranges[pick(node.ranges.length)];
        return r ? String.fromCodePoint(r[0]) : null;
      }
      for (const c of candidates) if (!inSet(c)) return String.fromCodePoint(c);
      return null;
    }
    case "any":
      return "a";
    case "empty-lang":
      return null;
    case "any-string":
      return "";
    case "str":
      return node.s;
    case "interval":
      return node.digits > 0 ? String(node.min).padStart(node.digits, "0") : String(node.min);
    case "compl":
    case "inter":
      return null;
  }
}
