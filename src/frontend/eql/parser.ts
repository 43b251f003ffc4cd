/**
 * The EQL parser: tokens -> IR, in one pass (parsing and lowering together).
 *
 * Grammar (Elasticsearch 8.x/9.x EqlBase.g4, restated):
 *
 *   statement  := query pipe*
 *   query      := sequence | sample | eventFilter          (`join` is rejected)
 *   sequence   := `sequence` (joinKeys [maxspan] | maxspan [joinKeys]) term+ [`until` term]
 *   sample     := `sample` [joinKeys] term+
 *   term       := (`[` | `![`) eventFilter `]` [joinKeys] [`with` `runs` `=` INTEGER]
 *   eventFilter:= (`any` | IDENTIFIER | STRING) `where` expr
 *   pipe       := `|` IDENTIFIER [expr (`,` expr)*]          (only head/tail)
 *   expr       := or;  or := and (`or` and)*;  and := not (`and` not)*
 *   not        := `not`* comparison
 *   comparison := additive [(== != < <= > >=) additive]      (not chained)
 *   additive   := multiplicative ((+|-) multiplicative)*
 *   multiplicative := unary ((*|/|%) unary)*
 *   unary      := (-|+)* postfix
 *   postfix    := primary [predicate]                        (a predicate binds to the primary, as in ES)
 *   predicate  := [`not`] (`in`|`in~`) `(` expr,* `)`
 *              |  (`:`|`like`|`like~`|`regex`|`regex~`) (constant | `(` constant,* `)`)
 *   primary    := constant | name[~] `(` expr,* `)` | [`?`] qualifiedName | `(` expr `)`
 *
 * Every chain (`or`, `and`, arithmetic, lists, `not`/unary prefixes) is a
 * loop; recursion happens only for parentheses and nested calls, and is
 * bounded (EQL027).
 *
 * Lowering to the IR (semantics: shared/reference/eql-semantics.md):
 * `:` -> match case-insensitive with wildcards; `like`/`like~` -> match with
 * wildcards, case-sensitive/insensitive; `==` and `in` -> case-sensitive
 * match, `*` literal; `in~` -> case-insensitive; `!=` / `not in` -> not(match);
 * `== null` -> not(exists); `!= null` -> exists; `regex`/`regex~` ->
 * regex-match (Lucene); `< <= > >=` -> compare; boolean values standing as
 * conditions -> test. A unary minus on a number literal folds into the
 * literal (`-4` is the number -4, raw "-4").
 *
 * Diagnostic codes (prefix EQL):
 *   001 syntax error                002 unterminated string      003 bad escape
 *   004 single-quoted string        005 `?"` string              006 unterminated comment
 *   007 unrecognised character      008 unterminated backquote   010 unknown function
 *   011 wrong number of arguments   012 no `~` variant           013 non-literal after `:`/like/regex
 *   014 field compared with field   015 not a condition          016 not a value
 *   017 `join` (ES rejects)         018 Endgame-only pipe        019 bad pipe
 *   020 sequence/sample structure   021 bad maxspan              022 bad runs
 *   023 `by` after `with maxspan` (warning) 024 join key not a field  025 `of` relationships
 *   026 unsupported literal         027 nesting too deep         028 chained comparison
 *   029 array index in a field name (warning: ES rejects it, the IR keeps it)
 *
 * Accepted with a warning although Elasticsearch rejects them, because the
 * project's grammar includes them: `by` after `with maxspan` (EQL023, ES:
 * "Please specify sequence [by] before [with] not after") and array indexes
 * (EQL029, ES: "Array indexes are not supported").
 */
import {
  assertNever,
  valueFields,
  type BooleanLit,
  type Call,
  type Condition,
  type Duration,
  type EventCategory,
  type EventQuery,
  type FieldRef,
  type MatchValue,
  type NumberLit,
  type Pattern,
  type PatternPart,
  type Pipe,
  type Query,
  type RegexLit,
  type SequenceTerm,
  type Span,
  type StringLit,
  type Value,
} from "../../ir/nodes.js";
import { type Diagnostic, error, warning, unsupported } from "../../diagnostics/index.js";
import type { QuerySource } from "../source.js";
import { arityText, ENDGAME_ONLY_FUNCTIONS, lookupFunction } from "./functions.js";
import * as L from "./lexer.js";

export interface EqlParse {
  readonly query: Query;
  readonly pipes: readonly Pipe[];
}

/** A subtree that failed (already reported). Never leaves this module. */
interface ErrorTerm {
  readonly kind: "error";
  readonly span: Span;
}
type Term = Value | Condition | ErrorTerm;

const MAX_DEPTH = 200;

interface Parser {
  readonly text: string;
  readonly src: QuerySource;
  readonly kind: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly flags: Uint8Array;
  readonly count: number;
  pos: number;
  depth: number;
  tooDeep: boolean;
  readonly diags: Diagnostic[];
}

// ---------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------

export function parseQuery(source: QuerySource): { value: EqlParse | null; diagnostics: Diagnostic[] } {
  const text = source.text;
  const diags: Diagnostic[] = [];
  const toks = L.lex(text, (code, message, s, e) => diags.push(error(code, message, fileSpan(source, s, e))));
  const p: Parser = {
    text,
    src: source,
    kind: toks.kind,
    start: toks.start,
    end: toks.end,
    flags: toks.flags,
    count: toks.count,
    pos: 0,
    depth: 0,
    tooDeep: false,
    diags,
  };
  const query = parseStatementQuery(p);
  const pipes = parsePipes(p);
  if (peek(p) !== L.T_EOF) {
    syntaxError(p, "`|` or the end of the query");
  }
  diags.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
  const failed = diags.some((d) => d.severity === "error");
  if (failed || query === null) return { value: null, diagnostics: diags };
  return { value: { query, pipes }, diagnostics: diags };
}

// ---------------------------------------------------------------------------
// Token helpers
// ---------------------------------------------------------------------------

function fileSpan(src: QuerySource, s: number, e: number): Span {
  return { start: src.toFile(s), end: src.toFile(e) };
}
function spanOf(p: Parser, s: number, e: number): Span {
  return { start: p.src.toFile(s), end: p.src.toFile(e) };
}
function peek(p: Parser): number {
  return p.kind[p.pos]!;
}
function peekAt(p: Parser, k: number): number {
  const i = p.pos + k;
  return i < p.count ? p.kind[i]! : L.T_EOF;
}
function tokStart(p: Parser): number {
  return p.start[p.pos]!;
}
function tokEnd(p: Parser): number {
  return p.end[p.pos]!;
}
/** End offset (query text) of the previous token. */
function prevEnd(p: Parser): number {
  return p.pos > 0 ? p.end[p.pos - 1]! : 0;
}
function advance(p: Parser): void {
  if (p.pos < p.count - 1) p.pos++;
}
function tokText(p: Parser, i = p.pos): string {
  return p.text.slice(p.start[i]!, p.end[i]!);
}

function describeToken(p: Parser, i = p.pos): string {
  const k = p.kind[i]!;
  switch (k) {
    case L.T_EOF:
      return "the end of the query";
    case L.T_IDENT:
    case L.T_TILDE_IDENT:
    case L.T_QUOTED_IDENT:
    case L.T_INTEGER:
    case L.T_DECIMAL: {
      const t = tokText(p, i);
      return `\`${t.length > 40 ? t.slice(0, 40) + "..." : t}\``;
    }
    case L.T_STRING:
    case L.T_RAW_STRING:
    case L.T_BAD_STRING: {
      const t = tokText(p, i);
      return `the string ${t.length > 40 ? t.slice(0, 40) + "..." : t}`;
    }
    default:
      return L.TOKEN_NAMES[k] ?? "a token";
  }
}

function report(p: Parser, d: Diagnostic): void {
  p.diags.push(d);
}

/** Reports "expected X, found Y" at the current token (with hints for common slips). */
function syntaxError(p: Parser, expected: string): void {
  let hint = "";
  const k = peek(p);
  if (k === L.T_ERROR) return; // the lexer reported it already
  if (p.tooDeep) return; // gave up after EQL027
  if (k === L.T_NOT && expected.startsWith("`and`")) {
    hint = " (after a value, `not` can only start `not in (...)`; to negate another test write `not` before it, as in `not x : \"a\"`)";
  } else if (k === L.T_IDENT) {
    const lower = tokText(p).toLowerCase();
    if (L.KEYWORDS.has(lower) && lower !== tokText(p)) hint = ` (EQL keywords are lowercase: write \`${lower}\`)`;
  } else if (k === L.T_ASGN) {
    hint = " (use `==` to compare; `=` appears only in `maxspan=` and `runs=`)";
  }
  const s = tokStart(p);
  const e = Math.max(tokEnd(p), s);
  report(p, error("EQL001", `expected ${expected}, found ${describeToken(p)}${hint}`, spanOf(p, s, e)));
}

/** Skips tokens until one of `stops` at nesting depth 0 (or the end), without consuming it. */
function skipUntil(p: Parser, stops: (k: number) => boolean): void {
  let depth = 0;
  for (;;) {
    const k = peek(p);
    if (k === L.T_EOF) return;
    if (depth === 0 && stops(k)) return;
    if (k === L.T_LP || k === L.T_LB || k === L.T_MISSING_OPEN) depth++;
    else if (k === L.T_RP || k === L.T_RB) {
      if (depth === 0) return; // an unmatched closer belongs to an outer construct
      depth--;
    }
    advance(p);
  }
}

function errorTerm(p: Parser, s: number, e: number): ErrorTerm {
  return { kind: "error", span: spanOf(p, s, e) };
}

// ---------------------------------------------------------------------------
// Term classification
// ---------------------------------------------------------------------------

function isValue(t: Term): t is Value {
  switch (t.kind) {
    case "field":
    case "string":
    case "number":
    case "boolean":
    case "null":
    case "datemath":
    case "call":
    case "arith":
    case "negate":
      return true;
    case "and":
    case "or":
    case "not":
    case "match":
    case "compare":
    case "regex-match":
    case "exists":
    case "test":
    case "fulltext":
    case "nested":
    case "error":
      return false;
    default:
      return assertNever(t, "term");
  }
}

function isConstant(v: Value): boolean {
  return v.kind === "string" || v.kind === "number" || v.kind === "boolean" || v.kind === "null";
}

/** The value references a field somewhere (ES cannot compare a field with a field). */
function hasField(v: Value): boolean {
  return valueFields(v).length > 0;
}

function describeTerm(t: Term): string {
  switch (t.kind) {
    case "field":
      return `the field \`${t.path}\``;
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "null":
      return "`null`";
    case "call":
      return `\`${t.name}(...)\``;
    case "arith":
    case "negate":
      return "an arithmetic expression";
    default:
      return "a condition";
  }
}

/** A term used where a condition is required. */
function asCondition(p: Parser, t: Term): Condition | ErrorTerm {
  if (t.kind === "error") return t;
  if (!isValue(t)) return t;
  switch (t.kind) {
    case "field":
    case "boolean":
      return { kind: "test", value: t, span: t.span };
    case "call": {
      const f = lookupFunction(t.name);
      if (f && f.boolean) return { kind: "test", value: t, span: t.span };
      report(p, error("EQL015", `expected a condition, found \`${t.name}(...)\`, which does not return a boolean: compare it with something`, t.span));
      return { kind: "error", span: t.span };
    }
    default:
      report(p, error("EQL015", `expected a condition, found ${describeTerm(t)}`, t.span));
      return { kind: "error", span: t.span };
  }
}

/** A term used where a value is required. */
function asValue(p: Parser, t: Term): Value | ErrorTerm {
  if (t.kind === "error") return t;
  if (isValue(t)) return t;
  report(p, error("EQL016", "expected a value, found a condition: a comparison or boolean expression cannot be used as a value here", t.span));
  return { kind: "error", span: t.span };
}

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

function parseStatementQuery(p: Parser): Query | null {
  const k = peek(p);
  switch (k) {
    case L.T_SEQUENCE:
      return parseSequence(p);
    case L.T_SAMPLE:
      return parseSample(p);
    case L.T_JOIN: {
      const s = tokStart(p);
      advance(p);
      skipUntil(p, (t) => t === L.T_PIPE);
      report(p, error("EQL017", "`join` is not supported by Elasticsearch EQL (use `sequence` or `sample`)", spanOf(p, s, prevEnd(p))));
      return null;
    }
    default:
      return parseEventFilter(p, false);
  }
}

/** `category where condition`. In a term (`inTerm`) it stops at `]`. */
function parseEventFilter(p: Parser, inTerm: boolean): EventQuery | null {
  const s = tokStart(p);
  let category: EventCategory | null = null;
  const k = peek(p);
  let ok = true;
  if (k === L.T_ANY) {
    category = { kind: "any" };
    advance(p);
  } else if (k === L.T_IDENT) {
    category = { kind: "named", name: tokText(p) };
    advance(p);
  } else if (k === L.T_STRING || k === L.T_RAW_STRING || k === L.T_BAD_STRING) {
    category = { kind: "named", name: stringValue(p, p.pos) };
    advance(p);
  } else {
    if (!inTerm && (k === L.T_LB || k === L.T_MISSING_OPEN)) {
      report(p, error("EQL001", "expected an event category, found `[`: bracketed terms belong in `sequence [...] [...]` or `sample by ... [...] [...]`", spanOf(p, s, tokEnd(p))));
    } else {
      syntaxError(p, "an event category (`any`, a name such as `process`, or a string)");
    }
    ok = false;
    if (k !== L.T_WHERE) {
      // skip to `where` if it comes before the end of this filter
      skipUntil(p, (t) => t === L.T_WHERE || t === L.T_PIPE || (inTerm && t === L.T_RB));
      if (peek(p) !== L.T_WHERE) return null;
    }
  }
  if (peek(p) === L.T_WHERE) {
    advance(p);
  } else if (ok) {
    syntaxError(p, "`where`");
    ok = false;
    if (!startsValue(peek(p)) && peek(p) !== L.T_NOT) return null;
  }
  let cond = asCondition(p, parseExpression(p));
  // Recovery: anything left before the closer is reported, then parsing goes on at the next `and`/`or`.
  for (;;) {
    const t = peek(p);
    if (t === L.T_EOF || t === L.T_PIPE || (inTerm && t === L.T_RB)) break;
    if (inTerm && (t === L.T_LB || t === L.T_MISSING_OPEN)) break; // a missing `]`: reported by the caller
    syntaxError(p, inTerm ? "`and`, `or` or `]`" : "`and`, `or`, `|` or the end of the query");
    ok = false;
    if (t === L.T_IDENT && /^(and|or)$/i.test(tokText(p))) {
      // `AND`/`Or`: reported above; read it as the keyword to check the rest
      advance(p);
      parseExpression(p);
      continue;
    }
    const before = p.pos;
    skipUntil(p, (x) => x === L.T_AND || x === L.T_OR || x === L.T_PIPE || (inTerm && (x === L.T_RB || x === L.T_LB)));
    if (p.pos === before && peek(p) !== L.T_AND && peek(p) !== L.T_OR) advance(p); // a stray closer: step over it
    if (peek(p) === L.T_AND || peek(p) === L.T_OR) {
      advance(p);
      parseExpression(p);
    }
  }
  if (cond.kind === "error" || !category || !ok) return null;
  cond = cond as Condition;
  return { kind: "event", category, condition: cond, span: spanOf(p, s, prevEnd(p)) };
}

function parseJoinKeys(p: Parser): Value[] | null {
  advance(p); // by
  const keys: Value[] = [];
  let ok = true;
  for (;;) {
    const t = asValue(p, parseExpression(p));
    if (t.kind === "error") ok = false;
    else if (t.kind !== "field") {
      report(p, error("EQL024", `a join key must be a field, found ${describeTerm(t)}`, t.span));
      ok = false;
    } else keys.push(t);
    if (peek(p) !== L.T_COMMA) break;
    advance(p);
  }
  return ok ? keys : null;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function parseMaxspan(p: Parser): Duration | null {
  advance(p); // with
  if (peek(p) !== L.T_MAXSPAN) {
    syntaxError(p, "`maxspan` after `with`");
    skipUntil(p, (t) => t === L.T_LB || t === L.T_BY || t === L.T_MISSING_OPEN);
    return null;
  }
  advance(p);
  if (peek(p) !== L.T_ASGN) {
    syntaxError(p, "`=` after `maxspan`");
    skipUntil(p, (t) => t === L.T_LB || t === L.T_BY || t === L.T_MISSING_OPEN);
    return null;
  }
  advance(p);
  const s = tokStart(p);
  const k = peek(p);
  if (k !== L.T_INTEGER && k !== L.T_DECIMAL) {
    syntaxError(p, "a time span such as `5m` after `maxspan=`");
    skipUntil(p, (t) => t === L.T_LB || t === L.T_BY || t === L.T_MISSING_OPEN);
    return null;
  }
  const raw = tokText(p);
  const numEnd = tokEnd(p);
  advance(p);
  let unit: string | null = null;
  if (peek(p) === L.T_IDENT && tokStart(p) === numEnd) {
    unit = tokText(p);
    advance(p);
  } else if (peek(p) === L.T_IDENT && peekAt(p, 1) !== L.T_COMMA && peekAt(p, 1) !== L.T_DOT) {
    // `maxspan = 5 m`: tolerated like ES does (the unit is a separate token there too)
    unit = tokText(p);
    advance(p);
  }
  const span = spanOf(p, s, prevEnd(p));
  if (k === L.T_DECIMAL) {
    report(p, error("EQL021", `maxspan must be a whole number of a unit, found \`${raw}\``, span));
    return null;
  }
  if (unit === null) {
    report(p, error("EQL021", `no time unit after maxspan=${raw}: write for example \`${raw}s\` (units: ms, s, m, h, d)`, span));
    return null;
  }
  const ms = UNIT_MS[unit];
  if (ms === undefined) {
    report(p, error("EQL021", `unknown time unit \`${unit}\` in maxspan: use one of ms, s, m, h, d`, span));
    return null;
  }
  const value = Number(raw);
  if (value <= 0) {
    report(p, error("EQL021", `maxspan must be positive, found ${raw}${unit}`, span));
    return null;
  }
  return { value, unit: unit as Duration["unit"], ms: value * ms, span };
}

interface TermOptions {
  readonly allowMissing: boolean;
  readonly allowRuns: boolean;
  readonly what: string;
}

function parseTerm(p: Parser, opts: TermOptions): SequenceTerm | null {
  const s = tokStart(p);
  const missing = peek(p) === L.T_MISSING_OPEN;
  if (peek(p) !== L.T_LB && !missing) {
    syntaxError(p, `\`[\` to start ${opts.what}`);
    return null;
  }
  advance(p);
  let ok = true;
  if (missing && !opts.allowMissing) {
    report(p, error("EQL020", `missing events \`![...]\` are not allowed in ${opts.what} (only as sequence terms)`, spanOf(p, s, s + 2)));
    ok = false;
  }
  const query = parseEventFilter(p, true);
  if (peek(p) === L.T_RB) advance(p);
  else {
    syntaxError(p, "`]` to close the event filter");
    ok = false;
  }
  let by: Value[] = [];
  if (peek(p) === L.T_BY) {
    const keys = parseJoinKeys(p);
    if (keys) by = keys;
    else ok = false;
  }
  let runs = 1;
  if (peek(p) === L.T_WITH) {
    const ws = tokStart(p);
    advance(p);
    if (peek(p) === L.T_MAXSPAN) {
      report(p, error("EQL021", "`with maxspan` belongs right after `sequence` (or its `by` keys), not after a term", spanOf(p, ws, tokEnd(p))));
      skipUntil(p, (t) => t === L.T_LB || t === L.T_MISSING_OPEN || t === L.T_UNTIL || t === L.T_PIPE);
      return null;
    }
    if (peek(p) !== L.T_IDENT || tokText(p) !== "runs") {
      syntaxError(p, "`runs` after `with` (as in `with runs=3`)");
      skipUntil(p, (t) => t === L.T_LB || t === L.T_MISSING_OPEN || t === L.T_UNTIL || t === L.T_PIPE);
      return null;
    }
    advance(p);
    if (peek(p) !== L.T_ASGN) {
      syntaxError(p, "`=` after `runs`");
      skipUntil(p, (t) => t === L.T_LB || t === L.T_MISSING_OPEN || t === L.T_UNTIL || t === L.T_PIPE);
      return null;
    }
    advance(p);
    if (peek(p) !== L.T_INTEGER) {
      syntaxError(p, "a whole number after `runs=`");
      skipUntil(p, (t) => t === L.T_LB || t === L.T_MISSING_OPEN || t === L.T_UNTIL || t === L.T_PIPE);
      return null;
    }
    runs = Number(tokText(p));
    const rspan = spanOf(p, ws, tokEnd(p));
    advance(p);
    if (!opts.allowRuns) {
      report(p, error("EQL022", `\`with runs\` is not allowed in ${opts.what}`, rspan));
      ok = false;
    } else if (!(runs >= 1 && runs <= 100)) {
      report(p, error("EQL022", `runs must be between 1 and 100, found ${tokText(p, p.pos - 1)}`, rspan));
      ok = false;
    }
    if (peek(p) === L.T_BY) {
      report(p, error("EQL001", "a term's `by` keys come before `with runs`, not after", spanOf(p, tokStart(p), tokEnd(p))));
      parseJoinKeys(p);
      ok = false;
    }
  }
  if (!query || !ok) return null;
  return { kind: "term", query, by, runs, missing, span: spanOf(p, s, prevEnd(p)) };
}

function parseSequence(p: Parser): Query | null {
  const s = tokStart(p);
  advance(p);
  let ok = true;
  let by: Value[] = [];
  let maxspan: Duration | null = null;
  let hadMaxspan = false;
  if (peek(p) === L.T_BY) {
    const keys = parseJoinKeys(p);
    if (keys) by = keys;
    else ok = false;
    if (peek(p) === L.T_WITH) {
      hadMaxspan = true;
      maxspan = parseMaxspan(p);
      if (!maxspan) ok = false;
    }
  } else if (peek(p) === L.T_WITH) {
    hadMaxspan = true;
    maxspan = parseMaxspan(p);
    if (!maxspan) ok = false;
    if (peek(p) === L.T_BY) {
      const bs = tokStart(p);
      const keys = parseJoinKeys(p);
      if (keys) by = keys;
      else ok = false;
      report(p, warning("EQL023", "Elasticsearch expects the sequence `by` keys before `with maxspan`, not after: write `sequence by ... with maxspan=...`", spanOf(p, bs, prevEnd(p))));
    }
  }
  const terms: SequenceTerm[] = [];
  const termOpts: TermOptions = { allowMissing: true, allowRuns: true, what: "a sequence term" };
  while (peek(p) === L.T_LB || peek(p) === L.T_MISSING_OPEN) {
    const before = p.pos;
    const t = parseTerm(p, termOpts);
    if (t) terms.push(t);
    else {
      ok = false;
      skipUntil(p, (k) => k === L.T_LB || k === L.T_MISSING_OPEN || k === L.T_UNTIL || k === L.T_PIPE);
      if (p.pos === before) advance(p);
    }
  }
  if (terms.length === 0 && ok) {
    syntaxError(p, "`[` to start the first sequence term");
    return null;
  }
  let until: SequenceTerm | null = null;
  if (peek(p) === L.T_UNTIL) {
    advance(p);
    until = parseTerm(p, { allowMissing: false, allowRuns: false, what: "an `until` term" });
    if (!until) ok = false;
  }
  if (!ok) return null;
  const span = spanOf(p, s, prevEnd(p));
  // Structure checks (Elasticsearch LogicalPlanBuilder).
  const queries = terms.reduce((n, t) => n + t.runs, 0);
  if (queries < 2) {
    report(p, error("EQL020", `a sequence needs at least 2 event queries (counting runs), found ${queries}`, span));
    ok = false;
  }
  if (terms.every((t) => t.missing)) {
    report(p, error("EQL020", "a sequence needs at least one event query that is not a missing event `![...]`", span));
    ok = false;
  }
  if (!hadMaxspan && terms.some((t) => t.missing)) {
    const m = terms.find((t) => t.missing)!;
    report(p, error("EQL020", "a sequence with missing events `![...]` needs `with maxspan=...`", m.span));
    ok = false;
  }
  const keyCount = (t: SequenceTerm) => t.by.length;
  const first = terms[0];
  if (first) {
    for (const t of until ? [...terms, until] : terms) {
      if (keyCount(t) !== keyCount(first)) {
        report(p, error("EQL020", `inconsistent join keys: the first term has ${keyCount(first)} \`by\` key(s) of its own, this one has ${keyCount(t)}`, t.span));
        ok = false;
        break;
      }
    }
  }
  if (!ok) return null;
  return { kind: "sequence", by, maxspan, terms, until, span };
}

function parseSample(p: Parser): Query | null {
  const s = tokStart(p);
  advance(p);
  let ok = true;
  let by: Value[] = [];
  if (peek(p) === L.T_BY) {
    const keys = parseJoinKeys(p);
    if (keys) by = keys;
    else ok = false;
  }
  if (peek(p) === L.T_WITH) {
    report(p, error("EQL020", "`with maxspan` is not supported in a sample", spanOf(p, tokStart(p), tokEnd(p))));
    parseMaxspan(p);
    ok = false;
  }
  const terms: SequenceTerm[] = [];
  const termOpts: TermOptions = { allowMissing: false, allowRuns: false, what: "a sample term" };
  while (peek(p) === L.T_LB || peek(p) === L.T_MISSING_OPEN) {
    const before = p.pos;
    const t = parseTerm(p, termOpts);
    if (t) terms.push(t);
    else {
      ok = false;
      skipUntil(p, (k) => k === L.T_LB || k === L.T_MISSING_OPEN || k === L.T_PIPE);
      if (p.pos === before) advance(p);
    }
  }
  if (peek(p) === L.T_UNTIL) {
    report(p, error("EQL020", "`until` is not supported in a sample", spanOf(p, tokStart(p), tokEnd(p))));
    advance(p);
    parseTerm(p, termOpts);
    ok = false;
  }
  if (!ok) return null;
  const span = spanOf(p, s, prevEnd(p));
  if (terms.length < 2) {
    report(p, error("EQL020", `a sample needs at least 2 event queries, found ${terms.length}`, span));
    return null;
  }
  const n = terms[0]!.by.length;
  const bad = terms.find((t) => t.by.length !== n);
  if (bad) {
    report(p, error("EQL020", `inconsistent join keys: the first term has ${n} \`by\` key(s) of its own, this one has ${bad.by.length}`, bad.span));
    return null;
  }
  return { kind: "sample", by, terms, span };
}

const ENDGAME_PIPES = new Set(["count", "filter", "sort", "unique", "unique_count", "window"]);

function parsePipes(p: Parser): Pipe[] {
  const pipes: Pipe[] = [];
  while (peek(p) === L.T_PIPE) {
    const s = tokStart(p);
    advance(p);
    if (peek(p) !== L.T_IDENT) {
      syntaxError(p, "a pipe name (`head` or `tail`) after `|`");
      skipUntil(p, (k) => k === L.T_PIPE);
      continue;
    }
    const name = tokText(p);
    const nameSpan = spanOf(p, tokStart(p), tokEnd(p));
    advance(p);
    const args: Term[] = [];
    if (peek(p) !== L.T_PIPE && peek(p) !== L.T_EOF) {
      for (;;) {
        args.push(parseExpression(p));
        if (peek(p) !== L.T_COMMA) break;
        advance(p);
      }
    }
    const span = spanOf(p, s, prevEnd(p));
    if (name !== "head" && name !== "tail") {
      if (ENDGAME_PIPES.has(name)) report(p, error("EQL018", `the \`${name}\` pipe is Endgame EQL only: Elasticsearch supports only \`head\` and \`tail\``, nameSpan));
      else report(p, error("EQL019", `unknown pipe \`${name}\`: Elasticsearch supports only \`head\` and \`tail\``, nameSpan));
      continue;
    }
    const arg = args[0];
    // ES: exactly one argument, an integer that is not negative
    if (args.length !== 1 || !arg || arg.kind !== "number" || !arg.integer || arg.value < 0) {
      report(p, error("EQL019", `\`${name}\` takes one whole number (0 or more), as in \`| ${name} 10\``, span));
      continue;
    }
    pipes.push({ kind: name, count: arg.value, span });
  }
  return pipes;
}

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

/**
 * Enters `n` levels of nesting. Parentheses, calls, list items, `not` and
 * unary prefixes and each link of an arithmetic chain count, so the depth of
 * the IR (which later passes walk recursively) stays bounded. Returns false,
 * after reporting EQL027 once and giving up on the rest of the query, when the
 * limit is passed; the caller still undoes its `n`.
 */
function enter(p: Parser, n: number): boolean {
  p.depth += n;
  if (p.depth <= MAX_DEPTH) return true;
  if (!p.tooDeep) {
    p.tooDeep = true;
    report(p, error("EQL027", `the query nests deeper than ${MAX_DEPTH} levels (parentheses, calls, \`not\`/minus prefixes and arithmetic chains count)`, spanOf(p, tokStart(p), tokEnd(p))));
  }
  p.pos = p.count - 1;
  return false;
}

function parseExpression(p: Parser): Term {
  const s = tokStart(p);
  const ok = enter(p, 1);
  const t = ok ? parseOr(p) : errorTerm(p, s, s);
  p.depth--;
  return t;
}

function parseOr(p: Parser): Term {
  return parseJunction(p, "or", L.T_OR, parseAnd);
}

function parseAnd(p: Parser): Term {
  return parseJunction(p, "and", L.T_AND, parseNot);
}

/** `operand (keyword operand)*`: the operand, or the `kind` junction of them all (nested junctions of the same kind flattened). */
function parseJunction(p: Parser, kind: "or" | "and", keyword: typeof L.T_OR | typeof L.T_AND, operand: (p: Parser) => Term): Term {
  const s = tokStart(p);
  const first = operand(p);
  if (peek(p) !== keyword) return first;
  const operands: Condition[] = [];
  let failed = false;
  const add = (t: Term): void => {
    const c = asCondition(p, t);
    if (c.kind === "error") failed = true;
    else if (c.kind === kind) operands.push(...c.operands);
    else operands.push(c);
  };
  add(first);
  while (peek(p) === keyword) {
    advance(p);
    add(operand(p));
  }
  if (failed) return errorTerm(p, s, prevEnd(p));
  return { kind, operands, span: spanOf(p, s, prevEnd(p)) };
}

function parseNot(p: Parser): Term {
  if (peek(p) !== L.T_NOT) return parseComparison(p);
  const starts: number[] = [];
  while (peek(p) === L.T_NOT) {
    starts.push(tokStart(p));
    advance(p);
  }
  const inside = enter(p, starts.length);
  let t: Term = inside ? asCondition(p, parseComparison(p)) : errorTerm(p, starts[0]!, prevEnd(p));
  p.depth -= starts.length;
  const e = prevEnd(p);
  for (let i = starts.length - 1; i >= 0; i--) {
    if (t.kind === "error") return t;
    t = { kind: "not", operand: t as Condition, span: spanOf(p, starts[i]!, e) };
  }
  return t;
}

function comparisonOp(k: number): "==" | "!=" | "<" | "<=" | ">" | ">=" | null {
  switch (k) {
    case L.T_EQ:
      return "==";
    case L.T_NEQ:
      return "!=";
    case L.T_LT:
      return "<";
    case L.T_LTE:
      return "<=";
    case L.T_GT:
      return ">";
    case L.T_GTE:
      return ">=";
    case L.T_ASGN:
      return "==";
    default:
      return null;
  }
}

function parseComparison(p: Parser): Term {
  const s = tokStart(p);
  const left = parseAdditive(p);
  const op = comparisonOp(peek(p));
  if (op === null) return left;
  if (peek(p) === L.T_ASGN) syntaxError(p, "a comparison operator");
  advance(p);
  const right = parseAdditive(p);
  const e = prevEnd(p);
  if (comparisonOp(peek(p)) !== null) {
    const cs = tokStart(p);
    while (comparisonOp(peek(p)) !== null) {
      advance(p);
      parseAdditive(p);
    }
    report(p, error("EQL028", "comparisons cannot be chained (as in `a < b < c`): combine them with `and`", spanOf(p, cs, prevEnd(p))));
    return errorTerm(p, s, prevEnd(p));
  }
  return lowerComparison(p, op, left, right, spanOf(p, s, e));
}

function lowerComparison(p: Parser, op: "==" | "!=" | "<" | "<=" | ">" | ">=", leftT: Term, rightT: Term, span: Span): Term {
  const left = asValue(p, leftT);
  const right = asValue(p, rightT);
  if (left.kind === "error" || right.kind === "error") return { kind: "error", span };
  if (op === "==" || op === "!=") {
    let subject: Value;
    let constant: Value;
    if (isConstant(right)) {
      subject = left;
      constant = right;
    } else if (isConstant(left)) {
      subject = right;
      constant = left;
    } else if (hasField(left) && hasField(right)) {
      report(p, error("EQL014", `Elasticsearch cannot compare a field with another field (\`${op}\` needs a literal on one side)`, span));
      return { kind: "error", span };
    } else {
      report(p, unsupported("EQL026", `\`${op}\` needs a literal value on one side; ruleport does not fold constant expressions`, right.span));
      return { kind: "error", span };
    }
    if (constant.kind === "null") {
      const exists: Condition = { kind: "exists", subject, span };
      return op === "==" ? { kind: "not", operand: exists, span } : exists;
    }
    const mv = exactValue(constant as StringLit | NumberLit | BooleanLit);
    const match: Condition = { kind: "match", subject, values: [mv], caseSensitive: true, operator: "==", span };
    return op === "!=" ? { kind: "not", operand: match, span } : match;
  }
  if (hasField(left) && hasField(right)) {
    report(p, error("EQL014", `Elasticsearch cannot compare a field with another field (\`${op}\` needs a literal on one side)`, span));
    return { kind: "error", span };
  }
  if (left.kind === "null" || right.kind === "null") {
    report(p, error("EQL026", `\`${op}\` cannot order against \`null\`: use \`== null\` or \`!= null\``, span));
    return { kind: "error", span };
  }
  return { kind: "compare", op, left, right, span };
}

/** A literal compared exactly (`==`, `in`): a string becomes a text-only pattern (`*` is literal). */
function exactValue(c: StringLit | NumberLit | BooleanLit): MatchValue {
  if (c.kind === "string") return textPattern(c.value, c.span);
  return c;
}

function textPattern(value: string, span: Span): Pattern {
  return { kind: "pattern", parts: value.length === 0 ? [] : [{ kind: "text", value }], span };
}

const ANY_PART: PatternPart = Object.freeze({ kind: "any" });
const ONE_PART: PatternPart = Object.freeze({ kind: "one" });

/** A wildcard pattern (`:`, `like`): `*` any run, `?` one character; a backslash is an ordinary character. */
export function wildcardPattern(value: string, span: Span): Pattern {
  const parts: PatternPart[] = [];
  let star = value.indexOf("*");
  let qm = value.indexOf("?");
  let run = 0;
  while (star >= 0 || qm >= 0) {
    const i = qm < 0 || (star >= 0 && star < qm) ? star : qm;
    if (i > run) parts.push({ kind: "text", value: value.slice(run, i) });
    if (i === star) {
      parts.push(ANY_PART);
      star = value.indexOf("*", i + 1);
    } else {
      parts.push(ONE_PART);
      qm = value.indexOf("?", i + 1);
    }
    run = i + 1;
  }
  if (run < value.length) parts.push({ kind: "text", value: run === 0 ? value : value.slice(run) });
  return { kind: "pattern", parts, span };
}

function parseAdditive(p: Parser): Term {
  const s = tokStart(p);
  let left = parseMultiplicative(p);
  let links = 0;
  for (;;) {
    const k = peek(p);
    if (k !== L.T_PLUS && k !== L.T_MINUS) break;
    advance(p);
    links++;
    if (!enter(p, 1)) {
      left = errorTerm(p, s, prevEnd(p));
      break;
    }
    const right = parseMultiplicative(p);
    left = arith(p, k === L.T_PLUS ? "+" : "-", left, right, s);
  }
  p.depth -= links;
  return left;
}

function parseMultiplicative(p: Parser): Term {
  const s = tokStart(p);
  let left = parseUnary(p);
  let links = 0;
  for (;;) {
    const k = peek(p);
    if (k !== L.T_STAR && k !== L.T_SLASH && k !== L.T_PERCENT) break;
    advance(p);
    links++;
    if (!enter(p, 1)) {
      left = errorTerm(p, s, prevEnd(p));
      break;
    }
    const right = parseUnary(p);
    left = arith(p, k === L.T_STAR ? "*" : k === L.T_SLASH ? "/" : "%", left, right, s);
  }
  p.depth -= links;
  return left;
}

function arith(p: Parser, op: "+" | "-" | "*" | "/" | "%", l: Term, r: Term, s: number): Term {
  const span = spanOf(p, s, prevEnd(p));
  const left = asValue(p, l);
  const right = asValue(p, r);
  if (left.kind === "error" || right.kind === "error") return { kind: "error", span };
  return { kind: "arith", op, left, right, span };
}

function parseUnary(p: Parser): Term {
  const k0 = peek(p);
  if (k0 !== L.T_MINUS && k0 !== L.T_PLUS) return parsePostfix(p);
  const ops: number[] = [];
  const starts: number[] = [];
  while (peek(p) === L.T_MINUS || peek(p) === L.T_PLUS) {
    ops.push(peek(p));
    starts.push(tokStart(p));
    advance(p);
  }
  const inside = enter(p, ops.length);
  let t: Term = inside ? parsePostfix(p) : errorTerm(p, starts[0]!, prevEnd(p));
  p.depth -= ops.length;
  const e = prevEnd(p);
  for (let i = ops.length - 1; i >= 0; i--) {
    const v = asValue(p, t);
    if (v.kind === "error") return v;
    if (ops[i] === L.T_PLUS) {
      t = v; // unary plus is the identity (ES drops it)
      continue;
    }
    const span = spanOf(p, starts[i]!, e);
    if (v.kind === "number" && !v.raw.startsWith("-")) {
      t = { kind: "number", value: -v.value, raw: "-" + v.raw, integer: v.integer, span };
    } else {
      t = { kind: "negate", operand: v, span };
    }
  }
  return t;
}

function parsePostfix(p: Parser): Term {
  const s = tokStart(p);
  const primary = parsePrimary(p);
  const k = peek(p);
  switch (k) {
    case L.T_NOT: {
      const k1 = peekAt(p, 1);
      if (k1 !== L.T_IN && k1 !== L.T_IN_I) return primary;
      advance(p);
      const m = parseInList(p, primary, k1 === L.T_IN_I, s);
      if (m.kind === "error") return m;
      return { kind: "not", operand: m as Condition, span: m.span };
    }
    case L.T_IN:
    case L.T_IN_I:
      return parseInList(p, primary, k === L.T_IN_I, s);
    case L.T_SEQ:
    case L.T_LIKE:
    case L.T_LIKE_I:
    case L.T_REGEX:
    case L.T_REGEX_I:
      return parseConstantPredicate(p, primary, k, s);
    default:
      return primary;
  }
}

/** `in (...)` / `in~ (...)`, the current token is the `in`. */
function parseInList(p: Parser, subjectT: Term, insensitive: boolean, s: number): Term {
  const opText = insensitive ? "in~" : "in";
  advance(p);
  if (peek(p) !== L.T_LP) {
    syntaxError(p, `\`(\` after \`${opText}\``);
    return errorTerm(p, s, prevEnd(p));
  }
  advance(p);
  const values: MatchValue[] = [];
  let ok = true;
  for (;;) {
    // Fast path for the common case, a literal followed by `,` or `)`.
    const k1 = peekAt(p, 1);
    if (k1 === L.T_COMMA || k1 === L.T_RP) {
      const k0 = peek(p);
      let v: MatchValue | null = null;
      if (k0 === L.T_STRING || k0 === L.T_RAW_STRING || k0 === L.T_BAD_STRING) v = textPattern(stringValue(p, p.pos), spanOf(p, tokStart(p), tokEnd(p)));
      else {
        const c = constantAt(p);
        if (c) v = exactValue(c);
      }
      if (v) {
        values.push(v);
        advance(p);
        if (peek(p) !== L.T_COMMA) break;
        advance(p);
        continue;
      }
    }
    const t = parseExpression(p);
    const v = asValue(p, t);
    if (v.kind === "error") ok = false;
    else if (v.kind === "string" || v.kind === "number" || v.kind === "boolean") values.push(exactValue(v));
    else if (v.kind === "null") {
      report(p, unsupported("EQL026", `\`null\` in an \`${opText}\` list is not supported: test \`== null\` separately`, v.span));
      ok = false;
    } else if (hasField(v)) {
      report(p, error("EQL014", `Elasticsearch cannot compare a field with another field: an \`${opText}\` list holds literals only, found ${describeTerm(v)}`, v.span));
      ok = false;
    } else {
      report(p, unsupported("EQL026", `an \`${opText}\` list holds literals only; ruleport does not fold constant expressions`, v.span));
      ok = false;
    }
    if (peek(p) !== L.T_COMMA) break;
    advance(p);
  }
  if (peek(p) === L.T_RP) advance(p);
  else {
    syntaxError(p, `\`,\` or \`)\` in the \`${opText}\` list`);
    skipUntil(p, (k) => k === L.T_RP || k === L.T_RB || k === L.T_PIPE);
    if (peek(p) === L.T_RP) advance(p);
    ok = false;
  }
  const span = spanOf(p, s, prevEnd(p));
  const subject = asValue(p, subjectT);
  if (subject.kind === "error" || !ok) return { kind: "error", span };
  return { kind: "match", subject, values, caseSensitive: !insensitive, operator: "in", span };
}

function opName(k: number): string {
  switch (k) {
    case L.T_SEQ:
      return ":";
    case L.T_LIKE:
      return "like";
    case L.T_LIKE_I:
      return "like~";
    case L.T_REGEX:
      return "regex";
    default:
      return "regex~";
  }
}

/** `:`, `like`, `like~`, `regex`, `regex~` followed by a constant or a list of constants. */
function parseConstantPredicate(p: Parser, subjectT: Term, op: number, s: number): Term {
  const name = opName(op);
  advance(p);
  const regex = op === L.T_REGEX || op === L.T_REGEX_I;
  const items: (MatchValue | RegexLit)[] = [];
  let ok = true;
  if (peek(p) === L.T_LP) {
    advance(p);
    for (;;) {
      const c = predicateItem(p, op, name);
      if (c) items.push(c);
      else ok = false;
      if (peek(p) !== L.T_COMMA) break;
      advance(p);
    }
    if (peek(p) === L.T_RP) advance(p);
    else {
      syntaxError(p, `\`,\` or \`)\` in the \`${name}\` list`);
      skipUntil(p, (k) => k === L.T_RP || k === L.T_RB || k === L.T_PIPE);
      if (peek(p) === L.T_RP) advance(p);
      ok = false;
    }
  } else {
    const c = predicateItem(p, op, name);
    if (c) items.push(c);
    else ok = false;
  }
  const span = spanOf(p, s, prevEnd(p));
  const subject = asValue(p, subjectT);
  if (subject.kind === "error" || !ok) return { kind: "error", span };
  if (regex) return { kind: "regex-match", subject, patterns: items as RegexLit[], caseSensitive: op === L.T_REGEX, span };
  const values = items as MatchValue[];
  if (op === L.T_SEQ) return { kind: "match", subject, values, caseSensitive: false, operator: ":", span };
  return { kind: "match", subject, values, caseSensitive: op === L.T_LIKE, operator: "like", span };
}

/**
 * One literal after `:`/like/regex, lowered: a wildcard pattern (`:`, like),
 * a regular expression (regex), or a number/boolean (`:` only). Advances past
 * it; null after reporting what stood there instead.
 */
function predicateItem(p: Parser, op: number, name: string): MatchValue | RegexLit | null {
  const k = peek(p);
  if (k === L.T_STRING || k === L.T_RAW_STRING || k === L.T_BAD_STRING) {
    const value = stringValue(p, p.pos);
    const span = spanOf(p, tokStart(p), tokEnd(p));
    advance(p);
    if (op === L.T_REGEX || op === L.T_REGEX_I) return { kind: "regex", dialect: "lucene", source: value, span };
    return wildcardPattern(value, span);
  }
  const c = predicateConstant(p, name);
  if (!c) return null;
  if (op === L.T_SEQ && c.kind !== "string") return c;
  const needs = op === L.T_REGEX || op === L.T_REGEX_I ? "a string (a regular expression)" : "a string pattern";
  report(p, error("EQL026", `\`${name}\` needs ${needs}, found ${describeTerm(c)}`, c.span));
  return null;
}

/** The literal after `:`/like/regex (advancing past it), or null after reporting what was there instead. */
function predicateConstant(p: Parser, name: string): StringLit | NumberLit | BooleanLit | null {
  const k = peek(p);
  const c = constantAt(p);
  if (c) {
    advance(p);
    return c;
  }
  if (k === L.T_NULL) {
    report(p, error("EQL026", `\`null\` cannot follow \`${name}\`: use \`== null\` or \`!= null\``, spanOf(p, tokStart(p), tokEnd(p))));
    advance(p);
    return null;
  }
  // Not a literal: ES's grammar rejects it. Parse it to say what it is.
  const vs = tokStart(p);
  if (k === L.T_MINUS && (peekAt(p, 1) === L.T_INTEGER || peekAt(p, 1) === L.T_DECIMAL)) {
    advance(p);
    advance(p);
    report(p, error("EQL013", `the right side of \`${name}\` must be a string literal; a negative number is not a literal in EQL`, spanOf(p, vs, prevEnd(p))));
    return null;
  }
  if (startsValue(k)) {
    // counted as a level: `a : b : c : ...` recurses through here
    const ok = enter(p, 1);
    const before = p.diags.length;
    const t = ok ? parseUnary(p) : errorTerm(p, vs, vs);
    p.depth--;
    if (!ok) return null;
    // In a chain `a : b : c : ...` every inner `:` has the same problem; this one error covers them.
    const inner = p.diags.splice(before);
    p.diags.push(...inner.filter((d) => d.code !== "EQL013"));
    const what = t.kind === "field" ? "a field" : t.kind === "call" ? "a function call" : describeTerm(t);
    report(p, error("EQL013", `the right side of \`${name}\` must be a literal (or a parenthesised list of literals), found ${what}: Elasticsearch does not compare a field with a field or a function`, spanOf(p, vs, prevEnd(p))));
  } else {
    syntaxError(p, `a string after \`${name}\``);
  }
  return null;
}

/** The literal at the current token (string, number, boolean), or null. Does not advance. */
function constantAt(p: Parser): StringLit | NumberLit | BooleanLit | null {
  const k = peek(p);
  switch (k) {
    case L.T_STRING:
    case L.T_RAW_STRING:
    case L.T_BAD_STRING:
      return { kind: "string", value: stringValue(p, p.pos), span: spanOf(p, tokStart(p), tokEnd(p)) };
    case L.T_INTEGER:
    case L.T_DECIMAL:
      return numberLit(p);
    case L.T_TRUE:
    case L.T_FALSE:
      return { kind: "boolean", value: k === L.T_TRUE, span: spanOf(p, tokStart(p), tokEnd(p)) };
    default:
      return null;
  }
}

function stringValue(p: Parser, i: number): string {
  const k = p.kind[i]!;
  const s = p.start[i]!;
  const e = p.end[i]!;
  if (k === L.T_RAW_STRING) return L.decodeRawString(p.text, s, e);
  if (k === L.T_BAD_STRING) return L.decodeBadString(p.text, s, e);
  return L.decodeString(p.text, s, e, p.flags[i]!);
}

function numberLit(p: Parser): NumberLit {
  const raw = tokText(p);
  const integer = peek(p) === L.T_INTEGER;
  return { kind: "number", value: Number(raw), raw, integer, span: spanOf(p, tokStart(p), tokEnd(p)) };
}

function startsValue(k: number): boolean {
  switch (k) {
    case L.T_IDENT:
    case L.T_TILDE_IDENT:
    case L.T_QUOTED_IDENT:
    case L.T_OPTIONAL:
    case L.T_STRING:
    case L.T_RAW_STRING:
    case L.T_BAD_STRING:
    case L.T_INTEGER:
    case L.T_DECIMAL:
    case L.T_TRUE:
    case L.T_FALSE:
    case L.T_NULL:
    case L.T_LP:
    case L.T_MINUS:
    case L.T_PLUS:
      return true;
    default:
      return false;
  }
}

function parsePrimary(p: Parser): Term {
  const k = peek(p);
  const s = tokStart(p);
  switch (k) {
    case L.T_STRING:
    case L.T_RAW_STRING:
    case L.T_BAD_STRING:
    case L.T_INTEGER:
    case L.T_DECIMAL:
    case L.T_TRUE:
    case L.T_FALSE: {
      const c = constantAt(p)!;
      advance(p);
      return c;
    }
    case L.T_NULL:
      advance(p);
      return { kind: "null", span: spanOf(p, s, prevEnd(p)) };
    case L.T_OPTIONAL: {
      advance(p);
      const k1 = peek(p);
      if (k1 !== L.T_IDENT && k1 !== L.T_QUOTED_IDENT) {
        syntaxError(p, "a field name after `?`");
        return errorTerm(p, s, prevEnd(p));
      }
      return parseField(p, s, true);
    }
    case L.T_IDENT:
      if (peekAt(p, 1) === L.T_LP) return parseCall(p, false);
      return parseField(p, s, false);
    case L.T_TILDE_IDENT:
      if (peekAt(p, 1) === L.T_LP) return parseCall(p, true);
      report(p, error("EQL001", `\`~\` makes a function case-insensitive, as in \`${tokText(p)}(...)\`; expected \`(\` after it`, spanOf(p, s, tokEnd(p))));
      advance(p);
      return errorTerm(p, s, prevEnd(p));
    case L.T_QUOTED_IDENT:
      return parseField(p, s, false);
    case L.T_LP: {
      advance(p);
      const inner = parseExpression(p);
      if (peek(p) === L.T_RP) {
        advance(p);
        return inner;
      }
      syntaxError(p, "`)`");
      skipUntil(p, (t) => t === L.T_RP || t === L.T_PIPE);
      if (peek(p) === L.T_RP) advance(p);
      return errorTerm(p, s, prevEnd(p));
    }
    default: {
      if (L.isKeywordToken(k) && k !== L.T_NOT) {
        const kw = tokText(p);
        const isStop = k === L.T_AND || k === L.T_OR || k === L.T_WHERE || k === L.T_BY || k === L.T_WITH || k === L.T_UNTIL;
        report(
          p,
          error(
            "EQL001",
            `expected a value (a field, literal, function call or \`(\`), found the keyword \`${kw}\`` + (isStop ? "" : ` (a field with this name must be backquoted: \`\`${kw}\`\`)`),
            spanOf(p, s, tokEnd(p)),
          ),
        );
        if (!isStop) advance(p);
        return errorTerm(p, s, s);
      }
      syntaxError(p, "a value (a field, literal, function call or `(`)");
      // Consume the offending token unless it closes or separates something.
      if (k !== L.T_EOF && k !== L.T_RP && k !== L.T_RB && k !== L.T_COMMA && k !== L.T_PIPE && k !== L.T_LB && k !== L.T_MISSING_OPEN) advance(p);
      return errorTerm(p, s, s);
    }
  }
}

function parseField(p: Parser, s: number, optional: boolean): Term {
  // Fast path: `a.b.c` written with plain names and no spaces is its own path text.
  if (p.kind[p.pos] === L.T_IDENT) {
    let i = p.pos;
    while (p.kind[i + 1] === L.T_DOT && p.kind[i + 2] === L.T_IDENT && p.start[i + 1] === p.end[i] && p.start[i + 2] === p.end[i + 1]) i += 2;
    const next = p.kind[i + 1];
    if (next !== L.T_DOT && next !== L.T_LB && next !== L.T_OF) {
      const from = p.start[p.pos]!;
      const to = p.end[i]!;
      p.pos = i;
      advance(p);
      return { kind: "field", path: p.text.slice(from, to), optional, wildcard: false, span: spanOf(p, s, to) };
    }
  }
  let path = segmentText(p);
  advance(p);
  for (;;) {
    const k = peek(p);
    if (k === L.T_DOT) {
      const k1 = peekAt(p, 1);
      if (k1 === L.T_IDENT || k1 === L.T_QUOTED_IDENT || L.isKeywordToken(k1)) {
        advance(p);
        path += "." + segmentText(p);
        advance(p);
        continue;
      }
      advance(p);
      syntaxError(p, "a field name after `.`");
      return errorTerm(p, s, prevEnd(p));
    }
    if (k === L.T_LB && peekAt(p, 1) === L.T_INTEGER) {
      const is = tokStart(p);
      advance(p);
      path += "[" + tokText(p) + "]";
      advance(p);
      if (peek(p) !== L.T_RB) {
        syntaxError(p, "`]` after the array index");
        return errorTerm(p, s, prevEnd(p));
      }
      advance(p);
      report(p, warning("EQL029", "Elasticsearch rejects array indexes in field names (\"Array indexes are not supported\"); ruleport keeps the index in the field path", spanOf(p, is, prevEnd(p))));
      continue;
    }
    if (k === L.T_OF) {
      const name = path;
      advance(p);
      skipUntil(p, (t) => t === L.T_AND || t === L.T_OR);
      report(p, error("EQL025", `\`${name} of [...]\` relationships (Endgame EQL) are not supported by Elasticsearch`, spanOf(p, s, prevEnd(p))));
      return errorTerm(p, s, prevEnd(p));
    }
    break;
  }
  const field: FieldRef = { kind: "field", path, optional, wildcard: false, span: spanOf(p, s, prevEnd(p)) };
  return field;
}

function segmentText(p: Parser): string {
  const i = p.pos;
  if (p.kind[i] === L.T_QUOTED_IDENT) return L.decodeQuotedIdent(p.text, p.start[i]!, p.end[i]!, p.flags[i]!);
  return p.text.slice(p.start[i]!, p.end[i]!);
}

function parseCall(p: Parser, tilde: boolean): Term {
  const s = tokStart(p);
  const written = tilde ? p.text.slice(s, tokEnd(p) - 1) : tokText(p);
  const nameSpan = spanOf(p, s, tokEnd(p));
  advance(p); // name
  advance(p); // (
  const args: Value[] = [];
  let ok = true;
  if (peek(p) !== L.T_RP) {
    for (;;) {
      const k1 = peekAt(p, 1);
      if (k1 === L.T_COMMA || k1 === L.T_RP) {
        const c = constantAt(p);
        if (c) {
          args.push(c);
          advance(p);
          if (peek(p) !== L.T_COMMA) break;
          advance(p);
          continue;
        }
      }
      const v = asValue(p, parseExpression(p));
      if (v.kind === "error") ok = false;
      else args.push(v);
      if (peek(p) !== L.T_COMMA) break;
      advance(p);
    }
  }
  if (peek(p) === L.T_RP) advance(p);
  else {
    syntaxError(p, `\`,\` or \`)\` in the arguments of \`${written}\``);
    skipUntil(p, (k) => k === L.T_RP || k === L.T_PIPE);
    if (peek(p) === L.T_RP) advance(p);
    ok = false;
  }
  const span = spanOf(p, s, prevEnd(p));
  const f = lookupFunction(written);
  if (!f) {
    if (ENDGAME_ONLY_FUNCTIONS.has(written.toLowerCase())) report(p, error("EQL010", `\`${written}\` is an Endgame EQL function that Elasticsearch does not support`, nameSpan));
    else report(p, error("EQL010", `unknown function \`${written}\``, nameSpan));
    return { kind: "error", span };
  }
  if (tilde && !f.insensitive) {
    report(p, error("EQL012", `\`${f.name}\` has no case-insensitive \`~\` variant`, nameSpan));
    ok = false;
  }
  if (ok && (args.length < f.minArgs || args.length > f.maxArgs)) {
    report(p, error("EQL011", `\`${f.name}\` takes ${arityText(f)}, found ${args.length}`, span));
    ok = false;
  }
  if (!ok) return { kind: "error", span };
  const call: Call = { kind: "call", name: f.name, args, caseInsensitive: tilde, span };
  return call;
}
