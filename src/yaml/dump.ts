/**
 * Documents -> YAML text, written directly (ruleport's Sigma rules and
 * Sentinel analytics rules; js-yaml's dumper did this before and was the
 * slowest step of both). The values are the ones those documents hold:
 * mappings with string keys (plain objects or Maps), sequences, strings,
 * numbers, booleans and null. The layout is fixed but for the indentation
 * (a `YamlStyle`): block collections (empty ones as `{}` / `[]`), no line
 * folding, multi-line strings as literal blocks, and optionally one section
 * whose one-line string values are single-quoted (Sigma's `detection`).
 * Several documents become one multi-document stream.
 *
 * A string is written plain only when no reader can take it for anything
 * else: it is not a null, boolean, number, timestamp, merge key or value key
 * under the YAML 1.2 core schema nor under YAML 1.1 (which PyYAML, and so
 * pySigma, reads: `yes`, `off`, `0x1F`, `1_000`, `0755`, `1:30`,
 * `2024-01-01`, ...), does not start with an indicator or white space, is no
 * document marker (`---`, `...`), and holds no `: `, ` #`, trailing `:`,
 * tab, control, non-breaking space or line separator (NEL, U+2028, U+2029,
 * BOM). Otherwise it is single-quoted when every character is printable in
 * both YAML versions and it has one line,
 * else double-quoted with escapes. The layout is the one js-yaml's dumper
 * gives with `lineWidth: -1` and the same indentation, so the text is
 * unchanged for ordinary values.
 */

import { ownText } from "../own-text.js";

/** How a document is laid out. */
export interface YamlStyle {
  /** Spaces per nesting level: 2 (js-yaml's default) or 4 (SigmaHQ's rules). */
  readonly indent: 2 | 4;
  /**
   * A key of the root mapping whose section's one-line string values are
   * single-quoted, except those under the key `except` (Sigma: `detection`,
   * except its `condition`).
   */
  readonly quotedSection?: { readonly key: string; readonly except: string };
}

/** One dump's settings, passed down the recursion. */
interface Layout {
  readonly indent: number;
  /** Spaces for each nesting level, cached (shared by the dumps of one indentation). */
  readonly pads: string[];
  /** After a sequence's dash, before a collection's first line: the dash and this fill `indent` columns. */
  readonly afterDash: string;
  readonly section: string | null;
  readonly except: string;
}

const LAYOUTS = new Map<number, { pads: string[]; afterDash: string }>();

function layoutOf(style: YamlStyle): Layout {
  let shared = LAYOUTS.get(style.indent);
  if (shared === undefined) LAYOUTS.set(style.indent, (shared = { pads: [""], afterDash: " ".repeat(style.indent - 2) }));
  return { indent: style.indent, pads: shared.pads, afterDash: shared.afterDash, section: style.quotedSection?.key ?? null, except: style.quotedSection?.except ?? "" };
}

function pad(y: Layout, level: number): string {
  let p = y.pads[level];
  if (p === undefined) for (let l = y.pads.length; l <= level; l++) y.pads[l] = p = " ".repeat(y.indent * l);
  return p as string;
}

/**
 * A character that is not ordinary text: ordinary is printable in YAML 1.1
 * and 1.2, no white space other than the space, no line break of either
 * version (NEL, U+2028, U+2029), no BOM, no C1 control, no non-breaking space
 * (js-yaml quotes it; kept for an unchanged layout), no lone surrogate.
 */
const NOT_TEXT = /[^\x20-\x7e\xa1-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]/u;
/** Not ordinary text nor a line feed (literal block content). */
const NOT_BLOCK_TEXT = /[^\n\x20-\x7e\xa1-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]/u;
/** Not ordinary text, tab nor non-breaking space (one-line single-quoted content). */
const NOT_SINGLE_QUOTABLE = /[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]/u;

/** YAML's c-indicator characters, which cannot start a plain scalar (`-`, `?`, `:` can when a non-space follows). */
const INDICATORS = new Set("-?:,[]{}#&*!|>'\"%@`");

/**
 * Plain scalars that some YAML reader resolves to something other than a
 * string: null, booleans, integers and floats of YAML 1.1 and of the 1.2
 * core schema, YAML 1.1 timestamps, the merge key `<<` and the value key
 * `=`. A match is enough (even when the reader would then reject the value,
 * as a timestamp on 2024-13-45): quoting costs nothing.
 */
const NOT_A_STRING = new RegExp(
  "^(?:" +
    [
      "~|null|Null|NULL",
      "true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF",
      // integers (1.1: binary, octal, hexadecimal, sexagesimal, with `_`; 1.2 core: 0o, 0x, decimal)
      "[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?[0-9][0-9_]*",
      // floats (1.1 needs a dot, 1.2 core does not; exponents; sexagesimal; inf and nan)
      "[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?:\\.[0-9_]*)?[eE][-+]?[0-9]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*",
      "[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)",
      // timestamps
      "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?",
      "<<|=",
    ].join("|") +
    ")$",
);

/** First characters of the scalars NOT_A_STRING can match. */
const RESOLVABLE_FIRST = new Set("~nNtTfFyYoO0123456789-+.<=");

function resolvesToNonString(s: string): boolean {
  if (s === "") return true;
  const first = s.charCodeAt(0);
  // Those starting with a letter, `~`, `<` or `=` are words of at most five characters (`false`): most text is ruled out by its length.
  if (first >= 0x3c && s.length > 5) return false;
  return RESOLVABLE_FIRST.has(s[0] as string) && NOT_A_STRING.test(s);
}

/** Whether `s` can be written as a one-line plain scalar in block context and reads back as this string. */
function isPlainSafe(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  const first = s.charCodeAt(0);
  if (first === 0x20) return false;
  if (INDICATORS.has(s[0] as string)) {
    // `-`, `?` and `:` start a plain scalar when a non-space follows.
    if (!(first === 0x2d || first === 0x3f || first === 0x3a) || n < 2 || s.charCodeAt(1) === 0x20) return false;
  }
  if (s.charCodeAt(n - 1) === 0x20 || s.charCodeAt(n - 1) === 0x3a) return false;
  if (s.includes(": ") || s.includes(" #")) return false;
  // `---` and `...` are document markers at the start of a line (where a top-level key starts).
  if ((first === 0x2d || first === 0x2e) && /^(?:---|\.\.\.)(?:$| )/.test(s)) return false;
  if (NOT_TEXT.test(s)) return false;
  return !resolvesToNonString(s);
}

/** Whether the string is white space only (JavaScript's `\s`), which js-yaml double-quotes. */
function isBlank(s: string): boolean {
  return /^\s+$/.test(s);
}

const ESCAPES: Readonly<Record<string, string>> = {
  "\0": "\\0",
  "\x07": "\\a",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\v": "\\v",
  "\f": "\\f",
  "\r": "\\r",
  "\x1b": "\\e",
  '"': '\\"',
  "\\": "\\\\",
  "\x85": "\\N",
  "\xa0": "\\_",
  "\u2028": "\\L",
  "\u2029": "\\P",
};

/** Escaped in a double-quoted scalar: quote, backslash, controls, C1, NBSP, line separators, lone surrogates, BOM, non-characters. */
const TO_ESCAPE = /["\\\x00-\x1f\x7f-\xa0\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/gu;

function escapeChar(ch: string): string {
  const known = ESCAPES[ch];
  if (known !== undefined) return known;
  const code = ch.charCodeAt(0);
  const hex = code.toString(16).toUpperCase();
  return code <= 0xff ? `\\x${hex.padStart(2, "0")}` : `\\u${hex.padStart(4, "0")}`;
}

function doubleQuoted(s: string): string {
  return `"${s.replace(TO_ESCAPE, escapeChar)}"`;
}

function singleQuoted(s: string): string {
  return `'${s.includes("'") ? s.replace(/'/g, "''") : s}'`;
}

/**
 * A multi-line string as a literal block (`|`), content indented to
 * `contentShift` columns, or null when a literal block cannot hold it
 * exactly: characters that are not ordinary text, white space only, or
 * trailing empty lines (which would need keep chomping).
 */
function literalBlock(s: string, parentShift: number, contentShift: number): string | null {
  if (NOT_BLOCK_TEXT.test(s) || isBlank(s)) return null;
  const n = s.length;
  const clip = s.charCodeAt(n - 1) === 0x0a;
  if (clip && (n === 1 || s.charCodeAt(n - 2) === 0x0a)) return null;
  // An indentation indicator when the first non-empty line starts with a space (auto-detection would take it for indentation).
  const indicator = /^\n* /.test(s) ? String(contentShift - parentShift) : "";
  const indent = " ".repeat(contentShift);
  // Every non-empty line indented; the final line break (clip chomping) is the header's.
  const body = (s.charCodeAt(0) === 0x0a ? "\n" : "\n" + indent) + s.replace(/\n(?=[^\n])/g, "\n" + indent);
  return clip ? `|${indicator}${body.slice(0, -1)}` : `|${indicator}-${body}`;
}

/** A string value at `level`: plain, quoted or a literal block (see the module comment). */
function scalar(y: Layout, s: string, level: number, quote: boolean): string {
  if (s.includes("\n")) {
    const block = literalBlock(s, level === 0 ? -1 : y.indent * (level - 1), y.indent * Math.max(1, level));
    return block ?? doubleQuoted(s);
  }
  if (quote) return NOT_SINGLE_QUOTABLE.test(s) ? doubleQuoted(s) : singleQuoted(s);
  return plainOrQuoted(s);
}

function plainOrQuoted(s: string): string {
  const first = s.charCodeAt(0);
  // js-yaml double-quotes white space only strings (including Unicode spaces); kept for an unchanged layout.
  if ((first <= 0x20 || first >= 0xa0) && isBlank(s)) return doubleQuoted(s);
  if (isPlainSafe(s)) return s;
  return NOT_TEXT.test(s) ? doubleQuoted(s) : singleQuoted(s);
}

function number(n: number): string {
  if (Number.isNaN(n)) return ".nan";
  if (n === Infinity) return ".inf";
  if (n === -Infinity) return "-.inf";
  if (Object.is(n, -0)) return "-0.0";
  const text = String(n);
  // `1e+21` would be an integer-looking float without a dot, which YAML 1.1 reads as a string.
  return /^[-+]?[0-9]+e/.test(text) ? text.replace("e", ".e") : text;
}

/**
 * A node at `level`. Block collections that follow their key or dash on the
 * same line (`compact`) start there, their first line shifted so that it
 * lines up with the next ones (`afterDash`); others start on a new line.
 */
function node(y: Layout, v: unknown, level: number, compact: boolean, quote: boolean, section = false): string {
  switch (typeof v) {
    case "string":
      return scalar(y, v, level, quote);
    case "number":
      return number(v);
    case "boolean":
      return v ? "true" : "false";
    case "undefined":
      return "null";
    case "object": {
      if (v === null) return "null";
      if (Array.isArray(v)) {
        if (v.length === 0) return "[]";
        const body = sequence(y, v, level, compact, quote);
        return compact && level > 0 ? y.afterDash + body : body;
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === Map.prototype || proto === null) {
        const body = mapping(y, v as YamlMapping, level, compact, quote, section);
        if (body === "") return "{}";
        return compact && level > 0 ? y.afterDash + body : body;
      }
      break;
    }
    default:
      break;
  }
  throw new Error(`internal error: a document holds a value YAML cannot carry (${Object.prototype.toString.call(v)})`);
}

function sequence(y: Layout, items: readonly unknown[], level: number, compact: boolean, quote: boolean): string {
  let out = "";
  for (const item of items) {
    if (!compact || out !== "") out += "\n" + pad(y, level);
    out += "- " + node(y, item, level + 1, true, quote);
  }
  return out;
}

/** Whether a value is written as a block collection (not `[]`, `{}` or a scalar). */
function startsOwnLine(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) {
    for (const x of v.values()) if (x !== undefined) return true;
    return false;
  }
  for (const k of Object.keys(v)) if ((v as Record<string, unknown>)[k] !== undefined) return true;
  return false;
}

/** Written keys: documents repeat the same few hundred (attributes, field names with modifiers). */
const KEYS = new Map<string, string>();

function keyText(key: string): string {
  let k = KEYS.get(key);
  if (k === undefined) {
    if (KEYS.size >= 4096) KEYS.clear();
    KEYS.set(ownText(key), (k = ownText(plainOrQuoted(key)))); // kept across documents: not pieces of one rule's text
  }
  return k;
}

/** A block mapping; `section` marks the style's quoted section, whose one-line string values are single-quoted (those under its `except` key excepted). */
function mapping(y: Layout, m: YamlMapping, level: number, compact: boolean, quote: boolean, section: boolean): string {
  let out = "";
  const pair = (key: string, value: unknown) => {
    if (value === undefined) return;
    if (!compact || out !== "") out += "\n" + pad(y, level);
    const k = keyText(key);
    const q = section ? key !== y.except : quote;
    const sub = level === 0 && key === y.section;
    // Implicit keys are limited to one line and 1024 characters; longer ones take the explicit `? key` form.
    const explicit = key.includes("\n") || k.length > 1024;
    const text = node(y, value, level + 1, explicit, q, sub);
    // A block collection after an implicit key starts on the next line (its text starts with the line break).
    if (explicit) out += `? ${k}\n${pad(y, level)}: ` + text;
    else out += (startsOwnLine(value) ? k + ":" : k + ": ") + text;
  };
  if (m instanceof Map) for (const [key, value] of m) pair(key, value);
  else for (const key of Object.keys(m)) pair(key, (m as Readonly<Record<string, unknown>>)[key]);
  return out;
}

/**
 * A YAML mapping: a plain object, or a Map with string keys (which builders
 * use for sections with computed keys, as Sigma's `detection`: adding
 * computed keys to objects costs V8 a hidden class per key set).
 */
export type YamlMapping = Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown>;

/** Dumps one or more documents (plain objects; mappings inside may be Maps) as YAML, one stream. */
export function dumpYaml(documents: readonly YamlMapping[], style: YamlStyle): string {
  const y = layoutOf(style);
  let out = "";
  for (let i = 0; i < documents.length; i++) {
    const body = node(y, documents[i], 0, true, false);
    // Later documents start with `---`, on a line of its own before a block mapping.
    if (i > 0) out += body === "{}" ? "--- " : "---\n";
    out += body + "\n";
  }
  return out;
}
