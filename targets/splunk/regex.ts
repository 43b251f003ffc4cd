/**
 * Lucene regular expressions (what EQL `regex` takes) as PCRE (what SPL's
 * `match()` and `| regex` take).
 *
 * Lucene regexp syntax (Elasticsearch "Regular expression syntax"): the whole
 * value must match (implicitly anchored); `.` is any character, including a
 * line break; `? + * {n} {n,} {n,m}` quantify; `|` alternates; `( )` group;
 * `[ ]` classes with `^` negation and `-` ranges; `"..."` is a literal string;
 * `\` makes the next character literal, and `\d \s \w` (and upper-case
 * negations) are the predefined classes. `^` and `$` are NOT anchors. Of the
 * optional operators (on by default in Elasticsearch), `@` (any string)
 * becomes `.*`; `~` complement, `&` intersection, `<n-m>` numeric intervals
 * and `#` empty language have no PCRE counterpart that keeps the meaning in
 * every context, so they are reported, not guessed.
 */
import { pcreLiteral } from "./syntax.js";

export type RegexTranslation = { readonly ok: true; readonly pcre: string } | { readonly ok: false; readonly reason: string };

const CLASS_SHORTHANDS = new Set(["d", "D", "s", "S", "w", "W"]);

/** Escapes one character for use inside a PCRE character class. */
function classChar(c: string): string {
  return /[\\\]\[^-]/.test(c) ? `\\${c}` : c;
}

/** Translates the body of a Lucene regexp; the caller anchors it and adds flags. */
export function luceneToPcre(source: string): RegexTranslation {
  let out = "";
  let depth = 0;
  const chars = Array.from(source);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    switch (c) {
      case "\\": {
        const n = chars[i + 1];
        if (n === undefined) return { ok: false, reason: "the regular expression ends with a lone backslash" };
        out += CLASS_SHORTHANDS.has(n) ? `\\${n}` : pcreLiteral(n);
        i++;
        break;
      }
      case '"': {
        const end = chars.indexOf('"', i + 1);
        if (end < 0) return { ok: false, reason: "unterminated quoted literal in the regular expression" };
        out += pcreLiteral(chars.slice(i + 1, end).join(""));
        i = end;
        break;
      }
      case "[": {
        let j = i + 1;
        let cls = "[";
        if (chars[j] === "^") {
          cls += "^";
          j++;
        }
        const items: string[] = [];
        let closed = false;
        for (; j < chars.length; j++) {
          const d = chars[j] as string;
          if (d === "]" && items.length > 0) {
            closed = true;
            break;
          }
          if (d === "\\") {
            const n = chars[j + 1];
            if (n === undefined) return { ok: false, reason: "the regular expression ends inside a character class" };
            items.push(CLASS_SHORTHANDS.has(n) ? `\\${n}` : classChar(n));
            j++;
          } else if (d === "-" && items.length > 0 && chars[j + 1] !== undefined && chars[j + 1] !== "]") {
            items.push("-");
          } else {
            items.push(classChar(d));
          }
        }
        if (!closed) return { ok: false, reason: "unterminated character class in the regular expression" };
        out += cls + items.join("") + "]";
        i = j;
        break;
      }
      case "(":
        if (chars[i + 1] === "?") return { ok: false, reason: "`(?` has no meaning in Lucene regular expressions" };
        depth++;
        out += "(?:";
        break;
      case ")":
        if (depth === 0) return { ok: false, reason: "unbalanced `)` in the regular expression" };
        depth--;
        out += ")";
        break;
      case "{": {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(chars.slice(i).join(""));
        if (!m) return { ok: false, reason: "`{` must start a repetition `{n}`, `{n,}` or `{n,m}`" };
        out += m[0];
        i += m[0].length - 1;
        break;
      }
      case "|":
      case "*":
      case "+":
      case "?":
      case ".":
        out += c;
        break;
      case "@":
        // ANYSTRING: any run of characters (the whole-value `.` crosses line breaks here too).
        out += ".*";
        break;
      case "~":
      case "&":
      case "<":
      case "#":
        return { ok: false, reason: `the Lucene regexp operator \`${c}\` (optional syntax) has no PCRE counterpart` };
      default:
        out += pcreLiteral(c);
    }
  }
  if (depth !== 0) return { ok: false, reason: "unbalanced `(` in the regular expression" };
  return { ok: true, pcre: out };
}

/** A whole-value PCRE pattern for `match()`: `.` crosses line breaks as in Lucene; `\z` anchors the very end. */
export function anchoredPcre(body: string, caseInsensitive: boolean): string {
  return `(?s${caseInsensitive ? "i" : ""})^(?:${body})\\z`;
}
