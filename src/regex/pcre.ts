/**
 * A Lucene regexp tree (src/regex/lucene.ts) printed as a readable PCRE
 * body: literal characters stay themselves (escaped where PCRE gives them a
 * meaning), classes keep their ranges (`[a-z0-9]`), and groups appear only
 * where precedence needs them. Used by the targets whose engines read PCRE
 * (Sigma's `re` modifier, Splunk's `match()` and `| regex`).
 *
 * The body is unanchored and flag-free: callers anchor it (Lucene matches the
 * whole value) and, when `dotAll` is set, make `.` match line breaks as
 * Lucene's `.` and `@` do. Case-insensitivity is the caller's flag too.
 * Complement `~` and intersection `&` have no PCRE counterpart: they come back
 * named, for the caller's diagnostic. A numeric interval `<n-m>` becomes a digit pattern, `#` (the
 * empty language) `(?!)`.
 */
import { intervalSource, type RNode } from "./lucene.js";

export interface PcreStyle {
  /** How a group opens: `(?:` (non-capturing), or `(` where a dialect prefers plain groups. */
  readonly group: "(" | "(?:";
  /** Escapes one literal character outside a class (each target knows its delimiters). */
  readonly literal: (ch: string) => string;
  /** What matches nothing (Lucene's `#`): `(?!)` by default; RE2 has no lookahead. */
  readonly nothing?: string;
  /** The largest repetition count the engine takes (RE2: 1000); beyond it the tree is not printable. */
  readonly maxRepeat?: number;
}

/** `construct` names what has no PCRE counterpart, for the caller's message. */
export type PcreResult = { readonly ok: true; readonly source: string; readonly dotAll: boolean } | { readonly ok: false; readonly construct: string };

const PCRE_META = /[\\^$.|?*+()[\]{}]/g;

/**
 * Literal text as a PCRE (or RE2, or ECMAScript) pattern: each of the
 * metacharacters `\ ^ $ . | ? * + ( ) [ ] { }` gets a backslash.
 */
export function escapePcre(text: string): string {
  return text.replace(PCRE_META, (c) => `\\${c}`);
}

/** The default literal escaping of one character: PCRE's metacharacters. */
export const pcreMetaLiteral: (ch: string) => string = escapePcre;

const NAMED: Readonly<Record<number, string>> = { 9: "\\t", 10: "\\n", 13: "\\r" };

/** A code point in a class or as a literal when it cannot be written as itself. */
function codePoint(cp: number): string | null {
  const named = NAMED[cp];
  if (named) return named;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0)) return `\\x{${cp.toString(16)}}`;
  return null;
}

function classChar(cp: number): string {
  const special = codePoint(cp);
  if (special) return special;
  const ch = String.fromCodePoint(cp);
  return /[\\\]\[^-]/.test(ch) ? `\\${ch}` : ch;
}

type Prec = 0 | 1 | 2; // 0: union, 1: concatenation, 2: atom (safe to quantify)

interface Printed {
  readonly text: string;
  readonly prec: Prec;
}

/** Prints a translatable tree as a PCRE body. */
export function printPcre(node: RNode, style: PcreStyle): PcreResult {
  let dotAll = false;
  let problem: string | null = null;
  const group = (text: string): string => `${style.group}${text})`;
  const nothing = style.nothing ?? "(?!)";

  const lit = (s: string): Printed => {
    const cps = Array.from(s);
    const text = cps.map((ch) => codePoint(ch.codePointAt(0) as number) ?? style.literal(ch)).join("");
    return { text, prec: cps.length === 1 ? 2 : 1 };
  };

  const print = (n: RNode): Printed => {
    switch (n.k) {
      case "union":
        return { text: `${print(n.a).text}|${print(n.b).text}`, prec: 0 };
      case "concat":
        return { text: n.items.map((i) => { const p = print(i); return p.prec === 0 ? group(p.text) : p.text; }).join(""), prec: 1 };
      case "repeat": {
        if (style.maxRepeat !== undefined && Math.max(n.min, n.max ?? 0) > style.maxRepeat) problem ??= `repetition count above ${style.maxRepeat}`;
        const inner = print(n.e);
        const operand = inner.prec === 2 && inner.text !== "" ? inner.text : group(inner.text);
        const q = n.min === 0 && n.max === 1 ? "?" : n.min === 0 && n.max === null ? "*" : n.min === 1 && n.max === null ? "+" : n.max === n.min ? `{${n.min}}` : `{${n.min},${n.max === null ? "" : n.max}}`;
        // a quantified quantifier (`a**`) needs its own group in PCRE
        return { text: `${n.e.k === "repeat" ? group(inner.text) : operand}${q}`, prec: 2 };
      }
      case "set": {
        if (n.ranges.length === 0 && !n.negate) return { text: nothing, prec: 2 };
        if (n.ranges.length === 0) {
          dotAll = true; // `[^]`: any character
          return { text: ".", prec: 2 };
        }
        const body = n.ranges.map(([a, b]) => (a === b ? classChar(a) : `${classChar(a)}-${classChar(b)}`)).join("");
        return { text: `[${n.negate ? "^" : ""}${body}]`, prec: 2 };
      }
      case "any":
        dotAll = true;
        return { text: ".", prec: 2 };
      case "any-string":
        dotAll = true;
        return { text: ".*", prec: 2 };
      case "empty-lang":
        return { text: nothing, prec: 2 };
      case "str":
        return lit(n.s);
      case "interval":
        return { text: intervalSource(n, style.group), prec: 1 };
      case "compl":
        problem ??= "complement operator `~`";
        return { text: "", prec: 2 };
      case "inter":
        problem ??= "intersection operator `&`";
        return { text: "", prec: 2 };
    }
  };
  const printed = print(node);
  if (problem !== null) return { ok: false, construct: problem };
  return { ok: true, source: printed.text, dotAll };
}

/** The body wrapped so that it can stand between anchors: `^a|b$` would anchor only one side. */
export function anchorable(body: string, style: PcreStyle, node: RNode): string {
  return node.k === "union" ? `${style.group}${body})` : body;
}
