/**
 * Kibana Query Language (kuery) parser, lowering straight to the IR.
 *
 * Follows Kibana's PEG grammar (elastic/kibana
 * `packages/kbn-es-query/src/kuery/grammar/grammar.peggy`) rule by rule,
 * including its ordered choices and backtracking, so that the same text means
 * the same thing here as in Kibana:
 *
 *   start        = Space* OrQuery? Space*            (empty query: match all)
 *   OrQuery      = AndQuery (Or AndQuery)*            Or  = Space+ 'or'i Space+
 *   AndQuery     = NotQuery (And NotQuery)*           And = Space+ 'and'i Space+
 *   NotQuery     = Not SubQuery / SubQuery            Not = 'not'i Space+
 *   SubQuery     = '(' Space* OrQuery Space* ')' / NestedQuery
 *   NestedQuery  = Field Space* ':' Space* '{' Space* OrQuery Space* '}' / Expression
 *   Expression   = Field Space* RangeOp Space* Literal      (range)
 *                / Field Space* ':' Space* ListOfValues     (field:value)
 *                / Value                                    (free text)
 *   ListOfValues = '(' Space* OrList Space* ')' / Value     (lists nest the same way)
 *   Literal      = QuotedString / UnquotedLiteral
 *
 * And/or chains and value lists are loops, not recursion; only parentheses,
 * `not` and `{}` recurse, up to MAX_DEPTH. Semantics are documented in
 * docs/kql-semantics.md.
 */
import type { Condition, FieldRef, MatchValue, Pattern, PatternPart, Span } from "../../ir/nodes.js";
import { type Diagnostic, error, unsupported, warning } from "../../diagnostics/index.js";
import type { QuerySource } from "../source.js";
import { combine, fileSpan, isPlainNumber, numberLit, pushText, rangeValue } from "./pattern.js";

/** Parentheses, `not` and nested `{}` deeper than this are rejected (KQL002) instead of exhausting the stack. */
export const MAX_DEPTH = 400;

/** Characters that end an unquoted literal and can be escaped with `\` (grammar rule SpecialCharacter). */
const SPECIAL = new Set(["\\", "(", ")", ":", "<", ">", '"', "*", "{", "}"]);

/** Grammar rule Space. */
export function isKqlSpace(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\u00a0";
}

const HEX4 = /^[0-9a-fA-F]{4}$/;

/** One character of a literal as Kibana decodes it. */
interface Char {
  /** Decoded text (an escaped keyword decodes to its word). */
  readonly ch: string;
  /** An unescaped `*` in an unquoted literal. */
  readonly wildcard: boolean;
  readonly start: number;
  readonly end: number;
}

/** A Literal of the grammar: quoted string or unquoted literal, decoded. */
interface Lit {
  readonly quoted: boolean;
  /** Decoded characters, trimmed for unquoted literals (Kibana trims the joined sequence). */
  readonly chars: readonly Char[];
  /** Query offsets of the trimmed content (or of the quotes). */
  readonly start: number;
  readonly end: number;
}

type ListNode =
  | { readonly k: "value"; readonly lit: Lit }
  | { readonly k: "or" | "and"; readonly items: readonly ListNode[] }
  | { readonly k: "not"; readonly item: ListNode; readonly start: number; readonly end: number };

function litText(lit: Lit): string {
  let s = "";
  for (const c of lit.chars) s += c.wildcard ? "*" : c.ch;
  return s;
}

function litHasWildcard(lit: Lit): boolean {
  return !lit.quoted && lit.chars.some((c) => c.wildcard);
}

function isLoneWildcard(lit: Lit): boolean {
  return !lit.quoted && lit.chars.length === 1 && lit.chars[0]?.wildcard === true;
}

/** The unquoted keywords Kibana turns into non-string literals. */
function unquotedKeyword(lit: Lit): "null" | "true" | "false" | null {
  if (lit.quoted || lit.chars.some((c) => c.wildcard)) return null;
  const t = litText(lit);
  return t === "null" || t === "true" || t === "false" ? t : null;
}

class KqlParser {
  private pos = 0;
  private depth = 0;
  private tooDeep = false;
  private failPos = 0;
  private expected = new Set<string>();
  readonly diagnostics: Diagnostic[] = [];
  private readonly text: string;

  constructor(private readonly source: QuerySource) {
    this.text = source.text;
  }

  // ---------------------------------------------------------------- helpers

  private span(start: number, end: number): Span {
    return fileSpan(this.source, start, end);
  }

  private expect(at: number, what: string): void {
    if (at > this.failPos) {
      this.failPos = at;
      this.expected = new Set([what]);
    } else if (at === this.failPos) {
      this.expected.add(what);
    }
  }

  private skipSpaces(): void {
    while (isKqlSpace(this.text[this.pos])) this.pos++;
  }

  /** Matches `word` case-insensitively at `at`; returns the position after it or -1. */
  private word(at: number, word: string): number {
    const t = this.text.slice(at, at + word.length);
    return t.length === word.length && t.toLowerCase() === word ? at + word.length : -1;
  }

  /**
   * Space+ `word` Space+ at `at` (rules Or / And); position after, or -1.
   * With `record`, a failure is recorded where it happened (as a PEG parser
   * reports its furthest failure); lookaheads inside literals do not record.
   */
  private binaryKeyword(at: number, word: "or" | "and", record = false): number {
    let p = at;
    if (!isKqlSpace(this.text[p])) {
      if (record) this.expect(p, "whitespace");
      return -1;
    }
    while (isKqlSpace(this.text[p])) p++;
    const w = this.word(p, word);
    if (w < 0) {
      if (record) this.expect(p, `"${word}"`);
      return -1;
    }
    if (!isKqlSpace(this.text[w])) {
      if (record) this.expect(w, "whitespace");
      return -1;
    }
    p = w;
    while (isKqlSpace(this.text[p])) p++;
    return p;
  }

  /** `not` Space+ at `at` (rule Not); position after, or -1. */
  private notKeyword(at: number, record = false): number {
    const p0 = this.word(at, "not");
    if (p0 < 0) {
      if (record) this.expect(at, '"not"');
      return -1;
    }
    if (!isKqlSpace(this.text[p0])) {
      if (record) this.expect(p0, "whitespace");
      return -1;
    }
    let p = p0;
    while (isKqlSpace(this.text[p])) p++;
    return p;
  }

  private isKeywordAt(at: number): boolean {
    const c = this.text[at];
    if (c !== "n" && c !== "N" && !isKqlSpace(c)) return false;
    return this.binaryKeyword(at, "or") >= 0 || this.binaryKeyword(at, "and") >= 0 || this.notKeyword(at) >= 0;
  }

  private enter(): boolean {
    if (this.depth >= MAX_DEPTH) {
      if (!this.tooDeep) {
        this.tooDeep = true;
        this.diagnostics.push(error("KQL002", `the query nests parentheses, \`not\` or \`{}\` more than ${MAX_DEPTH} levels deep`, this.span(this.pos, this.pos + 1)));
      }
      return false;
    }
    this.depth++;
    return true;
  }

  // --------------------------------------------------------------- literals

  /** QuotedString / UnquotedLiteral at the current position; null (position unchanged) on failure. */
  private literal(): Lit | null {
    return this.text[this.pos] === '"' ? this.quoted() : this.unquoted();
  }

  private quoted(): Lit | null {
    const start = this.pos;
    const t = this.text;
    let p = start + 1;
    const chars: Char[] = [];
    while (p < t.length && t[p] !== '"') {
      const c = t[p] as string;
      if (c === "\\") {
        const n = t[p + 1];
        if (n === "t" || n === "r" || n === "n") {
          chars.push({ ch: n === "t" ? "\t" : n === "r" ? "\r" : "\n", wildcard: false, start: p, end: p + 2 });
          p += 2;
          continue;
        }
        if (n === "u" && HEX4.test(t.slice(p + 2, p + 6))) {
          chars.push({ ch: String.fromCharCode(parseInt(t.slice(p + 2, p + 6), 16)), wildcard: false, start: p, end: p + 6 });
          p += 6;
          continue;
        }
        if (n === "\\" || n === '"') {
          chars.push({ ch: n, wildcard: false, start: p, end: p + 2 });
          p += 2;
          continue;
        }
        // any other backslash is a literal backslash (rule QuotedCharacter, last choice)
      }
      chars.push({ ch: c, wildcard: false, start: p, end: p + 1 });
      p++;
    }
    if (p >= t.length) {
      this.expect(p, '"\\""');
      return null;
    }
    this.pos = p + 1;
    return { quoted: true, chars, start, end: p + 1 };
  }

  private unquoted(): Lit | null {
    const t = this.text;
    const start = this.pos;
    let p = start;
    const chars: Char[] = [];
    for (;;) {
      if (p >= t.length) break;
      const c = t[p] as string;
      if (c === "\\") {
        const n = t[p + 1];
        if (n === "t" || n === "r" || n === "n") {
          chars.push({ ch: n === "t" ? "\t" : n === "r" ? "\r" : "\n", wildcard: false, start: p, end: p + 2 });
          p += 2;
          continue;
        }
        if (n !== undefined && SPECIAL.has(n)) {
          chars.push({ ch: n, wildcard: false, start: p, end: p + 2 });
          p += 2;
          continue;
        }
        if (n === "u" && HEX4.test(t.slice(p + 2, p + 6))) {
          chars.push({ ch: String.fromCharCode(parseInt(t.slice(p + 2, p + 6), 16)), wildcard: false, start: p, end: p + 6 });
          p += 6;
          continue;
        }
        // EscapedKeyword: `\or`, `\and` (a `\not` is already `\n` + "ot" above, as in Kibana)
        const kw = this.word(p + 1, "or") >= 0 ? 2 : this.word(p + 1, "and") >= 0 ? 3 : this.word(p + 1, "not") >= 0 ? 3 : 0;
        if (kw > 0) {
          chars.push({ ch: t.slice(p + 1, p + 1 + kw), wildcard: false, start: p, end: p + 1 + kw });
          p += 1 + kw;
          continue;
        }
        break; // an unescaped backslash ends the literal
      }
      if (c === "*") {
        chars.push({ ch: "*", wildcard: true, start: p, end: p + 1 });
        p++;
        continue;
      }
      if (SPECIAL.has(c) || this.isKeywordAt(p)) break;
      chars.push({ ch: c, wildcard: false, start: p, end: p + 1 });
      p++;
    }
    if (chars.length === 0) {
      this.expect(p, "value");
      return null;
    }
    this.pos = p;
    // Kibana trims the joined sequence (String.prototype.trim), escaped whitespace included.
    let a = 0;
    let b = chars.length;
    while (a < b && !chars[a]!.wildcard && /^\s+$/.test(chars[a]!.ch)) a++;
    while (b > a && !chars[b - 1]!.wildcard && /^\s+$/.test(chars[b - 1]!.ch)) b--;
    const kept = chars.slice(a, b);
    const s = kept[0]?.start ?? start;
    const e = kept[kept.length - 1]?.end ?? s;
    return { quoted: false, chars: kept, start: s, end: e };
  }

  // ------------------------------------------------------------- structure

  parse(): Condition | null {
    const t = this.text;
    this.skipSpaces();
    if (this.pos >= t.length) return { kind: "test", value: { kind: "boolean", value: true, span: this.span(0, t.length) }, span: this.span(0, t.length) };
    const q = this.orQuery(null);
    if (this.tooDeep) return null;
    if (q !== null) {
      this.skipSpaces();
      if (this.pos >= t.length) return q;
      this.expect(this.pos, "end of query");
      this.expect(this.pos, '"and"');
      this.expect(this.pos, '"or"');
    }
    this.reportSyntaxError();
    return null;
  }

  private reportSyntaxError(): void {
    const at = this.failPos;
    const found = at >= this.text.length ? "end of query" : JSON.stringify(this.text.slice(at, at + 1));
    const exp = [...this.expected].sort();
    const list = exp.length <= 1 ? (exp[0] ?? "something else") : `${exp.slice(0, -1).join(", ")} or ${exp[exp.length - 1]}`;
    this.diagnostics.push(error("KQL001", `KQL syntax error: expected ${list}, found ${found}`, this.span(at, Math.min(at + 1, this.text.length))));
  }

  private orQuery(nested: string | null): Condition | null {
    return this.junction("or", nested, () => this.andQuery(nested));
  }

  private andQuery(nested: string | null): Condition | null {
    return this.junction("and", nested, () => this.notQuery(nested));
  }

  /** `operand (kw operand)*`: one operand, or their `kw` junction. A keyword whose right side does not parse is left for the caller. */
  private junction(kw: "or" | "and", nested: string | null, operand: () => Condition | null): Condition | null {
    const start = this.pos;
    const first = operand();
    if (first === null) return null;
    const ops: Condition[] = [first];
    for (;;) {
      const save = this.pos;
      const p = this.binaryKeyword(this.pos, kw, true);
      if (p < 0) break;
      this.pos = p;
      const q = operand();
      if (q === null) {
        this.pos = save;
        break;
      }
      ops.push(q);
    }
    return ops.length === 1 ? first : combine(kw, ops, this.span(start, this.pos));
  }

  private notQuery(nested: string | null): Condition | null {
    const start = this.pos;
    const p = this.notKeyword(this.pos, true);
    if (p >= 0) {
      if (!this.enter()) return null;
      this.pos = p;
      const q = this.subQuery(nested);
      this.depth--;
      if (q !== null) return { kind: "not", operand: q, span: this.span(start, this.pos) };
      if (this.tooDeep) return null;
      this.pos = start;
    }
    return this.subQuery(nested);
  }

  private subQuery(nested: string | null): Condition | null {
    const start = this.pos;
    if (this.text[this.pos] === "(") {
      if (!this.enter()) return null;
      this.pos++;
      this.skipSpaces();
      const q = this.orQuery(nested);
      this.depth--;
      if (q !== null) {
        this.skipSpaces();
        if (this.text[this.pos] === ")") {
          this.pos++;
          return q;
        }
        this.expect(this.pos, '")"');
      }
      if (this.tooDeep) return null;
      this.pos = start;
    } else {
      this.expect(this.pos, '"("');
    }
    return this.fieldExpression(nested);
  }

  /** NestedQuery / FieldRangeExpression / FieldValueExpression / ValueExpression, sharing one scan of the Field. */
  private fieldExpression(nested: string | null): Condition | null {
    const start = this.pos;
    const field = this.literal();
    if (field === null) return null;
    const afterField = this.pos;

    // NestedQuery
    this.skipSpaces();
    if (this.text[this.pos] === ":") {
      this.pos++;
      this.skipSpaces();
      if (this.text[this.pos] === "{") {
        if (!this.enter()) return null;
        this.pos++;
        this.skipSpaces();
        const path = nested === null ? litText(field) : `${nested}.${litText(field)}`;
        const q = this.orQuery(path);
        this.depth--;
        if (q !== null) {
          this.skipSpaces();
          if (this.text[this.pos] === "}") {
            this.pos++;
            if (litHasWildcard(field)) {
              this.diagnostics.push(unsupported("KQL011", "a nested query needs a plain path: wildcards in the path of `path:{...}` are not supported", this.span(field.start, field.end)));
            }
            return { kind: "nested", path, condition: q, span: this.span(start, this.pos) };
          }
          this.expect(this.pos, '"}"');
        }
        if (this.tooDeep) return null;
      } else {
        this.expect(this.pos, '"{"');
      }
    } else {
      this.expect(this.pos, '":"');
    }

    // FieldRangeExpression
    this.pos = afterField;
    this.skipSpaces();
    const op = this.rangeOperator();
    if (op !== null) {
      this.skipSpaces();
      const value = this.literal();
      if (value !== null) return this.lowerRange(field, op, value, nested, start);
    } else {
      this.expect(this.pos, "range operator");
    }

    // FieldValueExpression
    this.pos = afterField;
    this.skipSpaces();
    if (this.text[this.pos] === ":") {
      this.pos++;
      this.skipSpaces();
      const list = this.listOfValues();
      if (list !== null) return this.lowerFieldValue(field, list, nested, start);
      if (this.tooDeep) return null;
    }

    // ValueExpression: the field literal was the value (Value = QuotedString / UnquotedLiteral).
    this.pos = afterField;
    return this.fullText(field);
  }

  private rangeOperator(): "<" | "<=" | ">" | ">=" | null {
    const t = this.text;
    const c = t[this.pos];
    if (c !== "<" && c !== ">") return null;
    if (t[this.pos + 1] === "=") {
      this.pos += 2;
      return c === "<" ? "<=" : ">=";
    }
    this.pos++;
    return c;
  }

  private listOfValues(): ListNode | null {
    const start = this.pos;
    if (this.text[this.pos] === "(") {
      if (!this.enter()) return null;
      this.pos++;
      this.skipSpaces();
      const l = this.orList();
      this.depth--;
      if (l !== null) {
        this.skipSpaces();
        if (this.text[this.pos] === ")") {
          this.pos++;
          return l;
        }
        this.expect(this.pos, '")"');
      }
      if (this.tooDeep) return null;
      this.pos = start;
    } else {
      this.expect(this.pos, '"("');
    }
    const lit = this.literal();
    return lit === null ? null : { k: "value", lit };
  }

  private orList(): ListNode | null {
    const first = this.andList();
    if (first === null) return null;
    const items: ListNode[] = [first];
    for (;;) {
      const save = this.pos;
      const p = this.binaryKeyword(this.pos, "or", true);
      if (p < 0) break;
      this.pos = p;
      const q = this.andList();
      if (q === null) {
        this.pos = save;
        break;
      }
      items.push(q);
    }
    return items.length === 1 ? first : { k: "or", items };
  }

  private andList(): ListNode | null {
    const first = this.notList();
    if (first === null) return null;
    const items: ListNode[] = [first];
    for (;;) {
      const save = this.pos;
      const p = this.binaryKeyword(this.pos, "and", true);
      if (p < 0) break;
      this.pos = p;
      const q = this.notList();
      if (q === null) {
        this.pos = save;
        break;
      }
      items.push(q);
    }
    return items.length === 1 ? first : { k: "and", items };
  }

  private notList(): ListNode | null {
    const start = this.pos;
    const p = this.notKeyword(this.pos, true);
    if (p >= 0) {
      if (!this.enter()) return null;
      this.pos = p;
      const item = this.listOfValues();
      this.depth--;
      if (item !== null) return { k: "not", item, start, end: this.pos };
      if (this.tooDeep) return null;
      this.pos = start;
    }
    return this.listOfValues();
  }

  // --------------------------------------------------------------- lowering

  /** The field of a field expression; null when Kibana treats it as no field (unquoted `null`). */
  private fieldRef(field: Lit, nested: string | null): FieldRef | null {
    if (unquotedKeyword(field) === "null") return null;
    const wildcard = litHasWildcard(field);
    if (wildcard && field.chars.some((c) => !c.wildcard && c.ch.includes("*"))) {
      this.diagnostics.push(unsupported("KQL011", "a field name with both a wildcard `*` and an escaped `\\*` cannot be represented", this.span(field.start, field.end)));
    }
    const name = litText(field);
    return { kind: "field", path: nested === null ? name : `${nested}.${name}`, optional: false, wildcard, span: this.span(field.start, field.end) };
  }

  private pattern(lit: Lit): Pattern {
    const parts: PatternPart[] = [];
    for (const c of lit.chars) {
      if (c.wildcard) parts.push({ kind: "any" });
      else pushText(parts, c.ch);
    }
    return { kind: "pattern", parts, span: this.span(lit.start, lit.end) };
  }

  /** What `field:<lit>` compares against, or "exists" for a lone `*`. */
  private matchValue(lit: Lit): MatchValue | "exists" {
    if (isLoneWildcard(lit)) return "exists";
    const span = this.span(lit.start, lit.end);
    const kw = unquotedKeyword(lit);
    if (kw === "true" || kw === "false") return { kind: "boolean", value: kw === "true", span };
    if (!lit.quoted && !litHasWildcard(lit) && isPlainNumber(litText(lit))) return numberLit(litText(lit), span);
    if (kw === "null") {
      this.diagnostics.push(warning("KQL101", "an unquoted `null` is sent to Elasticsearch as a null value, which no field matches; it is read here as the text \"null\"", span));
    }
    if (litHasWildcard(lit) && lit.chars.some((c) => !c.wildcard && /\s/.test(c.ch))) {
      this.diagnostics.push(
        warning(
          "KQL102",
          "an unquoted wildcard value containing whitespace: when Kibana does not know the field is a keyword it sends a query_string query, which splits the value at the whitespace; it is read here as one pattern (keyword semantics)",
          span,
        ),
      );
    }
    return this.pattern(lit);
  }

  private lowerRange(field: Lit, op: "<" | "<=" | ">" | ">=", value: Lit, nested: string | null, start: number): Condition {
    const span = this.span(start, value.end);
    const left: FieldRef = this.fieldRef(field, nested) ?? { kind: "field", path: "null", optional: false, wildcard: false, span: this.span(field.start, field.end) };
    const vspan = this.span(value.start, value.end);
    const kw = unquotedKeyword(value);
    const right =
      kw === "null"
        ? { kind: "null" as const, span: vspan }
        : kw === "true" || kw === "false"
          ? { kind: "boolean" as const, value: kw === "true", span: vspan }
          : rangeValue(litText(value), value.quoted, vspan);
    return { kind: "compare", op, left, right, span };
  }

  private lowerFieldValue(field: Lit, list: ListNode, nested: string | null, start: number): Condition {
    const subject = this.fieldRef(field, nested);
    if (subject === null) return this.lowerListFreeText(list);
    // `*:*` is match_all in Kibana's is(), checked on the field as written (before any nested prefix)
    return this.applyField(subject, isLoneWildcard(field), list, start);
  }

  /**
   * Applies the field to a value list: or/and/not become IR connectives; the
   * plain values of one `or` become a single `match` with several values.
   */
  private applyField(subject: FieldRef, allFields: boolean, root: ListNode, start: number): Condition {
    const one = (lit: Lit, from: number): Condition => {
      const v = this.matchValue(lit);
      const span = this.span(from, lit.end);
      if (v === "exists") {
        if (allFields) return { kind: "test", value: { kind: "boolean", value: true, span }, span };
        return { kind: "exists", subject, span };
      }
      return { kind: "match", subject, values: [v], caseSensitive: true, operator: "kql", span };
    };
    // Explicit stack instead of recursion per list element.
    const build = (node: ListNode, from: number): Condition => {
      switch (node.k) {
        case "value":
          return one(node.lit, from);
        case "not":
          return { kind: "not", operand: build(node.item, node.start), span: this.span(node.start, node.end) };
        case "and": {
          const ops = node.items.map((i) => build(i, firstStart(i)));
          return combine("and", ops, this.span(firstStart(node), lastEnd(node)));
        }
        case "or": {
          const ops: Condition[] = [];
          let merged: { index: number; values: MatchValue[]; start: number; end: number } | null = null;
          for (const item of flattenList(node)) {
            if (item.k === "value") {
              const c = one(item.lit, item.lit.start);
              if (c.kind === "match") {
                if (merged === null) {
                  merged = { index: ops.length, values: [], start: item.lit.start, end: item.lit.end };
                  ops.push(c);
                }
                merged.values.push(...c.values);
                merged.end = item.lit.end;
                continue;
              }
              ops.push(c);
              continue;
            }
            ops.push(build(item, firstStart(item)));
          }
          if (merged !== null) {
            ops[merged.index] = { kind: "match", subject, values: merged.values, caseSensitive: true, operator: "kql", span: this.span(merged.start, merged.end) };
          }
          return combine("or", ops, this.span(firstStart(node), lastEnd(node)));
        }
      }
    };
    const c = build(root, start);
    // A match or exists standing for the whole `field:value` / `field:(...)` spans from the field to the end of the value.
    if (c.kind === "match" || c.kind === "exists") return { ...c, span: this.span(start, this.pos) };
    return c;
  }

  private fullText(lit: Lit): Condition {
    const span = this.span(lit.start, lit.end);
    if (isLoneWildcard(lit)) return { kind: "test", value: { kind: "boolean", value: true, span }, span };
    return { kind: "fulltext", value: this.pattern(lit), caseSensitive: true, span };
  }

  /** `null:(a or b)`: Kibana treats an unquoted `null` field as no field. */
  private lowerListFreeText(root: ListNode): Condition {
    const build = (node: ListNode): Condition => {
      switch (node.k) {
        case "value":
          return this.fullText(node.lit);
        case "not":
          return { kind: "not", operand: build(node.item), span: this.span(node.start, node.end) };
        case "and":
        case "or":
          return combine(node.k, node.items.map(build), this.span(firstStart(node), lastEnd(node)));
      }
    };
    return build(root);
  }
}

function flattenList(node: { readonly items: readonly ListNode[] }): ListNode[] {
  const out: ListNode[] = [];
  const stack: ListNode[] = [...node.items].reverse();
  while (stack.length > 0) {
    const n = stack.pop() as ListNode;
    if (n.k === "or") for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i] as ListNode);
    else out.push(n);
  }
  return out;
}

function firstStart(node: ListNode): number {
  let n = node;
  for (;;) {
    if (n.k === "value") return n.lit.start;
    if (n.k === "not") return n.start;
    n = n.items[0] as ListNode;
  }
}

function lastEnd(node: ListNode): number {
  let n = node;
  for (;;) {
    if (n.k === "value") return n.lit.end;
    if (n.k === "not") return n.end;
    n = n.items[n.items.length - 1] as ListNode;
  }
}

/** Parses a KQL query into a condition; null when it has a syntax error. */
export function parseKqlCondition(source: QuerySource): { value: Condition | null; diagnostics: readonly Diagnostic[] } {
  const p = new KqlParser(source);
  const value = p.parse();
  const hasError = p.diagnostics.some((d) => d.severity === "error");
  return { value: hasError ? null : value, diagnostics: p.diagnostics };
}
