/**
 * Whole queries: data source + mapped condition per event query, then what the
 * rule's form adds (sequence joins, threshold summarize, new_terms look-back).
 */
import type { Condition, EventQuery, FieldRef, RuleIR, SequenceQuery, SequenceTerm, Span, Value } from "../../src/ir/nodes.js";
import { type Diagnostic, error, info, unsupported, warning } from "../../src/diagnostics/index.js";
import { applyFieldMap, constantOf, factsOf, lookupField, mapValue, type MappingSpec, candidateSources, type SourceSpec } from "../../src/mapping/index.js";
import type { RuleDocument } from "../../src/frontend/rule-document.js";
import { readEmit, type SentinelEmit } from "./emit.js";
import { reduceOptional } from "./optional.js";
import { decideExclusive } from "./exclusive.js";
import { checkCondition, checkNotMulti, fieldsOf, MULTI, type PrintContext, printCondition, printValue, typeOfValue } from "./kql.js";
import { kqlIdent } from "./literal.js";
import { requiresOneOf } from "./requires.js";
import { columnsOf, type KqlType } from "./schema.js";
import { kqlSpan } from "./schedule.js";

const T = { target: "sentinel" } as const;
/** Log Analytics' ingestion-time column, present on every workspace table and ASIM parser. */
export const TIME = "TimeGenerated";

export interface PreparedTerm {
  readonly emit: SentinelEmit;
  readonly condition: Condition;
  readonly ctx: PrintContext;
  /** Mapped join keys (sequences). */
  readonly keys: readonly Value[];
}

export interface BuiltQuery {
  readonly text: string;
  /** Columns of the result that entity mappings may use, and the source of the first event query. */
  readonly outputColumns: ReadonlySet<string> | "all";
  readonly first: PreparedTerm;
  readonly terms: readonly PreparedTerm[];
  /** Extra look-back the query needs (new_terms history), in ms. */
  readonly minPeriodMs: number;
}

function categoryText(q: EventQuery): string {
  return q.category.kind === "named" ? q.category.name : "any";
}

/**
 * `process where ...` restricts events to a category. When the source does not
 * guarantee the category (its `implied` lacks it), the restriction becomes an
 * explicit condition on the category field, which the mapping must then express.
 */
function withCategory(query: EventQuery, rule: RuleIR, source: SourceSpec): Condition {
  // CIDR terms on ip fields and `.caseless` sub-fields are lowered already (src/frontend/ip-terms.ts, caseless.ts)
  const condition = query.condition;
  if (query.category.kind !== "named") return condition;
  const name = query.category.name;
  const implied = source.implied.get(rule.eventCategoryField);
  if (implied && implied.length > 0 && implied.every((v) => v.toLowerCase() === name.toLowerCase())) return condition;
  const span = query.span;
  const cat: Condition = {
    kind: "match",
    subject: { kind: "field", path: rule.eventCategoryField, optional: false, wildcard: false, span },
    values: [{ kind: "pattern", parts: [{ kind: "text", value: name }], span }],
    caseSensitive: true,
    operator: "==",
    span,
  };
  const ops = condition.kind === "and" ? condition.operands : [condition];
  return { kind: "and", operands: [cat, ...ops], span: condition.span };
}

const columnCache = new WeakMap<SourceSpec, Readonly<Record<string, KqlType>> | null>();

/**
 * The columns a source's query can read: the table's or function's schema plus
 * the source's computed (`extend`) columns. Built once per source (a schema has
 * up to a few hundred columns; copying it per rule was the target's hot spot).
 */
function sourceColumns(source: SourceSpec, emit: SentinelEmit): Readonly<Record<string, KqlType>> | null {
  if (columnCache.has(source)) return columnCache.get(source) ?? null;
  const known = columnsOf(emit.name);
  let columns: Record<string, KqlType> | null = null;
  if (known) {
    columns = { ...known };
    for (const c of Object.keys(emit.extend)) columns[c] = emit.types[c] ?? "string";
  }
  columnCache.set(source, columns);
  return columns;
}

/** How far a failed source attempt is from mapping the query (for choosing which failure to report). */
function closeness(diagnostics: readonly Diagnostic[]): number {
  if (diagnostics.some((d) => d.code === "SENTINEL208")) return Number.MAX_SAFE_INTEGER;
  return diagnostics.filter((d) => d.severity === "error").length;
}

/** Chooses the source, maps fields, validates columns and checks what KQL can express. */
export function prepareTerm(
  query: EventQuery,
  by: readonly Value[],
  rule: RuleIR,
  doc: RuleDocument,
  mapping: MappingSpec,
  profile: string,
  out: Diagnostic[],
  multiKeys = 0,
): PreparedTerm | null {
  const facts = factsOf(query, rule, doc);
  // Every source whose `when` holds, in file order; the first one that maps every field the
  // query reads wins (so a DNS query on `network` events finds the DNS source after the
  // connection source), else the one with the fewest errors, whose unmapped fields are then reported.
  const candidates = candidateSources(mapping, facts);
  if (candidates.length === 0) {
    const what = [
      `category ${facts.category.size ? [...facts.category].join("/") : categoryText(query)}`,
      facts.os.size ? `os ${[...facts.os].join("/")}` : null,
      facts.dataset.size ? `dataset ${[...facts.dataset].join("/")}` : null,
      rule.index.length ? `index ${rule.index.join(", ")}` : null,
    ]
      .filter((x) => x !== null)
      .join(", ");
    out.push(unsupported("SENTINEL001", `no data source in the \`${profile}\` mapping matches this query (${what})`, query.span, T));
    return null;
  }
  let pick: { source: SourceSpec; condition: Condition; keys: Value[]; diagnostics: Diagnostic[] } | null = null;
  const eligible = candidates.filter((s) => {
    const req = s.emit["requires"];
    return !Array.isArray(req) || requiresOneOf(query.condition, req.filter((x): x is string => typeof x === "string"));
  });
  if (eligible.length === 0) {
    out.push(unsupported("SENTINEL001", `no data source in the \`${profile}\` mapping holds the events this query reads (the matching sources need fields the query does not require)`, query.span, T));
    return null;
  }
  for (const source of eligible) {
    const diagnostics: Diagnostic[] = [];
    const mapCtx = { spec: mapping, source, target: "sentinel", code: "SENTINEL" };
    const missing = (path: string) => (lookupField(mapCtx, path)?.to.length ?? 0) === 0;
    const reduced = reduceOptional(withCategory(query, rule, source), missing);
    for (const f of reduced.fields)
      diagnostics.push(
        warning("SENTINEL204", `optional field \`?${f}\` has no counterpart in \`${source.id}\`: it reads as null, as EQL reads an optional field missing from the index mapping`, query.span, T),
      );
    if (constantOf(reduced.condition) === false)
      diagnostics.push(unsupported("SENTINEL205", `with its optional fields read as null (no counterpart in \`${source.id}\`) this query can never match`, query.span, T));
    const rawExclusive = source.emit["exclusive"];
    const exclusive = Array.isArray(rawExclusive) ? rawExclusive.filter((x): x is string => typeof x === "string") : [];
    const decided = decideExclusive(reduced.condition, source, exclusive);
    for (const d of decided.decided)
      diagnostics.push(
        warning(
          "SENTINEL207",
          `approximation: data source \`${source.id}\` stands for Elastic events whose \`${d.field}\` is ${d.implied.map((v) => `"${v}"`).join(" or ")}; the condition on \`${d.field}\` (${d.asked.map((v) => `"${v}"`).join(", ")}) is taken as false`,
          d.span,
          T,
        ),
      );
    const mapped = applyFieldMap(decided.condition, mapCtx);
    diagnostics.push(...mapped.diagnostics);
    if (decided.decided.length > 0 && constantOf(mapped.condition) === false)
      diagnostics.push(
        unsupported(
          "SENTINEL208",
          `data source \`${source.id}\` holds none of the events this query reads (it stands for Elastic events with ${[...new Set(decided.decided.map((d) => `\`${d.field}\` ${d.implied.map((v) => `"${v}"`).join("/")}`))].join(", ")})`,
          query.span,
          T,
        ),
      );
    const keys = by.map((k) => mapValue(k, mapCtx, diagnostics));
    const attempt = { source, condition: mapped.condition, keys, diagnostics };
    if (!diagnostics.some((d) => d.severity === "error")) {
      pick = attempt;
      break;
    }
    // when no source maps everything, report the one that comes closest: fewest errors, a source that
    // holds none of the query's events last, the first on a tie
    if (!pick || closeness(attempt.diagnostics) < closeness(pick.diagnostics)) pick = attempt;
  }
  if (!pick) return null;
  const source = pick.source;
  out.push(...pick.diagnostics);
  const e = readEmit(source, query.span);
  out.push(...e.diagnostics);
  if (!e.emit) return null;
  const emit = e.emit;
  const mapped = { condition: pick.condition };
  const keys = pick.keys;
  const ctx: PrintContext = { columns: sourceColumns(source, emit) };
  const columns = ctx.columns;
  if (columns && !pick.diagnostics.some((d) => d.severity === "error")) {
    const used = fieldsOf(mapped.condition);
    for (const k of keys) fieldsOf({ kind: "exists", subject: k, span: k.span }, used);
    for (const f of used) {
      if (!Object.hasOwn(columns, f) && !/[.]/.test(f)) {
        out.push(error("SENTINEL110", `column \`${f}\` does not exist in \`${emit.name}\` (mapping source \`${source.id}\`)`, query.span, T));
      }
    }
  }
  const read = fieldsOf(mapped.condition);
  for (const k of keys) fieldsOf({ kind: "exists", subject: k, span: k.span }, read);
  for (const [col, note] of Object.entries(emit.notes))
    if (read.has(col)) out.push(warning("SENTINEL203", `approximation: \`${col}\` ${note}`, query.span, T));
  if (emit.caveat !== null) out.push(warning("SENTINEL206", `approximation: data source \`${source.id}\` (${emit.name}): ${emit.caveat}`, query.span, T));
  checkCondition(mapped.condition, ctx, out);
  // the first `multiKeys` keys (threshold groups, new_terms fields) may be multi-valued: they are expanded
  keys.forEach((k, i) => {
    if (i >= multiKeys) checkNotMulti(k, ctx, i < by.length && multiKeys > 0 ? "as a threshold cardinality field" : "as a sequence key", out);
  });
  return { emit, condition: mapped.condition, ctx, keys };
}

function sourceText(emit: SentinelEmit): string {
  if (!emit.isFunction) return kqlIdent(emit.name);
  const params = Object.entries(emit.params).map(([k, v]) => `${k}=${v}`);
  return `${emit.name}(${params.join(", ")})`;
}

/** `extend` of the computed columns a condition (or key list) uses. */
function extendText(term: PreparedTerm, extra: readonly Value[] = []): string | null {
  const used = fieldsOf(term.condition);
  for (const k of [...term.keys, ...extra]) fieldsOf({ kind: "exists", subject: k, span: k.span }, used);
  const parts = Object.entries(term.emit.extend)
    .filter(([name]) => used.has(name))
    .map(([name, expr]) => `${kqlIdent(name)} = ${expr}`);
  return parts.length ? `| extend ${parts.join(",\n    ")}` : null;
}

/** `| where ...`, one top-level conjunct per line; null when the condition is `true`. */
function whereText(term: PreparedTerm, indent = ""): string | null {
  const c = term.condition;
  const k = constantOf(c);
  if (k === true) return null;
  if (k === false) return `${indent}| where false`;
  if (c.kind === "and") {
    const ops = c.operands.map((o) => (o.kind === "or" ? `(${printCondition(o, term.ctx)})` : printCondition(o, term.ctx)));
    return `${indent}| where ${ops.join(`\n${indent}    and `)}`;
  }
  return `${indent}| where ${printCondition(c, term.ctx)}`;
}

function eventLines(term: PreparedTerm, extraValues: readonly Value[] = []): string[] {
  const filter = term.emit.filter === null ? null : `| where ${term.emit.filter}`;
  return [sourceText(term.emit), filter, extendText(term, extraValues), whereText(term)].filter((x): x is string => x !== null);
}

/** Indents every line of a (multi-line) pipeline step. */
function indent(lines: readonly string[], by = "    "): string {
  return lines.map((l) => l.split("\n").map((x) => by + x).join("\n")).join("\n");
}

function fieldRef(path: string, span: Span): FieldRef {
  return { kind: "field", path, optional: false, wildcard: false, span };
}

/**
 * Lines that turn each multi-valued key column into one row per distinct value (a string),
 * and the print context in which those columns are strings.
 */
function expandMulti(keys: readonly Value[], ctx: PrintContext): { lines: string[]; ctx: PrintContext } {
  const cols = [...new Set(keys.filter((k): k is FieldRef => k.kind === "field" && typeOfValue(k, ctx) === MULTI).map((k) => k.path))];
  if (cols.length === 0 || !ctx.columns) return { lines: [], ctx };
  const lines: string[] = [];
  for (const c of cols) {
    const id = kqlIdent(c);
    lines.push(`| extend ${id} = set_union(${id}, dynamic([]))`, `| mv-expand ${id} to typeof(string)`);
  }
  const columns = { ...ctx.columns };
  for (const c of cols) columns[c] = "string";
  return { lines, ctx: { ...ctx, columns } };
}

function notEmpty(v: Value, ctx: PrintContext): string {
  const t = typeOfValue(v, ctx);
  return t === "string" ? `isnotempty(${printValue(v, ctx)})` : `isnotnull(${printValue(v, ctx)})`;
}

/** Builds the KQL for a rule; null when something is unsupported (diagnostics say what). */
export function buildQuery(rule: RuleIR, doc: RuleDocument, mapping: MappingSpec, profile: string, out: Diagnostic[]): BuiltQuery | null {
  const q = rule.query;
  const det = rule.detection;
  if (det.kind === "threat_match") {
    out.push(unsupported("SENTINEL150", "threat_match rules join events with an Elastic indicator index; ruleport does not translate indicator matching to Sentinel threat intelligence", det.span, T));
    return null;
  }
  if (q.kind === "sample") {
    out.push(unsupported("SENTINEL143", "`sample` (unordered co-occurrence) is not translated", q.span, T));
    return null;
  }
  if (q.kind === "sequence") return buildSequence(q, rule, doc, mapping, profile, out);

  // Event query, possibly with threshold / new_terms around it.
  const extraFields: FieldRef[] = [];
  const span = det.kind === "plain" ? q.span : det.span;
  if (det.kind === "threshold") {
    for (const f of det.fields) extraFields.push(fieldRef(f, det.span));
    for (const c of det.cardinality) extraFields.push(fieldRef(c.field, det.span));
  } else if (det.kind === "new_terms") for (const f of det.fields) extraFields.push(fieldRef(f, det.span));
  const errorsBefore = out.filter((d) => d.severity === "error").length;
  const multiKeys = det.kind === "threshold" ? det.fields.length : det.kind === "new_terms" ? det.fields.length : 0;
  const prepared = prepareTerm(q, extraFields, rule, doc, mapping, profile, out, multiKeys);
  if (!prepared || out.filter((d) => d.severity === "error").length > errorsBefore) return null;
  const keys = prepared.keys;
  // multi-valued keys become one row per distinct value (mv-expand): Elasticsearch puts a document in the
  // bucket of each of its values (threshold) and reports each new value of a document (new_terms)
  const expansion = expandMulti(keys.slice(0, multiKeys), prepared.ctx);
  const term: PreparedTerm = { ...prepared, ctx: expansion.ctx };
  const lines = eventLines(prepared);

  if (rule.pipes.length > 0) {
    for (const p of rule.pipes) lines.push(`| top ${p.count} by ${TIME} ${p.kind === "head" ? "asc" : "desc"}`);
  }

  if (det.kind === "threshold") {
    const groupKeys = keys.slice(0, det.fields.length);
    const cardKeys = keys.slice(det.fields.length);
    lines.push(...expansion.lines);
    if (groupKeys.length > 0) lines.push(`| where ${groupKeys.map((k) => notEmpty(k, term.ctx)).join(" and ")}`);
    const aggs = ["ThresholdCount = count()"];
    const conds = [`ThresholdCount >= ${det.value}`];
    cardKeys.forEach((k, i) => {
      const name = `DistinctCount${cardKeys.length > 1 ? i + 1 : ""}`;
      aggs.push(`${name} = count_distinct(${printValue(k, term.ctx)})`);
      conds.push(`${name} >= ${det.cardinality[i]?.value ?? 0}`);
    });
    const by = groupKeys.map((k) => printValue(k, term.ctx));
    lines.push(`| summarize ${aggs.join(", ")}${by.length ? ` by ${by.join(", ")}` : ""}`);
    lines.push(`| where ${conds.join(" and ")}`);
    return { text: lines.join("\n"), outputColumns: new Set(by), first: term, terms: [term], minPeriodMs: 0 };
  }

  if (det.kind === "new_terms") {
    const hist = /^\s*now\s*-\s*(\d+)\s*([smhd])\s*$/.exec(det.historyWindowStart);
    const lookback = /^\s*now\s*-\s*(\d+)\s*([smhd])\s*$/.exec(rule.schedule.from);
    if (!hist || !lookback) {
      out.push(unsupported("SENTINEL151", `new_terms: the history window \`${det.historyWindowStart}\` and the rule's \`from\` must be \`now-<n><unit>\``, span, T));
      return null;
    }
    const ms = (m: RegExpExecArray) => Number(m[1]) * ({ s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as Record<string, number>)[m[2] as string]!;
    const histMs = ms(hist);
    if (histMs > 14 * 86_400_000) {
      out.push(unsupported("SENTINEL152", `new_terms: the history window \`${det.historyWindowStart}\` is longer than the 14 days a Sentinel scheduled rule can read`, span, T));
      return null;
    }
    const names = keys.map((k) => printValue(k, term.ctx));
    const text = [
      `let _events = ${lines[0]}`,
      indent([...lines.slice(1), ...expansion.lines]),
      `    | where ${keys.map((k) => notEmpty(k, term.ctx)).join(" and ")};`,
      `let _history = _events`,
      `    | where ${TIME} < ago(${kqlSpan(ms(lookback))})`,
      `    | distinct ${names.join(", ")};`,
      `_events`,
      `| where ${TIME} >= ago(${kqlSpan(ms(lookback))})`,
      `| join kind=leftanti (_history) on ${names.join(", ")}`,
    ].join("\n");
    out.push(info("SENTINEL302", `new_terms: the query compares the rule's window with the ${det.historyWindowStart.replace(/\s+/g, "")} history it reads itself; the analytics rule's queryPeriod covers it`, span, T));
    return { text, outputColumns: "all", first: term, terms: [term], minPeriodMs: histMs };
  }

  return { text: lines.join("\n"), outputColumns: "all", first: term, terms: [term], minPeriodMs: 0 };
}

function buildSequence(q: SequenceQuery, rule: RuleIR, doc: RuleDocument, mapping: MappingSpec, profile: string, out: Diagnostic[]): BuiltQuery | null {
  let ok = true;
  if (q.until) {
    out.push(unsupported("SENTINEL141", "`until` (a sequence cancelled by an expiry event) is not translated", q.until.span, T));
    ok = false;
  }
  for (const t of q.terms)
    if (t.missing) {
      out.push(unsupported("SENTINEL142", "missing events `![...]` are not translated", t.span, T));
      ok = false;
    }
  if (rule.pipes.length > 0) {
    out.push(unsupported("SENTINEL144", "`head`/`tail` after a sequence is not translated", rule.pipes[0]?.span ?? q.span, T));
    ok = false;
  }
  const keyCount = q.by.length + (q.terms[0]?.by.length ?? 0);
  if (keyCount === 0) {
    out.push(unsupported("SENTINEL140", "a sequence without `by` keys would join every pair of events; not translated", q.span, T));
    ok = false;
  }
  if (q.terms.some((t) => t.by.length + q.by.length !== keyCount)) {
    out.push(error("SENTINEL145", "every sequence term needs the same number of join keys", q.span, T));
    ok = false;
  }
  if (!ok) return null;
  const errorsBefore = out.filter((d) => d.severity === "error").length;
  const expanded: SequenceTerm[] = [];
  for (const t of q.terms) for (let i = 0; i < Math.max(1, t.runs); i++) expanded.push(t);
  const prepared: PreparedTerm[] = [];
  const cache = new Map<SequenceTerm, PreparedTerm | null>();
  for (const t of expanded) {
    if (!cache.has(t)) cache.set(t, prepareTerm(t.query, [...q.by, ...t.by], rule, doc, mapping, profile, out));
    const p = cache.get(t);
    if (!p) return null;
    prepared.push(p);
  }
  if (out.filter((d) => d.severity === "error").length > errorsBefore) return null;
  const first = prepared[0] as PreparedTerm;
  const keyNames = Array.from({ length: keyCount }, (_, i) => `_k${i}`);
  const optional = (v: Value) => v.kind === "field" && v.optional;
  const allKeys = [...q.by, ...(q.terms[0]?.by ?? [])];
  const entityCols = entityColumnsOf(first);
  const lets: string[] = [];
  const seen = new Map<PreparedTerm, string>();
  prepared.forEach((p, i) => {
    if (seen.has(p)) return;
    const name = `_term${seen.size + 1}`;
    seen.set(p, name);
    const body = eventLines(p);
    body.push(`| extend ${p.keys.map((k, j) => `${keyNames[j]} = tostring(${printValue(k, p.ctx)})`).join(", ")}`);
    const required = keyNames.filter((_, j) => !optional(allKeys[j] as Value));
    if (required.length) body.push(`| where ${required.map((k) => `isnotempty(${k})`).join(" and ")}`);
    const proj = [...keyNames, `_time = ${TIME}`, ...(i === 0 ? [...entityCols].filter((c) => !keyNames.includes(c)).map(kqlIdent) : [])];
    body.push(`| project ${proj.join(", ")}`);
    lets.push(`let ${name} = ${body[0]}\n${indent(body.slice(1))};`);
  });
  const lines: string[] = [...lets, `${seen.get(first)}`, `| project-rename _time1 = _time`];
  const maxspan = q.maxspan ? kqlSpan(q.maxspan.ms) : null;
  for (let i = 1; i < prepared.length; i++) {
    const p = prepared[i] as PreparedTerm;
    lines.push(`| join kind=inner (${seen.get(p)} | project-rename _time${i + 1} = _time) on ${keyNames.join(", ")}`);
    const conds = [`_time${i + 1} > _time${i}`];
    if (maxspan) conds.push(`_time${i + 1} - _time1 <= ${maxspan}`);
    lines.push(`| where ${conds.join(" and ")}`);
  }
  out.push(
    warning(
      "SENTINEL210",
      "approximation: the sequence becomes time-ordered joins on its `by` keys; EQL's sequence state machine (one pending sequence per key, newer replacing older) can report fewer matches than the join, which returns every ordered combination",
      q.span,
      T,
    ),
  );
  return { text: lines.join("\n"), outputColumns: new Set(entityCols), first, terms: prepared, minPeriodMs: 0 };
}

/** Columns that the source's entity mappings read. */
export function entityColumnsOf(term: PreparedTerm): Set<string> {
  const cols = new Set<string>();
  const known = term.ctx.columns;
  for (const ids of Object.values(term.emit.entities)) {
    const c = Object.values(ids);
    if (known && !c.every((x) => Object.hasOwn(known, x))) continue;
    for (const x of c) cols.add(x);
  }
  return cols;
}
