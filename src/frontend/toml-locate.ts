/**
 * Finds where TOML keys and string values sit in a file, which the TOML
 * library does not tell. A small line scanner: it tracks table headers,
 * key assignments and multi-line strings; it is only used on files that the
 * TOML parser already accepted, so it need not report syntax errors. Rule
 * files as they are written are read by the one-pass reader
 * (`toml-read.ts`, which gives these same positions); this serves the files
 * it leaves to smol-toml.
 */
import type { Span } from "../ir/nodes.js";

export interface LocatedString {
  /** The decoded string value. */
  readonly value: string;
  /** File offset of each value character, plus one past the end. */
  readonly offsets: Int32Array | null;
  /** File offset of the first value character when the value is a literal (no escapes): offsets are base + i. */
  readonly base: number;
  /** The span of the whole value, quotes included. */
  readonly span: Span;
}

export interface TomlLocations {
  /** Dotted key path -> span of the key (for table headers, the header). Array tables use the first occurrence. */
  readonly keys: Map<string, Span>;
  /** Dotted key path -> string value position, for string-valued keys. */
  readonly strings: Map<string, LocatedString>;
  /** Array-of-tables header path (`rule.filters`) -> the span of each `[[...]]` header, in order. */
  readonly arrayTables: Map<string, Span[]>;
}

function isBareKeyChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}

/** Parses a dotted key at `i`; returns its segments and the index after it. */
function readKey(t: string, i: number): { parts: string[]; end: number } | null {
  const parts: string[] = [];
  for (;;) {
    while (t[i] === " " || t[i] === "\t") i++;
    const c = t.charCodeAt(i);
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const q = t[i];
      let j = i + 1;
      let s = "";
      while (j < t.length && t[j] !== q && t[j] !== "\n") {
        if (q === '"' && t[j] === "\\") {
          s += t[j + 1] ?? "";
          j += 2;
          continue;
        }
        s += t[j];
        j++;
      }
      if (t[j] !== q) return null;
      parts.push(s);
      i = j + 1;
    } else if (isBareKeyChar(c)) {
      let j = i;
      while (j < t.length && isBareKeyChar(t.charCodeAt(j))) j++;
      parts.push(t.slice(i, j));
      i = j;
    } else return null;
    while (t[i] === " " || t[i] === "\t") i++;
    if (t[i] === ".") {
      i++;
      continue;
    }
    return { parts, end: i };
  }
}

const ESCAPES: Record<string, string> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\", e: "\x1b" };

/** Reads a TOML string starting at `i` (at its opening quote). Returns null if it is not a string. */
export function readTomlString(t: string, i: number): (LocatedString & { next: number }) | null {
  const start = i;
  const triple = (q: string) => t.startsWith(q + q + q, i);
  if (triple("'")) {
    i += 3;
    if (t[i] === "\r" && t[i + 1] === "\n") i += 2;
    else if (t[i] === "\n") i += 1;
    const close = t.indexOf("'''", i);
    if (close < 0) return null;
    let end = close;
    // up to two extra quotes belong to the content
    while (t[end + 3] === "'" && end - close < 2) end++;
    return { value: t.slice(i, end), offsets: null, base: i, span: { start, end: end + 3 }, next: end + 3 };
  }
  if (t[i] === "'") {
    const close = t.indexOf("'", i + 1);
    if (close < 0) return null;
    return { value: t.slice(i + 1, close), offsets: null, base: i + 1, span: { start, end: close + 1 }, next: close + 1 };
  }
  const multi = triple('"');
  if (!multi && t[i] !== '"') return null;
  {
    // fast path: no backslash before the end means no escapes; the value is a slice
    const end = skipTomlString(t, start);
    if (end < 0) return null;
    let body = start + (multi ? 3 : 1);
    if (multi) {
      if (t[body] === "\r" && t[body + 1] === "\n") body += 2;
      else if (t[body] === "\n") body += 1;
    }
    const bodyEnd = end - (multi ? 3 : 1);
    if (t.indexOf("\\", body) < 0 || t.indexOf("\\", body) >= bodyEnd) {
      return { value: t.slice(body, bodyEnd), offsets: null, base: body, span: { start, end }, next: end };
    }
  }
  i += multi ? 3 : 1;
  if (multi) {
    if (t[i] === "\r" && t[i + 1] === "\n") i += 2;
    else if (t[i] === "\n") i += 1;
  }
  let value = "";
  const offsets: number[] = [];
  let plain = true;
  const contentStart = i;
  for (;;) {
    if (i >= t.length) return null;
    if (multi ? t.startsWith('"""', i) : t[i] === '"') {
      if (multi) {
        // extra quotes (up to two) before the closing delimiter belong to the content
        let extra = 0;
        while (t[i + 3 + extra] === '"' && extra < 2) extra++;
        for (let k = 0; k < extra; k++) {
          offsets.push(i + k);
          value += '"';
        }
        const end = i + extra + 3;
        offsets.push(i + extra);
        return plain
          ? { value, offsets: null, base: contentStart, span: { start, end }, next: end }
          : { value, offsets: Int32Array.from(offsets), base: contentStart, span: { start, end }, next: end };
      }
      offsets.push(i);
      return plain
        ? { value, offsets: null, base: contentStart, span: { start, end: i + 1 }, next: i + 1 }
        : { value, offsets: Int32Array.from(offsets), base: contentStart, span: { start, end: i + 1 }, next: i + 1 };
    }
    const ch = t[i] as string;
    if (ch === "\\") {
      plain = false;
      const e = t[i + 1] ?? "";
      if (e in ESCAPES) {
        offsets.push(i);
        value += ESCAPES[e];
        i += 2;
      } else if (e === "u" || e === "U") {
        const n = e === "u" ? 4 : 8;
        const cp = parseInt(t.slice(i + 2, i + 2 + n), 16);
        const s = Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : "\ufffd";
        for (let k = 0; k < s.length; k++) offsets.push(i);
        value += s;
        i += 2 + n;
      } else if (multi && (e === "\n" || e === " " || e === "\t" || e === "\r")) {
        // line-ending backslash: trim the newline and following whitespace
        let j = i + 1;
        while (j < t.length && (t[j] === " " || t[j] === "\t" || t[j] === "\n" || t[j] === "\r")) j++;
        i = j;
      } else {
        offsets.push(i);
        value += e;
        i += 2;
      }
      continue;
    }
    offsets.push(i);
    value += ch;
    i++;
  }
}

/** The index just after the TOML string starting at `i`, or -1 if there is none. Builds nothing. */
export function skipTomlString(t: string, i: number): number {
  const q = t.charCodeAt(i);
  if (q !== 34 && q !== 39) return -1;
  const triple = t.charCodeAt(i + 1) === q && t.charCodeAt(i + 2) === q;
  if (q === 39) {
    if (triple) {
      const close = t.indexOf("\'\'\'", i + 3);
      if (close < 0) return -1;
      let end = close + 3;
      while (end < t.length && t.charCodeAt(end) === 39 && end - close < 5) end++;
      return end;
    }
    const close = t.indexOf("'", i + 1);
    return close < 0 ? -1 : close + 1;
  }
  // Jumps from quote to quote (indexOf) instead of reading every character: a
  // quote is escaped exactly when an odd run of backslashes precedes it (each
  // `\\` pair is one escape), and the run cannot reach back past the opening quote.
  const body = i + (triple ? 3 : 1);
  const n = t.length;
  const newline = triple ? n : t.indexOf("\n", body);
  let j = body;
  for (;;) {
    const q2 = t.indexOf('"', j);
    if (q2 < 0 || (!triple && newline >= 0 && newline < q2)) return -1;
    let k = q2;
    while (k > body && t.charCodeAt(k - 1) === 92) k--;
    if ((q2 - k) % 2 === 1) {
      j = q2 + 1;
      continue;
    }
    if (!triple) return q2 + 1;
    if (t.charCodeAt(q2 + 1) === 34 && t.charCodeAt(q2 + 2) === 34) {
      let end = q2 + 3;
      while (end < n && t.charCodeAt(end) === 34 && end - q2 < 5) end++;
      return end;
    }
    j = q2 + 1;
  }
}

/**
 * Scans the file for key positions, and for the values of the string keys in
 * `wanted` (decoded, with their offsets). Other strings are skipped without
 * being decoded.
 */
export function locateToml(t: string, wanted: ReadonlySet<string> | null = null): TomlLocations {
  const keys = new Map<string, Span>();
  const strings = new Map<string, LocatedString>();
  const arrayTables = new Map<string, Span[]>();
  let table: string[] = [];
  let i = 0;
  const n = t.length;
  while (i < n) {
    // at the start of a line
    while (i < n && (t[i] === " " || t[i] === "\t")) i++;
    const c = t[i];
    if (c === "[") {
      const arr = t[i + 1] === "[";
      const k = readKey(t, i + (arr ? 2 : 1));
      if (k) {
        table = k.parts;
        const path = table.join(".");
        const span = { start: i, end: k.end + (arr ? 2 : 1) };
        if (!keys.has(path)) keys.set(path, span);
        if (arr) {
          const list = arrayTables.get(path);
          if (list) list.push(span);
          else arrayTables.set(path, [span]);
        }
      }
      i = skipLine(t, i);
      continue;
    }
    if (c === "#" || c === "\n" || c === "\r" || c === undefined) {
      i = skipLine(t, i);
      continue;
    }
    const k = readKey(t, i);
    if (!k || t[k.end] !== "=") {
      i = skipLine(t, i);
      continue;
    }
    const path = [...table, ...k.parts].join(".");
    if (!keys.has(path)) keys.set(path, { start: i, end: k.end });
    let j = k.end + 1;
    while (t[j] === " " || t[j] === "\t") j++;
    if (wanted && !wanted.has(path)) {
      const next = skipTomlString(t, j);
      if (next >= 0) {
        i = skipLine(t, next);
        continue;
      }
    } else {
      const s = readTomlString(t, j);
      if (s) {
        if (!strings.has(path)) strings.set(path, { value: s.value, offsets: s.offsets, base: s.base, span: s.span });
        i = skipLine(t, s.next);
        continue;
      }
    }
    // arrays and inline tables may span lines and hold strings with brackets: skip them by scanning
    i = skipValue(t, j);
  }
  return { keys, strings, arrayTables };
}

function skipLine(t: string, i: number): number {
  const nl = t.indexOf("\n", i);
  return nl < 0 ? t.length : nl + 1;
}

/** Skips a non-string value (possibly a multi-line array) and the rest of its line. */
function skipValue(t: string, i: number): number {
  let depth = 0;
  while (i < t.length) {
    const c = t[i];
    if (c === '"' || c === "'") {
      const next = skipTomlString(t, i);
      if (next < 0) return skipLine(t, i);
      i = next;
      continue;
    }
    if (c === "#") {
      i = skipLine(t, i);
      if (depth === 0) return i;
      continue;
    }
    if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    else if (c === "\n" && depth <= 0) return i + 1;
    i++;
  }
  return i;
}
