/**
 * A small SPL lint: no offline SPL parser exists, so the tests (and the
 * conformance run) check every emitted search with Splunk's lexical rules.
 *
 * It tokenises with SPL's quoting (double-quoted strings with `\\` and `\"`,
 * single-quoted field names, backquoted macros, triple-backquote comments) and
 * reports: unbalanced quotes (including the classic `"C:\Windows\"`, where the
 * last `\"` escapes the quote), unbalanced or crossed brackets and
 * parentheses, a `|` outside quotes not followed by a known command, empty
 * pipes, boolean operators in lower case, and AND/OR/NOT with a missing
 * operand. The tokenizer also unescapes quoted strings, so tests can assert
 * that a value put into a search comes back out unchanged.
 */

export type TokenKind = "string" | "field" | "macro" | "comment" | "word" | "op" | "pipe" | "lbracket" | "rbracket" | "lparen" | "rparen" | "comma";

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token. */
  readonly text: string;
  /** For strings: the unescaped value; for single-quoted fields: the name. */
  readonly value: string;
  readonly offset: number;
}

export interface LintProblem {
  readonly offset: number;
  readonly message: string;
}

/** SPL commands a ruleport search may use (and a few common ones around them). */
export const KNOWN_COMMANDS: ReadonlySet<string> = new Set([
  "search", "tstats", "where", "eval", "stats", "regex", "rename", "table", "fields", "head", "tail", "sort", "bin", "bucket",
  "streamstats", "eventstats", "transaction", "multisearch", "append", "convert", "dedup", "fillnull", "rex", "spath", "reverse",
  "datamodel", "from", "lookup", "inputlookup", "makeresults", "mvexpand", "join", "timechart", "chart", "fieldformat", "addinfo",
]);

const WORD_STOP = /[\s"'`|[\](),=<>!]/;

/** Tokenises SPL. Problems (unterminated quotes) are reported, tokenising continues. */
export function tokenize(spl: string): { tokens: Token[]; problems: LintProblem[] } {
  const tokens: Token[] = [];
  const problems: LintProblem[] = [];
  let i = 0;
  const n = spl.length;
  while (i < n) {
    const c = spl[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      let value = "";
      i++;
      let closed = false;
      while (i < n) {
        const d = spl[i] as string;
        if (d === "\\" && i + 1 < n && (spl[i + 1] === "\\" || spl[i + 1] === '"')) {
          value += spl[i + 1];
          i += 2;
          continue;
        }
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        value += d;
        i++;
      }
      if (!closed) problems.push({ offset: start, message: "unterminated double-quoted string" });
      tokens.push({ kind: "string", text: spl.slice(start, i), value, offset: start });
      continue;
    }
    if (c === "'") {
      const end = spl.indexOf("'", i + 1);
      if (end < 0) {
        problems.push({ offset: start, message: "unterminated single-quoted field name" });
        i = n;
      } else i = end + 1;
      tokens.push({ kind: "field", text: spl.slice(start, i), value: spl.slice(start + 1, Math.max(start + 1, i - 1)), offset: start });
      continue;
    }
    if (c === "`") {
      if (spl.startsWith("```", i)) {
        const end = spl.indexOf("```", i + 3);
        if (end < 0) {
          problems.push({ offset: start, message: "unterminated ``` comment" });
          i = n;
        } else i = end + 3;
        tokens.push({ kind: "comment", text: spl.slice(start, i), value: "", offset: start });
        continue;
      }
      const end = spl.indexOf("`", i + 1);
      if (end < 0) {
        problems.push({ offset: start, message: "unterminated macro (backquote)" });
        i = n;
      } else i = end + 1;
      tokens.push({ kind: "macro", text: spl.slice(start, i), value: spl.slice(start + 1, Math.max(start + 1, i - 1)), offset: start });
      continue;
    }
    const single: Record<string, TokenKind> = { "|": "pipe", "[": "lbracket", "]": "rbracket", "(": "lparen", ")": "rparen", ",": "comma" };
    const sk = single[c];
    if (sk) {
      tokens.push({ kind: sk, text: c, value: c, offset: start });
      i++;
      continue;
    }
    if (/[=<>!]/.test(c)) {
      const two = spl.slice(i, i + 2);
      const op = ["==", "!=", "<=", ">="].includes(two) ? two : c;
      tokens.push({ kind: "op", text: op, value: op, offset: start });
      i += op.length;
      continue;
    }
    while (i < n && !WORD_STOP.test(spl[i] as string)) i++;
    tokens.push({ kind: "word", text: spl.slice(start, i), value: spl.slice(start, i), offset: start });
  }
  return { tokens, problems };
}

/** The unescaped values of every double-quoted string in a search, in order. */
export function stringValues(spl: string): string[] {
  return tokenize(spl).tokens.filter((t) => t.kind === "string").map((t) => t.value);
}

const BOOL = /^(and|or|not)$/i;

function endsOperand(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.kind === "word") return !/^(AND|OR|NOT)$/.test(t.text);
  return t.kind === "string" || t.kind === "field" || t.kind === "rparen" || t.kind === "macro" || t.kind === "rbracket";
}
function startsOperand(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.kind === "word") return !/^(AND|OR)$/.test(t.text);
  return t.kind === "string" || t.kind === "field" || t.kind === "lparen" || t.kind === "macro" || t.kind === "lbracket" || (t.kind === "op" && t.text === "!");
}

/** Lints one SPL search; an empty list means it passed. */
export function lintSpl(spl: string): LintProblem[] {
  const { tokens: all, problems } = tokenize(spl);
  const tokens = all.filter((t) => t.kind !== "comment");
  if (tokens.length === 0) problems.push({ offset: 0, message: "empty search" });
  const stack: Token[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    const prev = tokens[k - 1];
    const next = tokens[k + 1];
    switch (t.kind) {
      case "lbracket":
      case "lparen":
        stack.push(t);
        break;
      case "rbracket":
      case "rparen": {
        const open = stack.pop();
        const want = t.kind === "rbracket" ? "lbracket" : "lparen";
        if (!open) problems.push({ offset: t.offset, message: `unbalanced \`${t.text}\`` });
        else if (open.kind !== want) problems.push({ offset: t.offset, message: `\`${t.text}\` closes \`${open.text}\` at offset ${open.offset}` });
        break;
      }
      case "pipe": {
        if (!next || next.kind === "pipe" || next.kind === "rbracket") problems.push({ offset: t.offset, message: "empty pipe: `|` is not followed by a command" });
        else if (next.kind === "macro") break;
        else if (next.kind !== "word" || !KNOWN_COMMANDS.has(next.text)) problems.push({ offset: next.offset, message: `\`|\` must start a known command, not \`${next.text}\`` });
        break;
      }
      case "word": {
        if (BOOL.test(t.text) && t.text !== t.text.toUpperCase()) {
          problems.push({ offset: t.offset, message: `boolean operator \`${t.text}\` must be written in capitals` });
          break;
        }
        if (t.text === "AND" || t.text === "OR") {
          if (!endsOperand(prev)) problems.push({ offset: t.offset, message: `\`${t.text}\` has no left operand` });
          if (!startsOperand(next)) problems.push({ offset: t.offset, message: `\`${t.text}\` has no right operand` });
        } else if (t.text === "NOT") {
          if (!startsOperand(next)) problems.push({ offset: t.offset, message: "`NOT` has no operand" });
        }
        break;
      }
      case "op":
        if (!next || next.kind === "pipe" || next.kind === "rparen" || next.kind === "rbracket") {
          if (t.text !== "!") problems.push({ offset: t.offset, message: `\`${t.text}\` has no right-hand side` });
        }
        break;
      default:
        break;
    }
    if (t.kind === "lbracket" && next?.kind === "rbracket") problems.push({ offset: t.offset, message: "empty subsearch `[]`" });
  }
  for (const open of stack) problems.push({ offset: open.offset, message: `unclosed \`${open.text}\`` });
  return problems;
}

/** Lint problems rendered one per line with the offending text, for test messages. */
export function formatProblems(spl: string, problems: readonly LintProblem[]): string {
  return problems.map((p) => `${p.offset}: ${p.message}: …${spl.slice(Math.max(0, p.offset - 20), p.offset + 20)}…`).join("\n");
}
