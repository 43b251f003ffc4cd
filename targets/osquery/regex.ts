/**
 * Lucene regexp (what EQL `regex`/`regex~` and Elasticsearch use) -> an
 * ECMAScript pattern for osquery's `regex_match` (C++ std::regex, ECMAScript
 * grammar, searched with std::regex_search, so the result is anchored here).
 *
 * Lucene facts (Elasticsearch "Regular expression syntax"): the whole value must
 * match; `.` is any character (newlines included); `^` and `$` are ordinary
 * characters; `"..."` quotes a literal string; `\c` makes any `c` literal
 * (`\d \s \w` and capitals are classes); `# @ & ~ < >` are operators when the
 * optional flags are on (Elasticsearch's default `ALL`): `@` (any string) is
 * translated, the others are reported rather than guessed. `\s` is
 * `[ \t\n\r]` and `\w` `[a-zA-Z_0-9]`; `\` before another ASCII letter is an
 * error in Lucene. Case-insensitive matching folds ASCII letters only, in
 * Lucene as here.
 *
 * osquery's std::regex<char> sees the UTF-8 bytes of a value: a non-ASCII
 * literal is grouped so a repeat applies to all its bytes; a non-ASCII
 * character inside a class cannot be expressed; a `.` or negated class matches
 * one byte, which only differs from Lucene on non-ASCII values (`byteWise`).
 */

export type RegexResult =
  | {
      readonly ok: true;
      readonly pattern: string;
      readonly nonAsciiLetters: boolean;
      /** A `.` or negated class that is not repeated with `*`/`+`: std::regex matches one BYTE there, Lucene one character. */
      readonly byteWise: boolean;
    }
  | { readonly ok: false; readonly message: string };

const ECMA_SPECIAL = new Set([..."^$\\.*+?()[]{}|"]);
const CLASS_SPECIAL = new Set([..."\\]^-["]);
const OPTIONAL_OPERATORS = new Set([..."#&~<>"]);
const SHORTHAND = new Set([..."dDsSwW"]);
/** Lucene's predefined classes (`\s` has no \v or \f there). */
const SHORTHAND_OUT: Record<string, string> = { d: "[0-9]", D: "[^0-9]", s: "[ \\t\\n\\r]", S: "[^ \\t\\n\\r]", w: "[a-zA-Z_0-9]", W: "[^a-zA-Z_0-9]" };
const SHORTHAND_IN_CLASS: Record<string, string> = { d: "0-9", s: " \\t\\n\\r", w: "a-zA-Z_0-9" };

function isCased(c: string): boolean {
  return c.toLowerCase() !== c.toUpperCase();
}
function isAsciiLetter(c: string): boolean {
  return /^[A-Za-z]$/.test(c);
}

function literal(c: string, fold: boolean): string {
  if (fold && isAsciiLetter(c)) return `[${c.toLowerCase()}${c.toUpperCase()}]`;
  if (c.codePointAt(0) as number > 127) return `(?:${c})`;
  if (ECMA_SPECIAL.has(c)) return `\\${c}`;
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  if (c === "\t") return "\\t";
  return c;
}

function classChar(c: string): string {
  if (CLASS_SPECIAL.has(c)) return `\\${c}`;
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  if (c === "\t") return "\\t";
  return c;
}

/** Adds the other-case counterparts of the ASCII letters in [lo, hi]. */
function foldRange(lo: number, hi: number): string {
  let extra = "";
  const add = (from: number, to: number, delta: number) => {
    const a = Math.max(lo, from);
    const b = Math.min(hi, to);
    if (a > b) return;
    extra += a === b ? classChar(String.fromCharCode(a + delta)) : `${classChar(String.fromCharCode(a + delta))}-${classChar(String.fromCharCode(b + delta))}`;
  };
  add(97, 122, -32); // a-z -> A-Z
  add(65, 90, 32); // A-Z -> a-z
  return extra;
}

/** Translates a Lucene regexp; `caseInsensitive` folds ASCII letters (std::regex has no inline flag). */
export function luceneToEcmascript(source: string, caseInsensitive: boolean): RegexResult {
  const chars = [...source];
  let i = 0;
  let out = "";
  let nonAscii = false;
  let depth = 0;
  let byteWise = false;
  /** An atom matching one byte of std::regex (any char, negated class): exact only when repeated with * or +. */
  const markByteAtom = (next: number) => {
    const q = chars[next];
    if (q !== "*" && q !== "+") byteWise = true;
  };
  const note = (c: string) => {
    if (caseInsensitive && !isAsciiLetter(c) && isCased(c)) nonAscii = true;
  };
  while (i < chars.length) {
    const c = chars[i] as string;
    if (c === "\\") {
      const n = chars[i + 1];
      if (n === undefined) return { ok: false, message: "a trailing backslash in the regular expression" };
      if (SHORTHAND.has(n)) {
        out += SHORTHAND_OUT[n];
        if (n === "D" || n === "S" || n === "W") markByteAtom(i + 2);
      } else if (isAsciiLetter(n)) return { ok: false, message: `\\${n} is not a Lucene escape (only \\d \\D \\s \\S \\w \\W are)` };
      else {
        note(n);
        out += literal(n, caseInsensitive);
      }
      i += 2;
      continue;
    }
    if (c === '"') {
      const end = chars.indexOf('"', i + 1);
      if (end < 0) return { ok: false, message: "an unterminated quoted string in the regular expression" };
      for (const q of chars.slice(i + 1, end)) {
        note(q);
        out += literal(q, caseInsensitive);
      }
      i = end + 1;
      continue;
    }
    if (c === "[") {
      const r = translateClass(chars, i, caseInsensitive);
      if (!r.ok) return r;
      if (r.nonAscii) nonAscii = true;
      out += r.text;
      if (r.text.startsWith("[^")) markByteAtom(r.next);
      i = r.next;
      continue;
    }
    if (c === "(") {
      depth++;
      out += "(?:";
      i++;
      continue;
    }
    if (c === ")") {
      if (depth === 0) return { ok: false, message: "an unbalanced `)` in the regular expression" };
      depth--;
      out += ")";
      i++;
      continue;
    }
    if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(chars.slice(i).join(""));
      if (!m) return { ok: false, message: "a `{` that is not a repetition `{n}`, `{n,}` or `{n,m}`" };
      out += m[0];
      i += [...m[0]].length;
      continue;
    }
    if (c === ".") {
      out += "[\\s\\S]";
      markByteAtom(i + 1);
      i++;
      continue;
    }
    if (c === "@") {
      out += "[\\s\\S]*";
      i++;
      continue;
    }
    if (c === "*" || c === "+" || c === "?" || c === "|") {
      out += c;
      i++;
      continue;
    }
    if (OPTIONAL_OPERATORS.has(c)) {
      return { ok: false, message: `\`${c}\` is an operator of Lucene's optional regexp syntax (complement, intersection, numeric interval, any string, empty language); it has no std::regex counterpart` };
    }
    note(c);
    out += literal(c, caseInsensitive);
    i++;
  }
  if (depth !== 0) return { ok: false, message: "an unbalanced `(` in the regular expression" };
  return { ok: true, pattern: `^(?:${out})$`, nonAsciiLetters: nonAscii, byteWise };
}

function translateClass(chars: readonly string[], start: number, fold: boolean): { ok: true; text: string; next: number; nonAscii: boolean } | { ok: false; message: string } {
  let i = start + 1;
  let negated = false;
  if (chars[i] === "^") {
    negated = true;
    i++;
  }
  let body = "";
  let extra = "";
  let nonAscii = false;
  let first = true;
  const readChar = (): { c: string; shorthand: boolean; escaped: boolean } | null => {
    const c = chars[i];
    if (c === undefined) return null;
    if (c === "\\") {
      const n = chars[i + 1];
      if (n === undefined) return null;
      i += 2;
      return { c: n, shorthand: SHORTHAND.has(n), escaped: true };
    }
    i++;
    return { c, shorthand: false, escaped: false };
  };
  for (;;) {
    const c = chars[i];
    if (c === undefined) return { ok: false, message: "an unterminated `[` class in the regular expression" };
    if (c === "]" && !first) {
      i++;
      break;
    }
    first = false;
    const a = readChar();
    if (!a) return { ok: false, message: "an unterminated `[` class in the regular expression" };
    if (a.shorthand) {
      const inClass = SHORTHAND_IN_CLASS[a.c];
      if (inClass === undefined) return { ok: false, message: `\\${a.c} inside a class has no std::regex counterpart here` };
      body += inClass;
      continue;
    }
    if (a.escaped && isAsciiLetter(a.c)) return { ok: false, message: `\\${a.c} is not a Lucene escape` };
    if ((a.c.codePointAt(0) as number) > 127) return { ok: false, message: `the non-ASCII character \`${a.c}\` in a class: osquery's std::regex compares bytes of UTF-8, so a class cannot hold it` };
    if (chars[i] === "-" && chars[i + 1] !== undefined && chars[i + 1] !== "]") {
      i++;
      const b = readChar();
      if (!b || b.shorthand) return { ok: false, message: "a class range with a shorthand class as its end" };
      const lo = a.c.codePointAt(0) as number;
      const hi = b.c.codePointAt(0) as number;
      if (hi > 127) return { ok: false, message: `the class range \`${a.c}-${b.c}\` reaches non-ASCII characters: osquery's std::regex compares bytes of UTF-8` };
      if (lo > hi) return { ok: false, message: `the class range \`${a.c}-${b.c}\` is out of order` };
      body += `${classChar(a.c)}-${classChar(b.c)}`;
      if (fold) {
        extra += foldRange(lo, hi);
        if (hi > 127 && [...Array(Math.min(hi, 0x24f) - Math.max(lo, 128) + 1).keys()].some((k) => isCased(String.fromCodePoint(Math.max(lo, 128) + k)))) nonAscii = true;
      }
      continue;
    }
    body += classChar(a.c);
    if (fold) {
      if (isAsciiLetter(a.c)) extra += a.c === a.c.toLowerCase() ? a.c.toUpperCase() : a.c.toLowerCase();
      else if (isCased(a.c)) nonAscii = true;
    }
  }
  return { ok: true, text: `[${negated ? "^" : ""}${body}${extra}]`, next: i, nonAscii };
}
