/**
 * The supported subset of Lucene query syntax (Kibana `language = "lucene"`,
 * run by Elasticsearch as a `query_string` query), lowered to the IR.
 *
 * Supported: `field:value`, free-text terms, `"quoted phrases"`, `*` and `?`
 * wildcards, `/regular expressions/`, ranges `[a TO b]` `{a TO b}` (mixed,
 * `*` for an open end) and `field:>=v`, `_exists_:field`, field groups
 * `field:(a OR b)`, escaped field-name wildcards (`process.\*:x`), groups,
 * `AND` `OR` `NOT` `&&` `||` `!` and the `+` `-` modifiers. Anything else
 * (boosts `^`, fuzzy and proximity `~`, unescaped `*` in a field name) is an
 * `unsupported` diagnostic.
 *
 * Boolean meaning follows Lucene's classic query parser (QueryParserBase.addClause)
 * with Elasticsearch's default operator OR: each clause becomes MUST, SHOULD
 * or MUST_NOT; `AND` makes both neighbours MUST; a `NOT`/`-`/`!` clause is
 * MUST_NOT. When a group has a MUST clause its SHOULD clauses do not change
 * what matches (a warning says so); a group of only MUST_NOT clauses matches
 * everything else (Elasticsearch adds match_all). Keywords are upper-case
 * only: a lower-case `or` is a search term (warned).
 */
import { assertNever, type Condition, type FieldRef, type MatchValue, type PatternPart, type RegexLit, type Span, type Value } from "../../ir/nodes.js";
import { type Diagnostic, error, type Result, unsupported, warning } from "../../diagnostics/index.js";
import type { QuerySource } from "../source.js";
import { combine, fileSpan, hasWildcard, isDateMath, isPlainNumber, numberLit, patternText, pushText, rangeValue } from "./pattern.js";

const MAX_DEPTH = 400;

/** Characters that cannot start a term (besides whitespace); `*` `?` start wildcard terms, `\` escapes. */
const NOT_START = new Set(["+", "-", "!", "(", ")", ":", "^", "[", "]", '"', "{", "}", "~", "/"]);
/** Characters that end a term. */
const NOT_TERM = new Set(["!", "(", ")", ":", "^", "[", "]", '"', "{", "}", "~", "/"]);

function isWs(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\u3000";
}

type Tok =
  | { t: "term"; raw: string; chars: { ch: string; wild: "" | "*" | "?" }[]; start: number; end: number }
  | { t: "phrase"; value: string; start: number; end: number }
  | { t: "regex"; source: string; start: number; end: number }
  | { t: "range"; lo: Bound; hi: Bound; loIncl: boolean; hiIncl: boolean; start: number; end: number }
  | { t: "op"; op: "AND" | "OR" | "NOT" | "+" | "-" | "(" | ")" | ":"; start: number; end: number }
  | { t: "bad"; what: string; start: number; end: number };

interface Bound {
  readonly text: string;
  readonly quoted: boolean;
  readonly star: boolean;
  readonly start: number;
  readonly end: number;
}

const HEX4 = /^[0-9a-fA-F]{4}$/;

function lex(text: string): Tok[] | { error: string; at: number } {
  const toks: Tok[] = [];
  let p = 0;
  while (p < text.length) {
    const c = text[p] as string;
    if (isWs(c)) {
      p++;
      continue;
    }
    const start = p;
    if ((c === "&" && text[p + 1] === "&") || (c === "|" && text[p + 1] === "|")) {
      toks.push({ t: "op", op: c === "&" ? "AND" : "OR", start, end: p + 2 });
      p += 2;
      continue;
    }
    if (c === "(" || c === ")" || c === ":" || c === "+" || c === "-") {
      toks.push({ t: "op", op: c, start, end: p + 1 });
      p++;
      continue;
    }
    if (c === "!") {
      toks.push({ t: "op", op: "NOT", start, end: p + 1 });
      p++;
      continue;
    }
    if (c === "^" || c === "~") {
      toks.push({ t: "bad", what: c === "^" ? "boosts (`^`)" : "fuzzy and proximity searches (`~`)", start, end: p + 1 });
      p++;
      while (p < text.length && /[0-9.]/.test(text[p] as string)) p++;
      continue;
    }
    if (c === '"') {
      let v = "";
      p++;
      while (p < text.length && text[p] !== '"') {
        if (text[p] === "\\" && p + 1 < text.length) {
          v += text[p + 1];
          p += 2;
        } else v += text[p++];
      }
      if (p >= text.length) return { error: "an unterminated quoted phrase", at: start };
      p++;
      toks.push({ t: "phrase", value: v, start, end: p });
      continue;
    }
    if (c === "/") {
      p++;
      while (p < text.length && text[p] !== "/") p += text[p] === "\\" ? 2 : 1;
      if (p >= text.length) return { error: "an unterminated regular expression", at: start };
      p++;
      toks.push({ t: "regex", source: text.slice(start + 1, p - 1), start, end: p });
      continue;
    }
    if (c === "[" || c === "{") {
      const r = lexRange(text, p);
      if ("error" in r) return r;
      toks.push(r.tok);
      p = r.end;
      continue;
    }
    if (c === "]" || c === "}") return { error: `an unexpected "${c}"`, at: p };
    // a term
    const chars: { ch: string; wild: "" | "*" | "?" }[] = [];
    while (p < text.length) {
      const d = text[p] as string;
      if (isWs(d)) break;
      if (d === "\\") {
        if (text[p + 1] === "u" && HEX4.test(text.slice(p + 2, p + 6))) {
          chars.push({ ch: String.fromCharCode(parseInt(text.slice(p + 2, p + 6), 16)), wild: "" });
          p += 6;
          continue;
        }
        if (p + 1 >= text.length) return { error: "a backslash at the end of the query", at: p };
        chars.push({ ch: text[p + 1] as string, wild: "" });
        p += 2;
        continue;
      }
      if (chars.length === 0 && NOT_START.has(d)) break;
      if (NOT_TERM.has(d)) break;
      if (d === "&" && text[p + 1] === "&") break;
      if (d === "|" && text[p + 1] === "|") break;
      chars.push({ ch: d, wild: d === "*" || d === "?" ? d : "" });
      p++;
    }
    if (p === start) return { error: `an unexpected "${c}"`, at: p };
    const raw = text.slice(start, p);
    if (raw === "AND" || raw === "OR" || raw === "NOT") toks.push({ t: "op", op: raw, start, end: p });
    else toks.push({ t: "term", raw, chars, start, end: p });
  }
  return toks;
}

function lexRange(text: string, at: number): { tok: Tok; end: number } | { error: string; at: number } {
  const loIncl = text[at] === "[";
  let p = at + 1;
  const bound = (): Bound | null => {
    while (isWs(text[p])) p++;
    const s = p;
    if (text[p] === '"') {
      let v = "";
      p++;
      while (p < text.length && text[p] !== '"') {
        if (text[p] === "\\" && p + 1 < text.length) {
          v += text[p + 1];
          p += 2;
        } else v += text[p++];
      }
      if (p >= text.length) return null;
      p++;
      return { text: v, quoted: true, star: false, start: s, end: p };
    }
    let v = "";
    while (p < text.length && !isWs(text[p]) && text[p] !== "]" && text[p] !== "}") {
      if (text[p] === "\\" && p + 1 < text.length) {
        v += text[p + 1];
        p += 2;
      } else v += text[p++];
    }
    if (v === "") return null;
    return { text: v, quoted: false, star: v === "*" && p - s === 1, start: s, end: p };
  };
  const lo = bound();
  if (!lo) return { error: "a range without a lower bound", at };
  while (isWs(text[p])) p++;
  if (text.slice(p, p + 2) !== "TO" || !isWs(text[p + 2])) return { error: 'a range needs "TO" between its bounds', at: p };
  p += 2;
  const hi = bound();
  if (!hi) return { error: "a range without an upper bound", at };
  while (isWs(text[p])) p++;
  if (text[p] !== "]" && text[p] !== "}") return { error: 'a range must end with "]" or "}"', at: p };
  const hiIncl = text[p] === "]";
  p++;
  return { tok: { t: "range", lo, hi, loIncl, hiIncl, start: at, end: p }, end: p };
}

type Occur = "must" | "should" | "must_not";

interface Clause {
  readonly occur: Occur;
  readonly cond: Condition;
  /** A term inside `field:( ... )` that took the group's field: such terms of one group merge into one match. */
  readonly inherited: boolean;
  readonly start: number;
}

class LuceneParser {
  private i = 0;
  private depth = 0;
  readonly diagnostics: Diagnostic[] = [];
  private failed = false;

  constructor(
    private readonly source: QuerySource,
    private readonly toks: readonly Tok[],
  ) {}

  private span(s: number, e: number): Span {
    return fileSpan(this.source, s, e);
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }

  private syntax(message: string, at: number): null {
    if (!this.failed) this.diagnostics.push(error("LUCENE001", `Lucene syntax error: ${message}`, this.span(at, Math.min(at + 1, this.source.text.length))));
    this.failed = true;
    return null;
  }

  private unsupportedAt(message: string, s: number, e: number): null {
    if (!this.failed) this.diagnostics.push(unsupported("LUCENE002", message, this.span(s, e)));
    this.failed = true;
    return null;
  }

  parseTop(): Condition | null {
    const q = this.query(null, 0);
    if (q === null) return null;
    const t = this.peek();
    if (t !== undefined) return this.syntax(`unexpected ${describe(t)}`, t.start);
    return q;
  }

  /** Query := (Conj? Mod? Clause)+ until `)` or the end. */
  private query(field: FieldRef | null, from: number): Condition | null {
    const clauses: Clause[] = [];
    const occurs: Occur[] = [];
    let first = true;
    for (;;) {
      const t = this.peek();
      if (t === undefined || (t.t === "op" && t.op === ")")) break;
      let conj: "AND" | "OR" | null = null;
      if (!first && t.t === "op" && (t.op === "AND" || t.op === "OR")) {
        conj = t.op;
        this.i++;
      }
      let mod: "+" | "-" | "NOT" | null = null;
      const m = this.peek();
      if (m !== undefined && m.t === "op" && (m.op === "+" || m.op === "-" || m.op === "NOT")) {
        mod = m.op;
        this.i++;
      }
      const clause = this.clause(field);
      if (clause === null) return null;
      // QueryParserBase.addClause with the default operator OR
      const last = occurs.length - 1;
      if (last >= 0 && conj === "AND" && occurs[last] !== "must_not") occurs[last] = "must";
      const prohibited = mod === "-" || mod === "NOT";
      const required = mod === "+" || (conj === "AND" && !prohibited);
      occurs.push(prohibited ? "must_not" : required ? "must" : "should");
      clauses.push({ ...clause, occur: "should" });
      first = false;
    }
    if (clauses.length === 0) {
      const t = this.peek();
      return this.syntax(t === undefined ? "an empty query or group" : `unexpected ${describe(t)}`, t?.start ?? this.source.text.length);
    }
    const end = this.toks[this.i - 1]?.end ?? from;
    return this.combine(
      clauses.map((c, k) => ({ ...c, occur: occurs[k] as Occur })),
      this.span(from, end),
    );
  }

  private combine(clauses: readonly Clause[], span: Span): Condition {
    const hasMust = clauses.some((c) => c.occur === "must");
    const parts: Condition[] = [];
    let shouldIndex = -1;
    const should: Condition[] = [];
    for (const c of clauses) {
      if (c.occur === "must") parts.push(c.cond);
      else if (c.occur === "must_not") parts.push({ kind: "not", operand: c.cond, span: c.cond.span });
      else if (hasMust) this.diagnostics.push(warning("LUCENE102", "this optional clause does not change which events match: Lucene ignores optional clauses next to required (AND, +) ones", c.cond.span));
      else {
        if (shouldIndex < 0) {
          shouldIndex = parts.length;
          parts.push(c.cond); // placeholder
        }
        should.push(c.cond);
      }
    }
    if (shouldIndex >= 0) parts[shouldIndex] = this.mergeShould(clauses.filter((c) => c.occur === "should"), span);
    void should;
    return combine("and", parts, span);
  }

  /** SHOULD clauses -> one `or`; the inherited term matches of a field group merge into one match. */
  private mergeShould(clauses: readonly Clause[], span: Span): Condition {
    const ops: Condition[] = [];
    let matchAt = -1;
    let regexAt = -1;
    for (const c of clauses) {
      const cond = c.cond;
      if (c.inherited && cond.kind === "match") {
        if (matchAt < 0) {
          matchAt = ops.length;
          ops.push(cond);
        } else {
          const prev = ops[matchAt] as Condition & { kind: "match" };
          ops[matchAt] = { ...prev, values: [...prev.values, ...cond.values], span: { start: prev.span.start, end: cond.span.end } };
        }
        continue;
      }
      if (c.inherited && cond.kind === "regex-match") {
        if (regexAt < 0) {
          regexAt = ops.length;
          ops.push(cond);
        } else {
          const prev = ops[regexAt] as Condition & { kind: "regex-match" };
          ops[regexAt] = { ...prev, patterns: [...prev.patterns, ...cond.patterns], span: { start: prev.span.start, end: cond.span.end } };
        }
        continue;
      }
      ops.push(cond);
    }
    return combine("or", ops, span);
  }

  /** Clause := [field ':'] (term | '(' Query ')'). */
  private clause(group: FieldRef | null): Omit<Clause, "occur"> | null {
    const t = this.peek();
    if (t === undefined) return this.syntax("the query ends where a term was expected", this.source.text.length);
    let field = group;
    let inherited = group !== null;
    const start = t.start;
    const next = this.toks[this.i + 1];
    const after = this.toks[this.i + 2];
    if (t.t === "term" && t.raw === "*" && next?.t === "op" && next.op === ":" && after?.t === "term" && after.raw === "*") {
      this.i += 3;
      const span = this.span(start, after.end);
      return { cond: { kind: "test", value: { kind: "boolean", value: true, span }, span }, inherited: false, start };
    }
    if (t.t === "term" && next !== undefined && next.t === "op" && next.op === ":") {
      const name = t.chars.map((c) => c.ch).join("");
      // query_string expands `*` in a field name only when it is escaped (`process.\*:x`); unescaped it is not a field
      if (t.chars.some((c) => c.wild !== "")) return this.unsupportedAt("an unescaped wildcard in a field name is not supported (write `\\*`)", t.start, t.end);
      this.i += 2;
      if (name === "_exists_") {
        const v = this.peek();
        if (v === undefined || v.t !== "term" || v.chars.some((c) => c.wild !== "")) return this.syntax("`_exists_:` needs a field name", v?.start ?? t.end);
        this.i++;
        const subject: FieldRef = { kind: "field", path: v.chars.map((c) => c.ch).join(""), optional: false, wildcard: false, span: this.span(v.start, v.end) };
        return { cond: { kind: "exists", subject, span: this.span(start, v.end) }, inherited: false, start };
      }
      field = { kind: "field", path: name, optional: false, wildcard: name.includes("*"), span: this.span(t.start, t.end) };
      inherited = false;
    }
    const v = this.peek();
    if (v === undefined) return this.syntax("the query ends where a term was expected", this.source.text.length);
    if (v.t === "op" && v.op === "(") {
      if (this.depth >= MAX_DEPTH) return this.syntax(`groups nest more than ${MAX_DEPTH} levels deep`, v.start);
      this.depth++;
      this.i++;
      const q = this.query(field, v.start);
      this.depth--;
      if (q === null) return null;
      const close = this.peek();
      if (close === undefined || close.t !== "op" || close.op !== ")") return this.syntax('expected ")"', close?.start ?? this.source.text.length);
      this.i++;
      return { cond: q, inherited: false, start };
    }
    this.i++;
    const cond = this.term(field, v, start);
    if (cond === null) return null;
    return { cond, inherited, start };
  }

  private term(field: FieldRef | null, t: Tok, start: number): Condition | null {
    const span = this.span(start, t.end);
    const vspan = this.span(t.start, t.end);
    switch (t.t) {
      case "op":
        return this.syntax(`unexpected ${describe(t)}`, t.start);
      case "bad":
        return this.unsupportedAt(`${t.what} are not supported in Lucene queries`, t.start, t.end);
      case "phrase": {
        const parts: PatternPart[] = [];
        pushText(parts, t.value);
        const value = { kind: "pattern" as const, parts, span: vspan };
        return field === null ? { kind: "fulltext", value, caseSensitive: true, span } : { kind: "match", subject: field, values: [value], caseSensitive: true, operator: ":", span };
      }
      case "regex": {
        if (field === null) return this.unsupportedAt("a regular expression needs a field", t.start, t.end);
        const re: RegexLit = { kind: "regex", dialect: "lucene", source: t.source, span: vspan };
        return { kind: "regex-match", subject: field, patterns: [re], caseSensitive: true, span };
      }
      case "range": {
        if (field === null) return this.unsupportedAt("a range needs a field", t.start, t.end);
        if (t.lo.star && t.hi.star) return { kind: "exists", subject: field, span };
        const ops: Condition[] = [];
        if (!t.lo.star) ops.push({ kind: "compare", op: t.loIncl ? ">=" : ">", left: field, right: this.bound(t.lo), span });
        if (!t.hi.star) ops.push({ kind: "compare", op: t.hiIncl ? "<=" : "<", left: field, right: this.bound(t.hi), span });
        return combine("and", ops, span);
      }
      case "term": {
        const raw = t.raw;
        const cmp = /^(>=|<=|>|<)/.exec(raw);
        if (cmp && field !== null && t.chars[0]?.wild === "") {
          const op = cmp[1] as ">=" | "<=" | ">" | "<";
          const text = t.chars
            .slice(op.length)
            .map((c) => c.ch)
            .join("");
          if (text === "") return this.syntax(`"${op}" needs a value`, t.start);
          return { kind: "compare", op, left: field, right: rangeValue(text, false, vspan), span };
        }
        if (t.chars.length === 1 && t.chars[0]?.wild === "*") {
          return field === null ? { kind: "test", value: { kind: "boolean", value: true, span }, span } : { kind: "exists", subject: field, span };
        }
        const wild = t.chars.some((c) => c.wild !== "");
        const text = t.chars.map((c) => c.ch).join("");
        if (!wild && /^(and|or|not|to)$/i.test(text) && text !== text.toUpperCase()) {
          this.diagnostics.push(warning("LUCENE101", `\`${text}\` is a search term here, not an operator: Lucene operators are upper-case (AND, OR, NOT)`, vspan));
        }
        let value: MatchValue;
        if (wild) {
          const parts: PatternPart[] = [];
          for (const c of t.chars) {
            if (c.wild === "*") parts.push({ kind: "any" });
            else if (c.wild === "?") parts.push({ kind: "one" });
            else pushText(parts, c.ch);
          }
          value = { kind: "pattern", parts, span: vspan };
        } else if (isPlainNumber(text) && raw === text) value = numberLit(text, vspan);
        else if ((text === "true" || text === "false") && raw === text) value = { kind: "boolean", value: text === "true", span: vspan };
        else {
          const parts: PatternPart[] = [];
          pushText(parts, text);
          value = { kind: "pattern", parts, span: vspan };
        }
        if (field === null) {
          if (value.kind !== "pattern") {
            const parts: PatternPart[] = [];
            pushText(parts, text);
            value = { kind: "pattern", parts, span: vspan };
          }
          return { kind: "fulltext", value, caseSensitive: true, span };
        }
        return { kind: "match", subject: field, values: [value], caseSensitive: true, operator: ":", span };
      }
      default:
        return assertNever(t, "token");
    }
  }

  private bound(b: Bound): Value {
    return rangeValue(b.text, b.quoted, this.span(b.start, b.end));
  }
}

function describe(t: Tok): string {
  switch (t.t) {
    case "op":
      return `"${t.op}"`;
    case "term":
      return `"${t.raw}"`;
    case "phrase":
      return "a quoted phrase";
    case "regex":
      return "a regular expression";
    case "range":
      return "a range";
    case "bad":
      return t.what;
    default:
      return assertNever(t, "token");
  }
}

export function parseLuceneCondition(source: QuerySource): Result<Condition | null> {
  const toks = lex(source.text);
  if (!Array.isArray(toks)) {
    return { value: null, diagnostics: [error("LUCENE001", `Lucene syntax error: ${toks.error}`, fileSpan(source, toks.at, Math.min(toks.at + 1, source.text.length)))] };
  }
  if (toks.length === 0) {
    const span = fileSpan(source, 0, source.text.length);
    return { value: { kind: "test", value: { kind: "boolean", value: true, span }, span }, diagnostics: [] };
  }
  const p = new LuceneParser(source, toks);
  const value = p.parseTop();
  const failed = p.diagnostics.some((d) => d.severity === "error");
  return { value: failed ? null : value, diagnostics: p.diagnostics };
}

// ---------------------------------------------------------------------------
// Printing (for identity tests and for targets that want Lucene back)
// ---------------------------------------------------------------------------

const ESCAPE = new Set(["+", "-", "!", "(", ")", ":", "^", "[", "]", '"', "{", "}", "~", "*", "?", "\\", "/", "&", "|", " ", "\t", "\n", "\r", "\u3000"]);

function escapeTerm(text: string): string {
  let s = "";
  for (const c of text) s += ESCAPE.has(c) ? "\\" + c : c;
  return s;
}

function quotePhrase(text: string): string {
  return '"' + text.replace(/[\\"]/g, (c) => "\\" + c) + '"';
}

function luceneField(v: Value): string {
  if (v.kind !== "field" || v.optional) throw new Error("internal error: printLucene: only fields can be printed");
  if (!v.wildcard && v.path.includes("*")) throw new Error("internal error: printLucene: a literal `*` in a field name");
  return escapeTerm(v.path);
}

function luceneValue(v: MatchValue): string {
  switch (v.kind) {
    case "pattern": {
      if (!hasWildcard(v)) return quotePhrase(patternText(v));
      if (v.parts.length === 1 && v.parts[0]?.kind === "any") throw new Error("internal error: printLucene: a lone `*` pattern");
      return v.parts.map((p) => (p.kind === "text" ? escapeTerm(p.value) : p.kind === "any" ? "*" : "?")).join("");
    }
    case "number":
      if (!isPlainNumber(v.raw)) throw new Error(`internal error: printLucene: number ${v.raw}`);
      return v.raw;
    case "boolean":
      return String(v.value);
    default:
      return assertNever(v, "match value");
  }
}

function luceneBound(v: Value): string {
  switch (v.kind) {
    case "number":
      return v.raw;
    case "datemath":
      return quotePhrase(v.expr);
    case "string":
      if (isDateMath(v.value)) throw new Error("internal error: printLucene: a string that reads as date math");
      return quotePhrase(v.value);
    default:
      throw new Error(`internal error: printLucene: a range bound cannot be a ${v.kind}`);
  }
}

function isAtom(c: Condition): boolean {
  return c.kind !== "and" && c.kind !== "or" && c.kind !== "not";
}

function printL(c: Condition): string {
  switch (c.kind) {
    case "and":
      return c.operands.map((o) => (o.kind === "or" ? `(${printL(o)})` : printL(o))).join(" AND ");
    case "or":
      return c.operands.map((o) => (isAtom(o) ? printL(o) : `(${printL(o)})`)).join(" OR ");
    case "not":
      return isAtom(c.operand) ? `NOT ${printL(c.operand)}` : `NOT (${printL(c.operand)})`;
    case "match": {
      if (!c.caseSensitive) throw new Error("internal error: printLucene: a case-insensitive match");
      const f = luceneField(c.subject);
      const vs = c.values.map(luceneValue);
      return vs.length === 1 ? `${f}:${vs[0]}` : `${f}:(${vs.join(" OR ")})`;
    }
    case "regex-match": {
      if (!c.caseSensitive) throw new Error("internal error: printLucene: a case-insensitive regex");
      const f = luceneField(c.subject);
      const vs = c.patterns.map((p) => `/${p.source}/`);
      return vs.length === 1 ? `${f}:${vs[0]}` : `${f}:(${vs.join(" OR ")})`;
    }
    case "exists":
      return `_exists_:${luceneField(c.subject)}`;
    case "compare": {
      const f = luceneField(c.left);
      const b = luceneBound(c.right);
      switch (c.op) {
        case ">=":
          return `${f}:[${b} TO *]`;
        case ">":
          return `${f}:{${b} TO *]`;
        case "<=":
          return `${f}:[* TO ${b}]`;
        case "<":
          return `${f}:[* TO ${b}}`;
        default:
          return assertNever(c.op, "operator");
      }
    }
    case "fulltext":
      if (!c.caseSensitive) throw new Error("internal error: printLucene: a case-insensitive free-text search");
      return luceneValue(c.value);
    case "test":
      if (c.value.kind === "boolean" && c.value.value) return "*:*";
      throw new Error("internal error: printLucene: a computed test");
    case "nested":
      throw new Error("internal error: printLucene: Lucene has no nested queries");
    default:
      return assertNever(c, "condition");
  }
}

/** Prints a condition produced by `parseLucene` back to Lucene: `parseLucene(printLucene(c))` deep-equals `c` apart from spans. */
export function printLucene(c: Condition): string {
  return printL(c);
}
