/**
 * The EQL lexer: query text -> a flat token array.
 *
 * Follows Elasticsearch's EqlBase.g4 (8.x/9.x) token rules:
 * - keywords are lowercase literals (`and any by false in in~ join like like~
 *   maxspan not null of or regex regex~ sample sequence true until where with`);
 * - IDENTIFIER is `[A-Za-z_@][A-Za-z0-9_]*`; an identifier directly followed by
 *   `~` is a TILDE_IDENTIFIER (function names such as `startsWith~`);
 * - `` `quoted names` `` escape a backquote by doubling it;
 * - strings: `"..."` with `\b \t \n \f \r \" \' \\ \u{XXXX}` escapes, and raw
 *   `"""..."""` (no escapes; one or two extra trailing quotes belong to the content);
 * - `'...'`, `?"..."` and `?'...'` are lexed so that they can be rejected with a
 *   clear message (Elasticsearch rejects them);
 * - `//` line comments and nested `/* *\/` block comments are skipped.
 *
 * It is charCode-based: no regular expression and no substring per token. The
 * token arrays are reused between calls (grown on demand), so a parse
 * allocates only what the IR needs. Problems are reported through `report`
 * with query offsets; the lexer never throws on bad input.
 */

// Token kinds. Plain numeric constants (no enum): the parser switches on them.
export const T_EOF = 0;
export const T_IDENT = 1;
export const T_TILDE_IDENT = 2;
export const T_QUOTED_IDENT = 3;
export const T_STRING = 4;
export const T_RAW_STRING = 5;
/** `'...'`, `?"..."`, `?'...'`: rejected, but kept as a string so parsing goes on. */
export const T_BAD_STRING = 6;
export const T_INTEGER = 7;
export const T_DECIMAL = 8;
// keywords
export const T_AND = 10;
export const T_ANY = 11;
export const T_BY = 12;
export const T_FALSE = 13;
export const T_IN = 14;
export const T_IN_I = 15;
export const T_JOIN = 16;
export const T_LIKE = 17;
export const T_LIKE_I = 18;
export const T_MAXSPAN = 19;
export const T_NOT = 20;
export const T_NULL = 21;
export const T_OF = 22;
export const T_OR = 23;
export const T_REGEX = 24;
export const T_REGEX_I = 25;
export const T_SAMPLE = 26;
export const T_SEQUENCE = 27;
export const T_TRUE = 28;
export const T_UNTIL = 29;
export const T_WHERE = 30;
export const T_WITH = 31;
// punctuation and operators
export const T_SEQ = 40; // :
export const T_ASGN = 41; // =
export const T_EQ = 42; // ==
export const T_NEQ = 43; // !=
export const T_LT = 44;
export const T_LTE = 45;
export const T_GT = 46;
export const T_GTE = 47;
export const T_PLUS = 48;
export const T_MINUS = 49;
export const T_STAR = 50;
export const T_SLASH = 51;
export const T_PERCENT = 52;
export const T_DOT = 53;
export const T_COMMA = 54;
export const T_LB = 55;
export const T_RB = 56;
export const T_LP = 57;
export const T_RP = 58;
export const T_PIPE = 59;
export const T_OPTIONAL = 60; // ?
export const T_MISSING_OPEN = 61; // ![
/** A run of characters that start no token; already reported. */
export const T_ERROR = 62;

/** How each token kind is named in messages ("expected X, found Y"). */
export const TOKEN_NAMES: readonly string[] = (() => {
  const n: string[] = [];
  n[T_EOF] = "the end of the query";
  n[T_IDENT] = "a name";
  n[T_TILDE_IDENT] = "a function name with `~`";
  n[T_QUOTED_IDENT] = "a backquoted name";
  n[T_STRING] = "a string";
  n[T_RAW_STRING] = "a raw string";
  n[T_BAD_STRING] = "a string";
  n[T_INTEGER] = "a number";
  n[T_DECIMAL] = "a number";
  for (const [k, v] of Object.entries(KEYWORDS_BY_TEXT())) n[v] = `\`${k}\``;
  n[T_SEQ] = "`:`";
  n[T_ASGN] = "`=`";
  n[T_EQ] = "`==`";
  n[T_NEQ] = "`!=`";
  n[T_LT] = "`<`";
  n[T_LTE] = "`<=`";
  n[T_GT] = "`>`";
  n[T_GTE] = "`>=`";
  n[T_PLUS] = "`+`";
  n[T_MINUS] = "`-`";
  n[T_STAR] = "`*`";
  n[T_SLASH] = "`/`";
  n[T_PERCENT] = "`%`";
  n[T_DOT] = "`.`";
  n[T_COMMA] = "`,`";
  n[T_LB] = "`[`";
  n[T_RB] = "`]`";
  n[T_LP] = "`(`";
  n[T_RP] = "`)`";
  n[T_PIPE] = "`|`";
  n[T_OPTIONAL] = "`?`";
  n[T_MISSING_OPEN] = "`![`";
  n[T_ERROR] = "an unrecognised character";
  return n;
})();

function KEYWORDS_BY_TEXT(): Record<string, number> {
  return {
    and: T_AND,
    any: T_ANY,
    by: T_BY,
    false: T_FALSE,
    in: T_IN,
    "in~": T_IN_I,
    join: T_JOIN,
    like: T_LIKE,
    "like~": T_LIKE_I,
    maxspan: T_MAXSPAN,
    not: T_NOT,
    null: T_NULL,
    of: T_OF,
    or: T_OR,
    regex: T_REGEX,
    "regex~": T_REGEX_I,
    sample: T_SAMPLE,
    sequence: T_SEQUENCE,
    true: T_TRUE,
    until: T_UNTIL,
    where: T_WHERE,
    with: T_WITH,
  };
}

/** The reserved words of EQL, as written (lowercase). */
export const KEYWORDS: ReadonlySet<string> = new Set(Object.keys(KEYWORDS_BY_TEXT()).filter((k) => !k.endsWith("~")));

export function isKeywordToken(kind: number): boolean {
  return kind >= T_AND && kind <= T_WITH;
}

/** Token flag: a `"..."` string that contains at least one backslash escape. */
export const F_ESCAPES = 1;
/** Token flag: a `"..."` string with an escape other than `\\\\` (so decoding needs the general path). */
export const F_OTHER_ESCAPES = 4;
/** Token flag: a string or backquoted name without its closing quote (already reported). */
export const F_UNTERMINATED = 2;

export interface Tokens {
  /** Number of tokens, the final T_EOF included. */
  count: number;
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  flags: Uint8Array;
}

export type LexReport = (code: string, message: string, start: number, end: number) => void;

// Character classes for ASCII.
const C_IDSTART = 1;
const C_IDPART = 2;
const C_DIGIT = 4;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  const digit = c >= 48 && c <= 57;
  CLASS[c] = (letter || c === 95 || c === 64 ? C_IDSTART : 0) | (letter || digit || c === 95 ? C_IDPART : 0) | (digit ? C_DIGIT : 0);
}

function isIdPart(c: number): boolean {
  return c < 128 && (CLASS[c]! & C_IDPART) !== 0;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

let shared: Tokens = { count: 0, kind: new Uint8Array(256), start: new Int32Array(256), end: new Int32Array(256), flags: new Uint8Array(256) };

function grow(t: Tokens): void {
  const size = t.kind.length * 2;
  const kind = new Uint8Array(size);
  kind.set(t.kind);
  const start = new Int32Array(size);
  start.set(t.start);
  const end = new Int32Array(size);
  end.set(t.end);
  const flags = new Uint8Array(size);
  flags.set(t.flags);
  t.kind = kind;
  t.start = start;
  t.end = end;
  t.flags = flags;
}

/** Recognises a keyword in text[s, e); returns its token kind or T_IDENT. */
function keywordKind(text: string, s: number, e: number): number {
  const len = e - s;
  const c = text.charCodeAt(s);
  switch (len) {
    case 2:
      if (c === 98 /* b */ && text.charCodeAt(s + 1) === 121) return T_BY;
      if (c === 105 /* i */ && text.charCodeAt(s + 1) === 110) return T_IN;
      if (c === 111 /* o */) {
        const d = text.charCodeAt(s + 1);
        if (d === 114) return T_OR;
        if (d === 102) return T_OF;
      }
      return T_IDENT;
    case 3:
      if (c === 97 /* a */) {
        if (text.startsWith("and", s)) return T_AND;
        if (text.startsWith("any", s)) return T_ANY;
      } else if (c === 110 /* n */) {
        if (text.startsWith("not", s)) return T_NOT;
      }
      return T_IDENT;
    case 4:
      switch (c) {
        case 106:
          return text.startsWith("join", s) ? T_JOIN : T_IDENT;
        case 108:
          return text.startsWith("like", s) ? T_LIKE : T_IDENT;
        case 110:
          return text.startsWith("null", s) ? T_NULL : T_IDENT;
        case 116:
          return text.startsWith("true", s) ? T_TRUE : T_IDENT;
        case 119:
          return text.startsWith("with", s) ? T_WITH : T_IDENT;
      }
      return T_IDENT;
    case 5:
      switch (c) {
        case 102:
          return text.startsWith("false", s) ? T_FALSE : T_IDENT;
        case 114:
          return text.startsWith("regex", s) ? T_REGEX : T_IDENT;
        case 117:
          return text.startsWith("until", s) ? T_UNTIL : T_IDENT;
        case 119:
          return text.startsWith("where", s) ? T_WHERE : T_IDENT;
      }
      return T_IDENT;
    case 6:
      return c === 115 && text.startsWith("sample", s) ? T_SAMPLE : T_IDENT;
    case 7:
      return c === 109 && text.startsWith("maxspan", s) ? T_MAXSPAN : T_IDENT;
    case 8:
      return c === 115 && text.startsWith("sequence", s) ? T_SEQUENCE : T_IDENT;
  }
  return T_IDENT;
}

/**
 * Lexes `text`. The returned arrays are shared and overwritten by the next
 * call: read them before lexing again.
 */
export function lex(text: string, report: LexReport): Tokens {
  const t = shared;
  const n = text.length;
  // Token arrays grow on demand (a huge query of comments must not reserve a slot per character).
  let kinds = t.kind;
  let starts = t.start;
  let ends = t.end;
  let flagsOut = t.flags;
  let count = 0;
  let i = 0;
  // Cached positions of the next backslash / line break (for the string fast path).
  let nextBackslash = -1;
  let nextLf = -1;
  let nextCr = -1;
  let nextOpen = -1; // next `/*`, for nested block comments

  const push = (kind: number, s: number, e: number, flags: number): void => {
    if (count === kinds.length) {
      grow(t);
      kinds = t.kind;
      starts = t.start;
      ends = t.end;
      flagsOut = t.flags;
    }
    kinds[count] = kind;
    starts[count] = s;
    ends[count] = e;
    flagsOut[count] = flags;
    count++;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    // whitespace: [ \r\n\t]
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      i++;
      continue;
    }
    const s = i;
    if (c < 128 && (CLASS[c]! & C_IDSTART) !== 0) {
      i++;
      while (i < n && isIdPart(text.charCodeAt(i))) i++;
      let kind = keywordKind(text, s, i);
      if (i < n && text.charCodeAt(i) === 126 /* ~ */) {
        if (kind === T_IN) kind = T_IN_I;
        else if (kind === T_LIKE) kind = T_LIKE_I;
        else if (kind === T_REGEX) kind = T_REGEX_I;
        else if (kind === T_IDENT) kind = T_TILDE_IDENT;
        else {
          push(kind, s, i, 0);
          continue; // the `~` is reported as an unrecognised character next
        }
        i++;
      }
      push(kind, s, i, 0);
      continue;
    }
    if (isDigit(c) || (c === 46 /* . */ && i + 1 < n && isDigit(text.charCodeAt(i + 1)))) {
      let decimal = false;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      if (i < n && text.charCodeAt(i) === 46) {
        decimal = true;
        i++;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
      }
      const e = text.charCodeAt(i);
      if (e === 101 || e === 69) {
        let j = i + 1;
        const sign = text.charCodeAt(j);
        if (sign === 43 || sign === 45) j++;
        if (j < n && isDigit(text.charCodeAt(j))) {
          while (j < n && isDigit(text.charCodeAt(j))) j++;
          i = j;
          decimal = true;
        }
      }
      push(decimal ? T_DECIMAL : T_INTEGER, s, i, 0);
      continue;
    }
    switch (c) {
      case 34 /* " */: {
        if (text.charCodeAt(i + 1) === 34 && text.charCodeAt(i + 2) === 34) {
          // raw string """...""" (one or two extra closing quotes are content)
          const close = text.indexOf('"""', i + 3);
          if (close < 0) {
            report("EQL002", 'unterminated raw string: expected `"""` before the end of the query', s, n);
            i = n;
            push(T_RAW_STRING, s, n, 0);
            continue;
          }
          let e = close + 3;
          if (text.charCodeAt(e) === 34) e++;
          if (text.charCodeAt(e) === 34) e++;
          for (let k = s + 3; k < e - 3; k++) {
            const ch = text.charCodeAt(k);
            if (ch === 10 || ch === 13) {
              report("EQL002", "a raw string cannot span lines", s, e);
              break;
            }
          }
          i = e;
          push(T_RAW_STRING, s, i, 0);
          continue;
        }
        i++;
        let flags = 0;
        let closed = false;
        // Fast path: jump to the next quote; the string is simple if no backslash
        // or line break comes before it (their next positions are cached).
        const quote = text.indexOf('"', i);
        if (nextBackslash < i) nextBackslash = indexOrEnd(text, "\\", i);
        if (nextLf < i) nextLf = indexOrEnd(text, "\n", i);
        if (nextCr < i) nextCr = indexOrEnd(text, "\r", i);
        if (quote >= 0 && quote < nextBackslash && quote < nextLf && quote < nextCr) {
          i = quote + 1;
          push(T_STRING, s, i, 0);
          continue;
        }
        while (i < n) {
          const ch = text.charCodeAt(i);
          if (ch === 34) {
            i++;
            closed = true;
            break;
          }
          if (ch === 10 || ch === 13) break;
          if (ch === 92 /* \ */) {
            flags |= text.charCodeAt(i + 1) === 92 ? F_ESCAPES : F_ESCAPES | F_OTHER_ESCAPES;
            i = checkEscape(text, i, report);
            continue;
          }
          i++;
        }
        if (!closed) report("EQL002", 'unterminated string: expected a closing `"` before the end of the line', s, i);
        push(T_STRING, s, i, flags | (closed ? 0 : F_UNTERMINATED));
        continue;
      }
      case 39 /* ' */:
      case 63 /* ? */: {
        let q: number = c;
        if (c === 63) {
          const d = text.charCodeAt(i + 1);
          if (d !== 34 && d !== 39) {
            i++;
            push(T_OPTIONAL, s, i, 0);
            continue;
          }
          q = d;
          i++;
        }
        i++;
        while (i < n) {
          const ch = text.charCodeAt(i);
          if (ch === q) {
            i++;
            break;
          }
          if (ch === 10 || ch === 13) break;
          if (ch === 92 && i + 1 < n) i++;
          i++;
        }
        if (c === 39) report("EQL004", "single-quoted strings are not supported by Elasticsearch EQL: use double quotes (\"...\")", s, i);
        else report("EQL005", '`?"..."` raw strings are not supported by Elasticsearch EQL: use triple double quotes ("""...""")', s, i);
        push(T_BAD_STRING, s, i, 0);
        continue;
      }
      case 96 /* ` */: {
        i++;
        let closed = false;
        while (i < n) {
          if (text.charCodeAt(i) === 96) {
            if (text.charCodeAt(i + 1) === 96) {
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          i++;
        }
        if (!closed) report("EQL008", "unterminated backquoted name: expected a closing backquote", s, i);
        push(T_QUOTED_IDENT, s, i, closed ? 0 : F_UNTERMINATED);
        continue;
      }
      case 47 /* / */: {
        const d = text.charCodeAt(i + 1);
        if (d === 47) {
          // line comment: up to the next line break
          if (nextLf < i) nextLf = indexOrEnd(text, "\n", i);
          if (nextCr < i) nextCr = indexOrEnd(text, "\r", i);
          i = Math.min(nextLf, nextCr);
          continue;
        }
        if (d === 42) {
          // block comment, nested: jump between `/*` and `*/` with indexOf
          let depth = 1;
          i += 2;
          while (depth > 0) {
            const close = text.indexOf("*/", i);
            if (close < 0) {
              i = n;
              break;
            }
            if (nextOpen < i) nextOpen = indexOrEnd(text, "/*", i);
            if (nextOpen < close) {
              depth++;
              i = nextOpen + 2;
            } else {
              depth--;
              i = close + 2;
            }
          }
          if (depth > 0) report("EQL006", "unterminated comment: expected `*/`", s, Math.min(n, s + 2));
          continue;
        }
        i++;
        push(T_SLASH, s, i, 0);
        continue;
      }
      case 33 /* ! */: {
        const d = text.charCodeAt(i + 1);
        if (d === 61) {
          i += 2;
          push(T_NEQ, s, i, 0);
          continue;
        }
        if (d === 91) {
          i += 2;
          push(T_MISSING_OPEN, s, i, 0);
          continue;
        }
        i++;
        report("EQL007", "unexpected `!`: write `!=` for inequality, `not` for negation, or `![` for a missing event", s, i);
        push(T_ERROR, s, i, 0);
        continue;
      }
      case 61 /* = */:
        if (text.charCodeAt(i + 1) === 61) {
          i += 2;
          push(T_EQ, s, i, 0);
        } else {
          i++;
          push(T_ASGN, s, i, 0);
        }
        continue;
      case 60 /* < */:
        if (text.charCodeAt(i + 1) === 61) {
          i += 2;
          push(T_LTE, s, i, 0);
        } else {
          i++;
          push(T_LT, s, i, 0);
        }
        continue;
      case 62 /* > */:
        if (text.charCodeAt(i + 1) === 61) {
          i += 2;
          push(T_GTE, s, i, 0);
        } else {
          i++;
          push(T_GT, s, i, 0);
        }
        continue;
      case 58:
        i++;
        push(T_SEQ, s, i, 0);
        continue;
      case 43:
        i++;
        push(T_PLUS, s, i, 0);
        continue;
      case 45:
        i++;
        push(T_MINUS, s, i, 0);
        continue;
      case 42:
        i++;
        push(T_STAR, s, i, 0);
        continue;
      case 37:
        i++;
        push(T_PERCENT, s, i, 0);
        continue;
      case 46:
        i++;
        push(T_DOT, s, i, 0);
        continue;
      case 44:
        i++;
        push(T_COMMA, s, i, 0);
        continue;
      case 91:
        i++;
        push(T_LB, s, i, 0);
        continue;
      case 93:
        i++;
        push(T_RB, s, i, 0);
        continue;
      case 40:
        i++;
        push(T_LP, s, i, 0);
        continue;
      case 41:
        i++;
        push(T_RP, s, i, 0);
        continue;
      case 124:
        i++;
        push(T_PIPE, s, i, 0);
        continue;
    }
    // Unrecognised: swallow the run of characters that start no token.
    i++;
    while (i < n && !startsToken(text.charCodeAt(i))) i++;
    const what = i - s === 1 ? `character ${describeChar(text, s)}` : `characters \`${text.slice(s, Math.min(i, s + 20))}\``;
    report("EQL007", `unexpected ${what}: it starts no EQL token`, s, i);
    push(T_ERROR, s, i, 0);
  }
  push(T_EOF, n, n, 0);
  t.count = count;
  return t;
}

function indexOrEnd(text: string, needle: string, from: number): number {
  const i = text.indexOf(needle, from);
  return i < 0 ? text.length : i;
}

function startsToken(c: number): boolean {
  if (c < 128 && CLASS[c]! !== 0) return true;
  switch (c) {
    case 32: case 9: case 10: case 13: case 34: case 39: case 63: case 96: case 47: case 33: case 61: case 60: case 62:
    case 58: case 43: case 45: case 42: case 37: case 46: case 44: case 91: case 93: case 40: case 41: case 124:
      return true;
  }
  return false;
}

function describeChar(text: string, i: number): string {
  const cp = text.codePointAt(i) ?? 0;
  const hex = cp.toString(16).toUpperCase().padStart(4, "0");
  if (cp < 32 || cp === 127) return `U+${hex}`;
  return `\`${String.fromCodePoint(cp)}\` (U+${hex})`;
}

/** Checks the escape at text[i] === '\\'; returns the index after it. Reports invalid escapes. */
function checkEscape(text: string, i: number, report: LexReport): number {
  const d = text.charCodeAt(i + 1);
  switch (d) {
    case 98: case 116: case 110: case 102: case 114: case 34: case 39: case 92:
      return i + 2;
    case 117 /* u */: {
      if (text.charCodeAt(i + 2) !== 123 /* { */) {
        report("EQL003", "invalid unicode escape: write `\\u{XXXX}` with 2 to 8 hex digits in braces", i, i + 2);
        return i + 2;
      }
      let j = i + 3;
      while (j < text.length && isHex(text.charCodeAt(j))) j++;
      const digits = j - (i + 3);
      if (text.charCodeAt(j) !== 125 /* } */ || digits < 2 || digits > 8) {
        report("EQL003", "invalid unicode escape: write `\\u{XXXX}` with 2 to 8 hex digits in braces", i, Math.min(j + 1, text.length));
        return text.charCodeAt(j) === 125 ? j + 1 : j;
      }
      const cp = parseInt(text.slice(i + 3, j), 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        report("EQL003", `invalid unicode escape: U+${cp.toString(16).toUpperCase()} is not a valid code point`, i, j + 1);
      }
      return j + 1;
    }
    default: {
      if (i + 1 >= text.length || d === 10 || d === 13) {
        report("EQL003", "a backslash at the end of a string must be escaped: write `\\\\`", i, i + 1);
        return i + 1;
      }
      const shown = String.fromCodePoint(text.codePointAt(i + 1) ?? d);
      report("EQL003", `invalid escape sequence \`\\${shown}\`: EQL strings accept \\b \\t \\n \\f \\r \\" \\' \\\\ and \\u{XXXX}; write \`\\\\\` for a backslash`, i, i + 1 + shown.length);
      return i + 1 + shown.length;
    }
  }
}

/**
 * The value of a `"..."` string token text[s, e) (quotes included), with
 * escapes decoded. Invalid escapes (already reported) are kept verbatim.
 */
export function decodeString(text: string, s: number, e: number, flags: number): string {
  const closed = (flags & F_UNTERMINATED) === 0;
  const from = s + 1;
  const to = closed ? e - 1 : e;
  if ((flags & F_ESCAPES) === 0) return text.slice(from, to);
  // Only `\\` escapes (Windows paths, the common case): every backslash starts a pair.
  if ((flags & F_OTHER_ESCAPES) === 0) return text.slice(from, to).replaceAll("\\\\", "\\");
  let out = "";
  let run = from;
  let i = from;
  while (i < to) {
    if (text.charCodeAt(i) !== 92) {
      i++;
      continue;
    }
    out += text.slice(run, i);
    const d = text.charCodeAt(i + 1);
    let next = i + 2;
    switch (d) {
      case 98: out += "\b"; break;
      case 116: out += "\t"; break;
      case 110: out += "\n"; break;
      case 102: out += "\f"; break;
      case 114: out += "\r"; break;
      case 34: out += '"'; break;
      case 39: out += "'"; break;
      case 92: out += "\\"; break;
      case 117: {
        let j = i + 3;
        while (j < to && isHex(text.charCodeAt(j))) j++;
        const digits = j - (i + 3);
        const cp = digits > 0 && digits <= 8 ? parseInt(text.slice(i + 3, j), 16) : -1;
        if (text.charCodeAt(i + 2) === 123 && text.charCodeAt(j) === 125 && digits >= 2 && cp >= 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
          out += String.fromCodePoint(cp);
          next = j + 1;
        } else {
          out += "\\u";
        }
        break;
      }
      default:
        // invalid escape (reported): keep the backslash, continue after it
        out += "\\";
        next = i + 1;
    }
    i = next;
    run = i;
  }
  return out + text.slice(run, to);
}

/** The value of a raw `"""..."""` token (or an unterminated one). */
export function decodeRawString(text: string, s: number, e: number): string {
  if (e - s >= 6 && text.startsWith('"""', e - 3)) return text.slice(s + 3, e - 3);
  return text.slice(s + 3, e);
}

/** The value of a rejected `'...'` / `?"..."` string, decoded leniently (for recovery only). */
export function decodeBadString(text: string, s: number, e: number): string {
  const from = text.charCodeAt(s) === 63 ? s + 2 : s + 1;
  const q = text.charCodeAt(from - 1);
  const to = e > from && text.charCodeAt(e - 1) === q ? e - 1 : e;
  return text.slice(from, Math.max(from, to));
}

/** The name of a backquoted identifier token (backquotes removed, doubled backquotes undone). */
export function decodeQuotedIdent(text: string, s: number, e: number, flags: number): string {
  const closed = (flags & F_UNTERMINATED) === 0;
  const inner = text.slice(s + 1, closed ? e - 1 : e);
  return inner.indexOf("``") >= 0 ? inner.replaceAll("``", "`") : inner;
}
