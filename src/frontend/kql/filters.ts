/**
 * Kibana filter objects (`[[rule.filters]]`) -> one IR condition.
 *
 * Kibana turns each enabled filter into Elasticsearch query DSL (the filter's
 * `query`, or for older saved filters the filter object itself without `meta`
 * and `$state`), wraps a negated one (`meta.negate`) in `must_not`, drops a
 * disabled one (`meta.disabled`), and puts all of them in the `filter` clause
 * of the search next to the rule's query: an AND. Sources: elastic/kibana
 * `kbn-es-query/src/es_query/from_filters.ts` (filterToQueryDsl, translateToQuery,
 * cleanFilter) and the Elasticsearch query DSL reference.
 *
 * The DSL queries understood here are those whose meaning the IR states
 * exactly; anything else is an `unsupported` diagnostic, never a guess:
 *   match_phrase, match, term, terms   -> match (case-sensitive unless `case_insensitive`)
 *   wildcard, prefix                   -> match with a pattern (`*` any run, `?` one character, `\` escapes)
 *   regexp                             -> regex-match (Lucene syntax)
 *   exists                             -> exists
 *   range                              -> compare(s)
 *   bool must/filter/should/must_not   -> and / or / not (minimum_should_match as Elasticsearch defaults it)
 *   match_all                          -> test(true)
 *   query_string                       -> the Lucene frontend
 */
import type { Condition, FieldRef, MatchValue, PatternPart, Span, Value } from "../../ir/nodes.js";
import { type Diagnostic, type Result, unsupported, warning } from "../../diagnostics/index.js";
import type { KibanaFilter } from "../rule-document.js";
import { combine, isDateMath, pushText, textPattern } from "./pattern.js";
import { parseLuceneCondition } from "./lucene.js";

const ZERO: Span = { start: 0, end: 0 };

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

interface Ctx {
  readonly span: Span;
  readonly diagnostics: Diagnostic[];
}

function bad(ctx: Ctx, message: string): null {
  ctx.diagnostics.push(unsupported("KQL301", `Kibana filter: ${message}`, ctx.span));
  return null;
}

function field(path: string, span: Span): FieldRef {
  return { kind: "field", path, optional: false, wildcard: false, span };
}

/** `{ "<field>": <body> }` with exactly one field. */
function single(ctx: Ctx, kind: string, body: unknown): [string, unknown] | null {
  if (!isObj(body)) return bad(ctx, `\`${kind}\` must be an object`);
  const keys = Object.keys(body);
  if (keys.length !== 1) return bad(ctx, `\`${kind}\` must name exactly one field, found ${keys.length}`);
  const k = keys[0] as string;
  return [k, body[k]];
}

/** Only these option keys may appear; `boost` and `_name` do not change what matches. */
function onlyKeys(ctx: Ctx, kind: string, o: Obj, allowed: readonly string[]): boolean {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k) && k !== "boost" && k !== "_name") {
      bad(ctx, `\`${kind}\` option \`${k}\` is not supported`);
      return false;
    }
  }
  return true;
}

function scalar(ctx: Ctx, v: unknown, kind: string): MatchValue | null {
  if (typeof v === "string") return textPattern(v, ctx.span);
  if (typeof v === "number" && Number.isFinite(v)) return { kind: "number", value: v, raw: String(v), integer: Number.isInteger(v), span: ctx.span };
  if (typeof v === "boolean") return { kind: "boolean", value: v, span: ctx.span };
  return bad(ctx, `\`${kind}\` value must be a string, number or boolean`);
}

/** Elasticsearch wildcard syntax: `*` any run, `?` one character, `\` escapes the next character. */
function wildcardParts(value: string): PatternPart[] {
  const parts: PatternPart[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === "\\" && i + 1 < value.length) {
      pushText(parts, value[i + 1] as string);
      i++;
    } else if (c === "*") parts.push({ kind: "any" });
    else if (c === "?") parts.push({ kind: "one" });
    else pushText(parts, c);
  }
  return parts;
}

function caseSensitive(ctx: Ctx, o: Obj): boolean | null {
  const ci = o["case_insensitive"];
  if (ci === undefined) return true;
  if (typeof ci !== "boolean") return bad(ctx, "`case_insensitive` must be a boolean");
  return !ci;
}

function matchLike(ctx: Ctx, kind: "match_phrase" | "match" | "term", body: unknown): Condition | null {
  const fv = single(ctx, kind, body);
  if (!fv) return null;
  const [name, raw] = fv;
  let value: unknown = raw;
  let cs = true;
  if (isObj(raw)) {
    const valueKey = kind === "term" ? "value" : "query";
    const allowed = kind === "term" ? ["value", "case_insensitive"] : kind === "match" ? ["query", "type", "operator"] : ["query"];
    if (!onlyKeys(ctx, kind, raw, allowed)) return null;
    if (kind === "match" && raw["type"] !== undefined && raw["type"] !== "phrase") return bad(ctx, `\`match\` type \`${String(raw["type"])}\` is not supported`);
    value = raw[valueKey];
    const c = kind === "term" ? caseSensitive(ctx, raw) : true;
    if (c === null) return null;
    cs = c;
  }
  const v = scalar(ctx, value, kind);
  if (!v) return null;
  return { kind: "match", subject: field(name, ctx.span), values: [v], caseSensitive: cs, operator: "kql", span: ctx.span };
}

function terms(ctx: Ctx, body: unknown): Condition | null {
  if (!isObj(body)) return bad(ctx, "`terms` must be an object");
  const keys = Object.keys(body).filter((k) => k !== "boost" && k !== "_name");
  if (keys.length !== 1) return bad(ctx, "`terms` must name exactly one field");
  const name = keys[0] as string;
  const list = body[name];
  if (!Array.isArray(list) || list.length === 0) return bad(ctx, "`terms` needs a non-empty array of values (terms lookup is not supported)");
  const values: MatchValue[] = [];
  for (const x of list) {
    const v = scalar(ctx, x, "terms");
    if (!v) return null;
    values.push(v);
  }
  return { kind: "match", subject: field(name, ctx.span), values, caseSensitive: true, operator: "kql", span: ctx.span };
}

function wildcardQuery(ctx: Ctx, kind: "wildcard" | "prefix", body: unknown): Condition | null {
  const fv = single(ctx, kind, body);
  if (!fv) return null;
  const [name, raw] = fv;
  let value: unknown = raw;
  let cs = true;
  if (isObj(raw)) {
    if (!onlyKeys(ctx, kind, raw, kind === "wildcard" ? ["value", "wildcard", "case_insensitive", "rewrite"] : ["value", "case_insensitive", "rewrite"])) return null;
    value = raw["value"] ?? raw["wildcard"];
    const c = caseSensitive(ctx, raw);
    if (c === null) return null;
    cs = c;
  }
  if (typeof value !== "string") return bad(ctx, `\`${kind}\` value must be a string`);
  const parts: PatternPart[] = [];
  if (kind === "wildcard") parts.push(...wildcardParts(value));
  else {
    pushText(parts, value);
    parts.push({ kind: "any" });
  }
  return { kind: "match", subject: field(name, ctx.span), values: [{ kind: "pattern", parts, span: ctx.span }], caseSensitive: cs, operator: "kql", span: ctx.span };
}

function regexpQuery(ctx: Ctx, body: unknown): Condition | null {
  const fv = single(ctx, "regexp", body);
  if (!fv) return null;
  const [name, raw] = fv;
  let value: unknown = raw;
  let cs = true;
  if (isObj(raw)) {
    if (!onlyKeys(ctx, "regexp", raw, ["value", "case_insensitive", "flags", "max_determinized_states", "rewrite"])) return null;
    if (raw["flags"] !== undefined && raw["flags"] !== "ALL") return bad(ctx, "`regexp` flags other than ALL are not supported");
    value = raw["value"];
    const c = caseSensitive(ctx, raw);
    if (c === null) return null;
    cs = c;
  }
  if (typeof value !== "string") return bad(ctx, "`regexp` value must be a string");
  return { kind: "regex-match", subject: field(name, ctx.span), patterns: [{ kind: "regex", dialect: "lucene", source: value, span: ctx.span }], caseSensitive: cs, span: ctx.span };
}

function rangeQuery(ctx: Ctx, body: unknown): Condition | null {
  const fv = single(ctx, "range", body);
  if (!fv) return null;
  const [name, raw] = fv;
  if (!isObj(raw)) return bad(ctx, "`range` bounds must be an object");
  if (!onlyKeys(ctx, "range", raw, ["gt", "gte", "lt", "lte"])) return null;
  const ops: Condition[] = [];
  const OPS = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;
  for (const key of ["gt", "gte", "lt", "lte"] as const) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    let right: Value;
    if (typeof v === "number" && Number.isFinite(v)) right = { kind: "number", value: v, raw: String(v), integer: Number.isInteger(v), span: ctx.span };
    else if (typeof v === "string") right = isDateMath(v) ? { kind: "datemath", expr: v, span: ctx.span } : { kind: "string", value: v, span: ctx.span };
    else return bad(ctx, "`range` bounds must be numbers or strings");
    ops.push({ kind: "compare", op: OPS[key], left: field(name, ctx.span), right, span: ctx.span });
  }
  if (ops.length === 0) return { kind: "exists", subject: field(name, ctx.span), span: ctx.span };
  return combine("and", ops, ctx.span);
}

function clauses(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function boolQuery(ctx: Ctx, body: unknown, depth: number): Condition | null {
  if (!isObj(body)) return bad(ctx, "`bool` must be an object");
  if (!onlyKeys(ctx, "bool", body, ["must", "filter", "should", "must_not", "minimum_should_match"])) return null;
  const required: Condition[] = [];
  for (const q of [...clauses(body["must"]), ...clauses(body["filter"])]) {
    const c = dsl(ctx, q, depth + 1);
    if (!c) return null;
    required.push(c);
  }
  const should: Condition[] = [];
  for (const q of clauses(body["should"])) {
    const c = dsl(ctx, q, depth + 1);
    if (!c) return null;
    should.push(c);
  }
  const mustNot: Condition[] = [];
  for (const q of clauses(body["must_not"])) {
    const c = dsl(ctx, q, depth + 1);
    if (!c) return null;
    mustNot.push(c);
  }
  // Elasticsearch: minimum_should_match defaults to 1 when there are should
  // clauses and no must/filter clause, and to 0 otherwise.
  const msmRaw = body["minimum_should_match"];
  let msm = should.length > 0 && required.length === 0 ? 1 : 0;
  if (msmRaw !== undefined) {
    const n = typeof msmRaw === "number" ? msmRaw : typeof msmRaw === "string" && /^[0-9]+$/.test(msmRaw) ? Number(msmRaw) : NaN;
    if (n !== 0 && n !== 1 && !(n === should.length && n > 0)) return bad(ctx, `\`minimum_should_match\` ${JSON.stringify(msmRaw)} is not supported (only 0, 1 or all)`);
    msm = n;
  }
  const parts = [...required];
  if (should.length > 0) {
    if (msm === 0) ctx.diagnostics.push(warning("KQL302", "Kibana filter: `should` clauses next to `must`/`filter` do not change which events match (minimum_should_match is 0); they are ignored", ctx.span));
    else if (msm === should.length && should.length > 1) parts.push(...should);
    else parts.push(combine("or", should, ctx.span));
  }
  for (const n of mustNot) parts.push({ kind: "not", operand: n, span: ctx.span });
  if (parts.length === 0) return { kind: "test", value: { kind: "boolean", value: true, span: ctx.span }, span: ctx.span };
  return combine("and", parts, ctx.span);
}

const MAX_BOOL_DEPTH = 64;

/** One query DSL object -> condition; null (with a diagnostic) when not representable. */
function dsl(ctx: Ctx, q: unknown, depth: number): Condition | null {
  if (depth > MAX_BOOL_DEPTH) return bad(ctx, "bool queries nest too deeply");
  if (!isObj(q)) return bad(ctx, "a query must be an object");
  const keys = Object.keys(q);
  if (keys.length !== 1) return bad(ctx, `a query must have exactly one type, found ${keys.length === 0 ? "none" : keys.map((k) => `\`${k}\``).join(", ")}`);
  const kind = keys[0] as string;
  const body = q[kind];
  switch (kind) {
    case "match_phrase":
    case "match":
    case "term":
      return matchLike(ctx, kind, body);
    case "terms":
      return terms(ctx, body);
    case "wildcard":
    case "prefix":
      return wildcardQuery(ctx, kind, body);
    case "regexp":
      return regexpQuery(ctx, body);
    case "exists": {
      if (!isObj(body) || typeof body["field"] !== "string") return bad(ctx, "`exists` needs a `field` string");
      return { kind: "exists", subject: field(body["field"], ctx.span), span: ctx.span };
    }
    case "range":
      return rangeQuery(ctx, body);
    case "bool":
      return boolQuery(ctx, body, depth);
    case "match_all":
      return { kind: "test", value: { kind: "boolean", value: true, span: ctx.span }, span: ctx.span };
    case "query_string": {
      if (!isObj(body) || typeof body["query"] !== "string") return bad(ctx, "`query_string` needs a `query` string");
      if (!onlyKeys(ctx, "query_string", body, ["query", "analyze_wildcard"])) return null;
      const at = ctx.span.start;
      const r = parseLuceneCondition({ text: body["query"], toFile: () => at });
      ctx.diagnostics.push(...r.diagnostics);
      return r.value;
    }
    default:
      return bad(ctx, `the query type \`${kind}\` is not supported`);
  }
}

/** The DSL a filter stands for: its `query`, or (older saved filters) the object itself without `meta` and `$state`. */
function filterDsl(raw: Obj): unknown {
  if (raw["query"] !== undefined) return raw["query"];
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (k !== "meta" && k !== "$state") rest[k] = v;
  return rest;
}

export function foldKibanaFilters(filters: readonly KibanaFilter[]): Result<Condition | null> {
  const diagnostics: Diagnostic[] = [];
  const parts: Condition[] = [];
  let failed = false;
  for (const f of filters) {
    const ctx: Ctx = { span: f.span ?? ZERO, diagnostics };
    const meta = isObj(f.raw["meta"]) ? f.raw["meta"] : {};
    if (meta["disabled"] === true) continue;
    if (meta["negate"] !== undefined && typeof meta["negate"] !== "boolean") {
      bad(ctx, "`meta.negate` must be a boolean");
      failed = true;
      continue;
    }
    if (meta["type"] === "combined" && f.raw["query"] === undefined) {
      bad(ctx, "combined filters (`meta.type = \"combined\"`) are not supported");
      failed = true;
      continue;
    }
    const c = dsl(ctx, filterDsl(f.raw), 0);
    if (!c) {
      failed = true;
      continue;
    }
    parts.push(meta["negate"] === true ? { kind: "not", operand: c, span: ctx.span } : c);
  }
  if (failed || parts.length === 0) return { value: null, diagnostics };
  return { value: combine("and", parts, parts[0]?.span ?? ZERO), diagnostics };
}
