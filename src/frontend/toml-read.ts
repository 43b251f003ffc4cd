/**
 * One-pass TOML reader for the common case: values and key positions together.
 *
 * Rule files are TOML that smol-toml reads correctly but slowly for this job:
 * it decodes strings one character at a time, and positions then need a second
 * scan (`toml-locate.ts`). This reader uses the engine's string search and
 * sticky regular expressions, and returns the same values and the same
 * positions as that pair.
 *
 * It accepts a deliberate subset of TOML: what rule files are made of (tables,
 * arrays of tables, dotted keys, the four string forms, decimal integers,
 * booleans, arrays, one-line inline tables), LF line ends, and no control
 * characters but tab. Anything else (dates, floats, CRLF, a redefinition, any
 * error) makes it return null and the caller uses smol-toml, which also gives
 * the error message. So it never accepts a document smol-toml rejects, nor
 * reads one differently; test/loader/toml-read.test.ts checks both on the
 * corpus, the bundled rules and generated documents.
 */
import type { Span } from "../ir/nodes.js";
import { readTomlString, skipTomlString, type LocatedString, type TomlLocations } from "./toml-locate.js";

export interface TomlRead {
  readonly data: Record<string, unknown>;
  readonly loc: TomlLocations;
}

/** Thrown inside the reader when the document leaves the subset; never escapes it. */
const LEAVE = Symbol("leave the fast path");

type Table = Record<string, unknown>;
/**
 * How a table came to exist, which decides what may extend it later (TOML 1.0,
 * "Table"). A dotted key may extend only a table made by dotted keys: such a
 * table can be reached only from the section that made it, since reopening its
 * section's table with a header is a redefinition.
 */
const enum Made {
  /** Created as the parent of a `[a.b]` header; a later `[a]` may still define it. */
  Implicit,
  /** Defined by its own header. */
  Header,
  /** Created by a dotted key. */
  Dotted,
}

// Sticky patterns: each matches at `lastIndex` only, in the engine's own code.
const VOID = /(?:[ \t\n]|#[^\n]*)*/y;
const BLANK = /[ \t]*/y;
const LINE_END = /[ \t]*(?:#[^\n]*)?(?:\n|$)/y;
const BARE_KEY = /[A-Za-z0-9_-]+/y;
const INTEGER = /[+-]?(?:0|[1-9](?:_?[0-9])*)(?=[ \t\n#,\]}]|$)/y;
const BOOLEAN = /(?:true|false)(?=[ \t\n#,\]}]|$)/y;
/** Control characters other than tab and LF: TOML forbids them outside escapes, and CRLF files take the general path. */
const OUTSIDE = /[\x00-\x08\x0b-\x1f\x7f]/;
const ESCAPE = /\\(?:([btnfre"\\])|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|[ \t]*\n[ \t\n]*)|\\/g;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", e: "\x1b", '"': '"', "\\": "\\" };
/** A multi-line basic string's content ending in a line-ending backslash, blanks and one or two quotes. */
const QUOTES_AFTER_CONTINUATION = /\\[ \t]*\n[ \t\n]*"{1,2}$/;
const MAX_DEPTH = 100;

function leave(): never {
  throw LEAVE;
}

/**
 * Reads `text` (BOM already removed), recording positions of keys, of array
 * table headers and of the string values whose dotted path is in `wanted`.
 * Returns null when the document is outside the subset described above.
 */
export function readTomlFast(text: string, wanted: ReadonlySet<string> | null = null): TomlRead | null {
  if (OUTSIDE.test(text)) return null;
  try {
    return new Reader(text, wanted).read();
  } catch (e) {
    if (e === LEAVE) return null;
    throw e;
  }
}

class Reader {
  private i = 0;
  private readonly states = new Map<object, Made>();
  private readonly arrayTablesMade = new Set<object>();
  private readonly keys = new Map<string, Span>();
  private readonly strings = new Map<string, LocatedString>();
  private readonly arrayTables = new Map<string, Span[]>();

  constructor(
    private readonly t: string,
    private readonly wanted: ReadonlySet<string> | null,
  ) {}

  read(): TomlRead {
    const t = this.t;
    const root: Table = Object.create(null) as Table;
    let current = root;
    /** The current header's dotted path and a dot, or "" at the top. */
    let prefix = "";
    for (;;) {
      this.i = match(VOID, t, this.i);
      if (this.i >= t.length) break;
      if (t.charCodeAt(this.i) === 91 /* [ */) {
        const start = this.i;
        const array = t.charCodeAt(start + 1) === 91;
        this.i = start + (array ? 2 : 1);
        const parts = this.key();
        if (t.charCodeAt(this.i) !== 93 /* ] */) leave();
        if (array && t.charCodeAt(this.i + 1) !== 93) leave();
        this.i += array ? 2 : 1;
        current = this.openHeader(root, parts, array);
        const path = parts.length === 1 ? (parts[0] as string) : parts.join(".");
        prefix = `${path}.`;
        const span = { start, end: this.i };
        if (!this.keys.has(path)) this.keys.set(path, span);
        if (array) {
          const list = this.arrayTables.get(path);
          if (list) list.push(span);
          else this.arrayTables.set(path, [span]);
        }
      } else {
        const start = this.i;
        const parts = this.key();
        if (t.charCodeAt(this.i) !== 61 /* = */) leave();
        const path = prefix + (parts.length === 1 ? (parts[0] as string) : parts.join("."));
        if (!this.keys.has(path)) this.keys.set(path, { start, end: this.i });
        this.i = match(BLANK, t, this.i + 1);
        const valueStart = this.i;
        const value = this.value(0);
        if (typeof value === "string" && this.wanted?.has(path) && !this.strings.has(path)) {
          const located = readTomlString(t, valueStart);
          if (!located || located.value !== value || located.next !== this.i) leave();
          this.strings.set(path, { value: located.value, offsets: located.offsets, base: located.base, span: located.span });
        }
        this.assign(current, parts, value, null);
      }
      const end = match(LINE_END, t, this.i);
      if (end < 0) leave();
      this.i = end;
    }
    return { data: root, loc: { keys: this.keys, strings: this.strings, arrayTables: this.arrayTables } };
  }

  /** A possibly dotted key, with the blanks around its parts; stops at the first other character. */
  private key(): string[] {
    const t = this.t;
    const parts: string[] = [];
    for (;;) {
      this.i = match(BLANK, t, this.i);
      const c = t.charCodeAt(this.i);
      let part: string;
      if (c === 34 /* " */ || c === 39 /* ' */) {
        if (t.charCodeAt(this.i + 1) === c && t.charCodeAt(this.i + 2) === c) leave();
        part = c === 34 ? this.basicString(false) : this.literalString(false);
      } else {
        const end = match(BARE_KEY, t, this.i);
        if (end < 0) leave();
        part = t.slice(this.i, end);
        this.i = end;
      }
      if (part === "__proto__") leave();
      parts.push(part);
      this.i = match(BLANK, t, this.i);
      if (t.charCodeAt(this.i) !== 46 /* . */) return parts;
      this.i++;
    }
  }

  /** Opens the table a `[header]` or `[[header]]` names, creating what it may and leaving on a redefinition. */
  private openHeader(root: Table, parts: string[], array: boolean): Table {
    let table = root;
    for (let n = 0; n < parts.length - 1; n++) {
      const k = parts[n] as string;
      if (!Object.hasOwn(table, k)) {
        table = this.addTable(table, k, Made.Implicit);
        continue;
      }
      const v = table[k];
      if (this.arrayTablesMade.has(v as object)) {
        table = (v as Table[])[(v as Table[]).length - 1] as Table;
        continue;
      }
      const state = this.states.get(v as object);
      if (state === undefined || state === Made.Dotted) leave();
      table = v as Table;
    }
    const last = parts[parts.length - 1] as string;
    const exists = Object.hasOwn(table, last);
    if (array) {
      if (!exists) this.arrayTablesMade.add((table[last] = []));
      else if (!this.arrayTablesMade.has(table[last] as object)) leave();
      const element = Object.create(null) as Table;
      this.states.set(element, Made.Header);
      (table[last] as Table[]).push(element);
      return element;
    }
    if (!exists) return this.addTable(table, last, Made.Header);
    const v = table[last] as Table;
    if (this.states.get(v) !== Made.Implicit) leave();
    this.states.set(v, Made.Header);
    return v;
  }

  /** A new table at `parent[key]`, recorded as made `made` (or, in an inline table, in its set of tables made by dotted keys). */
  private addTable(parent: Table, key: string, made: Made | Set<object>): Table {
    const created = Object.create(null) as Table;
    parent[key] = created;
    if (made instanceof Set) made.add(created);
    else this.states.set(created, made);
    return created;
  }

  /**
   * Sets `parts` (a dotted key) to `value` in `table`. Intermediate tables may
   * be created, or extended when dotted keys made them (in an inline table:
   * dotted keys of that inline table, listed in `inlineMade`); an existing
   * final key is a redefinition.
   */
  private assign(table: Table, parts: string[], value: unknown, inlineMade: Set<object> | null): void {
    let t = table;
    for (let n = 0; n < parts.length - 1; n++) {
      const k = parts[n] as string;
      if (!Object.hasOwn(t, k)) {
        t = this.addTable(t, k, inlineMade ?? Made.Dotted);
        continue;
      }
      const v = t[k] as Table;
      if (inlineMade ? !inlineMade.has(v) : this.states.get(v) !== Made.Dotted) leave();
      t = v;
    }
    const last = parts[parts.length - 1] as string;
    if (Object.hasOwn(t, last)) leave();
    t[last] = value;
  }

  private value(depth: number): unknown {
    if (depth > MAX_DEPTH) leave();
    const t = this.t;
    const c = t.charCodeAt(this.i);
    if (c === 34 /* " */) return this.basicString(true);
    if (c === 39 /* ' */) return this.literalString(true);
    if (c === 91 /* [ */) return this.array(depth);
    if (c === 123 /* { */) return this.inlineTable(depth);
    let end = match(INTEGER, t, this.i);
    if (end >= 0) {
      const n = Number(t.slice(this.i, end).replaceAll("_", ""));
      if (!Number.isSafeInteger(n)) leave();
      this.i = end;
      return n === 0 ? 0 : n;
    }
    end = match(BOOLEAN, t, this.i);
    if (end >= 0) {
      const v = t.charCodeAt(this.i) === 116; /* t */
      this.i = end;
      return v;
    }
    return leave();
  }

  private array(depth: number): unknown[] {
    const t = this.t;
    const out: unknown[] = [];
    this.i++;
    for (;;) {
      this.i = match(VOID, t, this.i);
      if (t.charCodeAt(this.i) === 93 /* ] */) break;
      out.push(this.value(depth + 1));
      this.i = match(VOID, t, this.i);
      const c = t.charCodeAt(this.i);
      if (c === 93) break;
      if (c !== 44 /* , */) leave();
      this.i++;
    }
    this.i++;
    return out;
  }

  /** TOML 1.0 inline tables only: one line, no trailing comma. */
  private inlineTable(depth: number): Table {
    const t = this.t;
    const out = Object.create(null) as Table;
    const made = new Set<object>();
    this.i = match(BLANK, t, this.i + 1);
    if (t.charCodeAt(this.i) === 125 /* } */) {
      this.i++;
      return out;
    }
    for (;;) {
      const parts = this.key();
      if (t.charCodeAt(this.i) !== 61 /* = */) leave();
      this.i = match(BLANK, t, this.i + 1);
      const value = this.value(depth + 1);
      this.assign(out, parts, value, made);
      this.i = match(BLANK, t, this.i);
      const c = t.charCodeAt(this.i);
      this.i++;
      if (c === 125 /* } */) return out;
      if (c !== 44 /* , */) leave();
    }
  }

  /** A basic string at the cursor: `"..."`, or `"""..."""` when `multiline` allows it. */
  private basicString(multiline: boolean): string {
    const t = this.t;
    const start = this.i;
    const triple = t.charCodeAt(start + 1) === 34 && t.charCodeAt(start + 2) === 34;
    if (triple && !multiline) leave();
    const end = skipTomlString(t, start);
    if (end < 0) leave();
    let body = start + (triple ? 3 : 1);
    if (triple && t.charCodeAt(body) === 10) body++;
    const raw = t.slice(body, end - (triple ? 3 : 1));
    this.i = end;
    if (raw.indexOf("\\") < 0) return raw;
    // quotes kept from the closing run after a line-ending backslash: smol-toml 1.9
    // drops them (`"""\⏎""""` reads as empty), so this reader leaves rather than differ
    if (triple && t.charCodeAt(end - 4) === 34 && QUOTES_AFTER_CONTINUATION.test(raw)) leave();
    return decodeEscapes(raw);
  }

  /** A literal string at the cursor: `'...'`, or `'''...'''` when `multiline` allows it. */
  private literalString(multiline: boolean): string {
    const t = this.t;
    const start = this.i;
    if (t.charCodeAt(start + 1) === 39 && t.charCodeAt(start + 2) === 39) {
      if (!multiline) leave();
      let body = start + 3;
      if (t.charCodeAt(body) === 10) body++;
      const close = t.indexOf("'''", body);
      if (close < 0) leave();
      // one or two more quotes right before the closing three belong to the value
      let end = close + 3;
      while (t.charCodeAt(end) === 39 && end - close < 5) end++;
      this.i = end;
      return t.slice(body, end - 3);
    }
    const close = t.indexOf("'", start + 1);
    if (close < 0) leave();
    const value = t.slice(start + 1, close);
    if (value.indexOf("\n") >= 0) leave();
    this.i = close + 1;
    return value;
  }
}

/** Index after a sticky pattern's match at `at`, or -1. */
function match(re: RegExp, t: string, at: number): number {
  re.lastIndex = at;
  return re.test(t) ? re.lastIndex : -1;
}

/** Decodes a basic string's escapes; leaves the fast path on one TOML does not define here. */
function decodeEscapes(raw: string): string {
  let bad = false;
  const out = raw.replace(ESCAPE, (all: string, simple: string | undefined, u4: string | undefined, u8: string | undefined) => {
    if (simple !== undefined) return SIMPLE_ESCAPES[simple] as string;
    const hex = u4 ?? u8;
    if (hex !== undefined) {
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) bad = true;
      return bad ? "" : String.fromCodePoint(cp);
    }
    // a line-ending backslash and the blanks after it (only multi-line strings hold newlines);
    // a lone backslash is an escape TOML does not define
    if (all.length > 1) return "";
    bad = true;
    return "";
  });
  if (bad) leave();
  return out;
}
