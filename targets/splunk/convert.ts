/**
 * One rule -> one SPL search.
 *
 * Per event query: choose the data source (mapping `sources`), map fields,
 * check what SPL cannot state, split the condition into the `search`/`tstats`
 * part and the exact `| where` part, then add what the rule type means
 * (threshold -> `stats count ... | where count >= N`; new_terms -> first-seen
 * time per value; sequences -> a `stats` per join key over the union of the
 * terms, which is an approximation and says so).
 */
import type { Condition, Duration, EventQuery, FieldRef, Pipe, RuleIR, SequenceTerm, Span, Value } from "../../src/ir/nodes.js";
import { assertNever, conditionFields } from "../../src/ir/nodes.js";
import { type Diagnostic, error, hasErrors, info, unsupported, warning } from "../../src/diagnostics/index.js";
import type { RuleDocument } from "../../src/frontend/rule-document.js";
import { applyFieldMap, candidateSources, constantOf, factsOf, lookupField, type MapContext, mapValue, type MappingSpec } from "../../src/mapping/index.js";
import { parseEmit, requiredFields, type SplunkEmit } from "./emit.js";
import { extensionToName, mapValues } from "./passes.js";
import { checkCondition, evalFields, evalValue, type ExprContext, hasFullText, printEval, printSearch, splitCondition } from "./expr.js";
import { evalField, isSearchField, quote, relativeTime, spanText } from "./syntax.js";

const T = "splunk";
const CODE = "SPLUNK";

/** What SPL needs of one event query after mapping. */
interface EventPlan {
  readonly emit: SplunkEmit;
  readonly ctx: MapContext;
  readonly search: Condition | null;
  readonly where: Condition | null;
  readonly whereFields: readonly string[];
}

export interface SplunkConversion {
  readonly text: string | null;
  readonly diagnostics: Diagnostic[];
  /** The Splunk relative time the search must start at (the rule's `from`, or a new_terms history window). */
  readonly earliest: string;
}

function describeFacts(q: EventQuery, rule: RuleIR, doc: RuleDocument): string {
  const f = factsOf(q, rule, doc);
  const parts = [
    `category ${f.category.size > 0 ? [...f.category].join("/") : "(any)"}`,
    `os ${f.os.size > 0 ? [...f.os].join("/") : "(unknown)"}`,
  ];
  if (f.dataset.size > 0) parts.push(`dataset ${[...f.dataset].join("/")}`);
  return parts.join(", ");
}

/** Source selection, field mapping, checks and the search/where split for one event query. */
function planEvent(q: EventQuery, rule: RuleIR, doc: RuleDocument, mapping: MappingSpec, out: Diagnostic[]): EventPlan | null {
  // A source with `requires` is only eligible for queries that read one of those fields (e.g. DNS lookups).
  // (the first eligible one among the sources the facts select, which are remembered per mapping)
  const read = evalFields(q.condition);
  const source =
    candidateSources(mapping, factsOf(q, rule, doc)).find((s) => {
      const r = requiredFields(s);
      return r === null || r.some((f) => read.has(f));
    }) ?? null;
  if (!source) {
    out.push(unsupported(`${CODE}010`, `no data source in ${mapping.file} matches this query (${describeFacts(q, rule, doc)})`, q.span, { target: T }));
    return null;
  }
  const parsed = parseEmit(source);
  if ("problems" in parsed) {
    out.push(error(`${CODE}011`, `bad \`emit\` in source \`${source.id}\` of ${mapping.file}: ${parsed.problems.join("; ")}`, q.span, { target: T }));
    return null;
  }
  const emit = parsed.emit;
  if (emit.warning) out.push(warning(`${CODE}012`, `data source \`${source.id}\`: ${emit.warning}`, q.span, { target: T }));
  const ctx: MapContext = { spec: mapping, source, target: T, code: CODE };
  // ECS defines file.extension by the file name: when the source has no field for it, match the end of
  // file.name (mapped as is) or else file.path, which ends the same way.
  const direct = (f: string) => { const m = lookupField(ctx, f); return m !== undefined && m.to.length === 1 && m.transform === null; };
  const into = direct("file.name") ? "file.name" : direct("file.path") ? "file.path" : null;
  const before = into && !lookupField(ctx, "file.extension") ? extensionToName(q.condition, into, out) : q.condition;
  const mapped = applyFieldMap(before, ctx);
  let condition = mapped.condition;
  let mapDiagnostics = mapped.diagnostics;
  if (emit.values.size > 0) {
    const v = mapValues(condition, emit.values, out);
    condition = v.condition;
    // A field whose values were translated is no longer kept under its ECS name.
    mapDiagnostics = mapDiagnostics.filter((d) => !(d.code === `${CODE}100` && v.handled.some((s) => sameSpan(d, s))));
  }
  if (emit.kind === "tstats") {
    // Kept under its ECS name (or mapped to a name outside the data model), a field would make the
    // search match nothing: tstats reads only the data model's fields.
    const outside = outsideDataModel(conditionFields(condition), emit);
    if (outside.length > 0) {
      out.push(...mapDiagnostics.filter((d) => !(d.code === `${CODE}100` && outside.some((f) => sameSpan(d, f.span)))));
      for (const f of outside) out.push(notInDataModel(f.path, emit, f.span));
      return null;
    }
  }
  out.push(...mapDiagnostics);
  const exprCtx: ExprContext = { rawSearch: emit.kind === "search" };
  if (constantOf(condition) === false) {
    out.push(unsupported(`${CODE}022`, `the query can never match on data source \`${source.id}\` (its conditions contradict what the source guarantees)`, q.span, { target: T }));
    return null;
  }
  checkCondition(condition, exprCtx, out);
  if (hasErrors(out)) return null;
  const split = splitCondition(condition, exprCtx);
  if (split.where && hasFullText(split.where)) {
    out.push(unsupported(`${CODE}024`, "free text combined with conditions only `| where` can state has no SPL counterpart", q.span, { target: T }));
    return null;
  }
  const whereFields = split.where ? [...evalFields(split.where)] : [];
  if (emit.kind === "tstats") {
    for (const f of whereFields) {
      if (!isSearchField(f)) {
        out.push(unsupported(`${CODE}028`, `field \`${f}\` cannot be grouped by in tstats`, q.span, { target: T }));
        return null;
      }
    }
    if (split.where && hasNegatedField(split.where)) {
      out.push(warning(`${CODE}013`, `approximation: tstats leaves out events whose grouped fields (${whereFields.join(", ")}) are missing, so the negated conditions checked in \`| where\` cannot match an event that lacks the field`, q.span, { target: T }));
    }
  }
  return { emit, ctx, search: split.search, where: split.where, whereFields };
}

function sameSpan(d: Diagnostic, s: Span): boolean {
  return d.span !== null && d.span.start === s.start && d.span.end === s.end;
}

/** Fields a tstats search over a data model can read besides the data set's own (`<Dataset>.<field>`). */
const TSTATS_FIELDS = new Set(["_time"]);

/** The field references (one per field name) that are not fields of the tstats data set. */
function outsideDataModel(refs: readonly FieldRef[], emit: Extract<SplunkEmit, { kind: "tstats" }>): FieldRef[] {
  const seen = new Set<string>();
  return refs.filter((f) => {
    if (f.path.startsWith(`${emit.dataset}.`) || TSTATS_FIELDS.has(f.path) || seen.has(f.path)) return false;
    seen.add(f.path);
    return true;
  });
}

function notInDataModel(field: string, emit: Extract<SplunkEmit, { kind: "tstats" }>, span: Span): Diagnostic {
  return unsupported(
    `${CODE}032`,
    `field \`${field}\` is not a field of the data model ${emit.datamodel}.${emit.dataset}: a tstats search reads only the data model's fields, so a condition or grouping on it would never match (map it to a ${emit.dataset}.* field with --mapping if your data model has one)`,
    span,
    { target: T },
  );
}

function hasNegatedField(c: Condition, negated = false): boolean {
  switch (c.kind) {
    case "and":
    case "or":
      return c.operands.some((o) => hasNegatedField(o, negated));
    case "not":
      return hasNegatedField(c.operand, !negated);
    default:
      return negated;
  }
}

const TSTATS_PREFIX = "| tstats summariesonly=false allow_old_summaries=true count min(_time) as firstTime max(_time) as lastTime";

function uniq(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/** The first line(s) of a search for one plan: the tstats command or the raw search, then its `| where`. */
function headOf(plan: EventPlan, extraBy: readonly string[], timeSpan: string | null, raw: { prefix: string }): string[] {
  const lines: string[] = [];
  if (plan.emit.kind === "tstats") {
    const by = uniq([...plan.emit.by, ...plan.whereFields, ...extraBy]);
    const where = plan.search ? ` where ${printSearch(plan.search)}` : "";
    // tstats: `BY <field-list> [span=<timespan>]`, the span after the fields.
    const byText = [...(timeSpan ? ["_time"] : []), ...by, ...(timeSpan ? [`span=${timeSpan}`] : [])].join(" ");
    lines.push(`${TSTATS_PREFIX} from datamodel=${plan.emit.datamodel}.${plan.emit.dataset}${where}${byText ? ` by ${byText}` : ""}`);
  } else {
    const cond = plan.search ? printSearch(plan.search) : "";
    const wrapped = plan.search?.kind === "or" ? `(${cond})` : cond;
    lines.push(`${raw.prefix}${plan.emit.search}${wrapped ? ` ${wrapped}` : ""}`);
  }
  if (plan.where) lines.push(`| where ${printEval(plan.where)}`);
  return lines;
}

/** A grouping key (threshold and new_terms fields, sequence join keys) as an eval expression, with the fields it reads. */
interface GroupKey {
  readonly expr: string;
  readonly fields: readonly string[];
  /** The field name when the key is a plain field `stats ... by` can name. */
  readonly plain: string | null;
}

/**
 * Maps a grouping key through the plan's source. A field mapped as the last
 * path component of another (`basename`) is computed exactly with
 * `mvindex(split(field, separator), -1)`, which apply.ts's mapValue cannot
 * offer inside expressions.
 */
function groupKey(v: Value, plan: EventPlan, out: Diagnostic[]): GroupKey | null {
  if (v.kind === "field" && !v.wildcard) {
    const fm = lookupField(plan.ctx, v.path);
    const target = fm?.to[0];
    if (fm && target !== undefined && fm.to.length === 1 && fm.transform === "basename") {
      return { expr: `mvindex(split(${evalField(target)}, ${quote(fm.separator)}), -1)`, fields: [target], plain: null };
    }
  }
  const before = out.length;
  const m = mapValue(v, plan.ctx, out);
  const probe: Condition = { kind: "exists", subject: m, span: v.span };
  if (plan.emit.kind === "tstats") {
    const outside = outsideDataModel(conditionFields(probe), plan.emit);
    if (outside.length > 0) {
      // the key's own unmapped-field diagnostics give way to the reason it cannot be grouped by
      for (let i = out.length - 1; i >= before; i--) if (out[i]?.code === `${CODE}100`) out.splice(i, 1);
      for (const f of outside) out.push(notInDataModel(f.path, plan.emit, v.span));
      return null;
    }
  }
  checkCondition(probe, { rawSearch: plan.emit.kind === "search" }, out);
  if (out.slice(before).some((d) => d.severity === "error")) return null;
  const fields = [...evalFields(probe)];
  if (plan.emit.kind === "tstats" && !fields.every(isSearchField)) {
    out.push(unsupported(`${CODE}028`, `\`${fields.join("`, `")}\` cannot be grouped by in tstats`, v.span, { target: T }));
    return null;
  }
  return { expr: evalValue(m), fields, plain: m.kind === "field" && isSearchField(m.path) ? m.path : null };
}

/** Names for `stats ... by`: plain fields by name, computed keys through an `| eval` line (returned separately). */
function byNames(keys: readonly GroupKey[], prefix: string): { names: string[]; evals: string[] } {
  const names: string[] = [];
  const evals: string[] = [];
  keys.forEach((k, i) => {
    if (k.plain) names.push(k.plain);
    else {
      names.push(`${prefix}${i + 1}`);
      evals.push(`${prefix}${i + 1}=${k.expr}`);
    }
  });
  return { names, evals };
}

function fieldKeys(names: readonly string[], plan: EventPlan, span: Span, out: Diagnostic[]): GroupKey[] {
  const keys: GroupKey[] = [];
  for (const name of names) {
    const k = groupKey({ kind: "field", path: name, optional: false, wildcard: false, span } satisfies FieldRef, plan, out);
    if (k) keys.push(k);
  }
  return keys;
}

/** Converts a rule; the text is null when any error was reported. */
export function convertRule(rule: RuleIR, doc: RuleDocument, mapping: MappingSpec): SplunkConversion {
  const out: Diagnostic[] = [];
  let earliest = relativeTime(rule.schedule.from) ?? "";
  if (earliest === "") {
    out.push(warning(`${CODE}061`, `\`from = "${rule.schedule.from}"\` is not date math Splunk can express; the saved search starts at -6m`, doc.keySpans.get("rule.from") ?? rule.query.span, { target: T }));
    earliest = "-6m";
  }
  if (rule.suppression) {
    out.push(info(`${CODE}070`, "alert suppression is not translated: configure throttling (alert.suppress) on the saved search", rule.suppression.span, { target: T }));
  }
  const det = rule.detection;
  if (det.kind === "threat_match") {
    out.push(unsupported(`${CODE}003`, "indicator-match (threat_match) rules join events to a threat-intel index, which a single SPL search from this rule cannot state", det.span, { target: T }));
    return { text: null, diagnostics: out, earliest };
  }

  let lines: string[] | null = null;
  let timeField = "_time";
  const q = rule.query;
  switch (q.kind) {
    case "event": {
      const plan = planEvent(q, rule, doc, mapping, out);
      if (!plan) break;
      lines = eventLines(plan, rule, out, (e) => (earliest = e));
      timeField = plan.emit.kind === "tstats" ? "firstTime" : "_time";
      break;
    }
    case "sequence":
    case "sample": {
      if (det.kind !== "plain") {
        out.push(unsupported(`${CODE}004`, `a ${det.kind} rule over a ${q.kind} has no SPL counterpart`, q.span, { target: T }));
        break;
      }
      lines = sequenceLines(q.kind === "sequence" ? q : { ...q, maxspan: null, until: null }, q.kind === "sample", rule, doc, mapping, out);
      timeField = "seq_first1";
      break;
    }
    default:
      assertNever(q, "query");
  }
  if (lines && rule.pipes.length > 0) lines.push(...pipeLines(rule.pipes, timeField, out));
  if (hasErrors(out) || !lines) return { text: null, diagnostics: out, earliest };
  const text = lines.join("\n");
  if (text.includes("\0")) {
    out.push(unsupported(`${CODE}061`, "a value holds a NUL character, which SPL strings cannot escape and savedsearches.conf cannot hold", q.span, { target: T }));
    return { text: null, diagnostics: out, earliest };
  }
  if (text.includes("\r")) {
    out.push(unsupported(`${CODE}060`, "a value holds a carriage return, which SPL strings cannot escape and savedsearches.conf cannot hold", q.span, { target: T }));
    return { text: null, diagnostics: out, earliest };
  }
  if (text.split("\n").some((l) => l.endsWith("\\"))) {
    out.push(unsupported(`${CODE}060`, "a line of the search ends with a backslash (a value holds a line break after a backslash), which savedsearches.conf cannot continue", q.span, { target: T }));
    return { text: null, diagnostics: out, earliest };
  }
  return { text: text + "\n", diagnostics: out, earliest };
}

function eventLines(plan: EventPlan, rule: RuleIR, out: Diagnostic[], setEarliest: (e: string) => void): string[] | null {
  const det = rule.detection;
  const tstats = plan.emit.kind === "tstats";
  switch (det.kind) {
    case "plain":
      return headOf(plan, [], null, { prefix: "" });
    case "threshold": {
      const keys = fieldKeys(det.fields, plan, det.span, out);
      const card = fieldKeys(det.cardinality.map((c) => c.field), plan, det.span, out);
      if (hasErrors(out)) return null;
      const lines = headOf(plan, [...keys, ...card].flatMap((k) => k.fields), null, { prefix: "" });
      const by = byNames(keys, "group_k");
      if (by.evals.length > 0) lines.push(`| eval ${by.evals.join(", ")}`);
      const aggs = [tstats ? "sum(count) as count" : "count", ...card.map((c, i) => `dc(${c.plain ?? `eval(${c.expr})`}) as cardinality${i + 1}`)];
      lines.push(`| stats ${aggs.join(" ")}${by.names.length > 0 ? ` by ${by.names.join(" ")}` : ""}`);
      const tests = [`count >= ${det.value}`, ...det.cardinality.map((c, i) => `cardinality${i + 1} >= ${c.value}`)];
      lines.push(`| where ${tests.join(" AND ")}`);
      return lines;
    }
    case "new_terms": {
      const keys = fieldKeys(det.fields, plan, det.span, out);
      const history = relativeTime(det.historyWindowStart);
      const from = relativeTime(rule.schedule.from);
      if (history === null || from === null) {
        out.push(unsupported(`${CODE}005`, `the new_terms history window \`${det.historyWindowStart}\` (or \`from\`) is not date math Splunk can express`, det.span, { target: T }));
        return null;
      }
      if (hasErrors(out)) return null;
      out.push(
        warning(
          `${CODE}006`,
          `approximation: new_terms becomes "first seen within the rule window": the search runs from ${history} (the history window, set as dispatch.earliest_time) and keeps the value combinations of ${det.fields.join(", ")} whose earliest event is after ${from}; each combination of values of multi-valued fields is not split out as Elastic does`,
          det.span,
          { target: T },
        ),
      );
      setEarliest(history);
      const lines = headOf(plan, keys.flatMap((k) => k.fields), null, { prefix: "" });
      const by = byNames(keys, "term_k");
      if (by.evals.length > 0) lines.push(`| eval ${by.evals.join(", ")}`);
      lines.push(`| stats min(${tstats ? "firstTime" : "_time"}) as firstTime by ${by.names.join(" ")}`);
      lines.push(`| where firstTime >= relative_time(now(), ${quote(from)})`);
      return lines;
    }
    case "threat_match":
      return null;
  }
}

/** One branch per term, each tagged with `seq_term` and normalised join keys `seq_k<i>`, then `stats` per key. */
function sequenceLines(
  q: { readonly by: readonly Value[]; readonly maxspan: Duration | null; readonly terms: readonly SequenceTerm[]; readonly until: SequenceTerm | null; readonly span: Span },
  unordered: boolean,
  rule: RuleIR,
  doc: RuleDocument,
  mapping: MappingSpec,
  out: Diagnostic[],
): string[] | null {
  if (q.until) {
    out.push(unsupported(`${CODE}041`, "`until` (a sequence-expiring event) has no counterpart in the SPL sequence approximation", q.until.span, { target: T }));
  }
  for (const t of q.terms) {
    if (t.missing) out.push(unsupported(`${CODE}042`, "a missing-event term `![...]` has no counterpart in the SPL sequence approximation", t.span, { target: T }));
  }
  if (hasErrors(out)) return null;
  const span = q.maxspan ? spanText(q.maxspan.ms) : null;
  const branches: { plan: EventPlan; keys: string[]; keyFields: string[] }[] = [];
  let keyCount = -1;
  // a join key that cannot be grouped by has its own diagnostic; the key counts then differ for that reason only
  let keyFailed = false;
  for (const t of q.terms) {
    const plan = planEvent(t.query, rule, doc, mapping, out);
    if (!plan) continue;
    const keys: string[] = [];
    const keyFields: string[] = [];
    for (const k of [...q.by, ...t.by]) {
      const g = groupKey(k, plan, out);
      if (!g) {
        keyFailed = true;
        continue;
      }
      keys.push(g.expr);
      keyFields.push(...g.fields);
    }
    if (!keyFailed && keyCount >= 0 && keys.length !== keyCount) out.push(error(`${CODE}043`, "the terms of the sequence have different numbers of join keys", t.span, { target: T }));
    keyCount = keys.length;
    branches.push({ plan, keys, keyFields });
  }
  if (hasErrors(out)) return null;
  out.push(
    warning(
      `${CODE}040`,
      unordered
        ? "approximation: the sample is checked per join key: every term must occur for the same key values, with no limit in time beyond the search window"
        : `approximation: the sequence is checked per join key${span ? ` within aligned ${span} windows (bin _time), so a sequence crossing a window boundary is missed` : ""}; the terms must occur in order (each term's earliest event before the next term's latest), which is weaker than EQL's one-pending-sequence state machine`,
      q.span,
      { target: T },
    ),
  );

  const allTstats = branches.every((b) => b.plan.emit.kind === "tstats");
  const anyTstats = branches.some((b) => b.plan.emit.kind === "tstats");
  const lines: string[] = [];
  const texts = branches.map((b, i) => {
    const n = i + 1;
    const keyEval = b.keys.map((k, j) => `seq_k${j + 1}=${k}`);
    const tag = [`seq_term=${n}`, ...(b.plan.emit.kind === "search" ? ["firstTime=_time", "lastTime=_time", "count=1"] : []), ...keyEval].join(", ");
    const head = headOf(b.plan, b.keyFields, b.plan.emit.kind === "tstats" ? span : null, { prefix: branches.length > 1 && !anyTstats ? "search " : "" });
    return [...head, `| eval ${tag}`];
  });
  if (branches.length === 1) {
    lines.push(...(texts[0] as string[]));
  } else if (!anyTstats) {
    lines.push(`| multisearch ${texts.map((t) => `[${t.join(" ")}]`).join(" ")}`);
  } else {
    // tstats is a generating command: the first branch leads, the others are appended.
    const order = [...texts.keys()].sort((a, b) => Number(branches[b]?.plan.emit.kind === "tstats") - Number(branches[a]?.plan.emit.kind === "tstats"));
    order.forEach((idx, pos) => {
      const t = texts[idx] as string[];
      const b = branches[idx];
      const body = b?.plan.emit.kind === "search" && pos > 0 ? [`search ${t[0]}`, ...t.slice(1)] : t;
      if (pos === 0) lines.push(...body);
      else lines.push(`| append [${body.join(" ")}]`);
    });
  }
  if (span && !allTstats) lines.push(`| bin _time span=${span}`);
  const aggs: string[] = [];
  const tests: string[] = [];
  q.terms.forEach((t, i) => {
    const n = i + 1;
    aggs.push(`min(eval(if(seq_term=${n}, firstTime, null()))) as seq_first${n}`, `max(eval(if(seq_term=${n}, lastTime, null()))) as seq_last${n}`, `sum(eval(if(seq_term=${n}, count, 0))) as seq_count${n}`);
    tests.push(`seq_count${n} >= ${t.runs}`);
    if (!unordered && i > 0) tests.push(`seq_first${i} <= seq_last${n}`);
  });
  const by = [...(span ? ["_time"] : []), ...Array.from({ length: Math.max(keyCount, 0) }, (_, j) => `seq_k${j + 1}`)];
  lines.push(`| stats ${aggs.join(" ")}${by.length > 0 ? ` by ${by.join(" ")}` : ""}`);
  lines.push(`| where ${tests.join(" AND ")}`);
  return lines;
}

function pipeLines(pipes: readonly Pipe[], timeField: string, out: Diagnostic[]): string[] {
  const lines: string[] = [];
  for (const p of pipes) {
    out.push(warning(`${CODE}050`, `approximation: \`| ${p.kind} ${p.count}\` keeps the ${p.kind === "head" ? "earliest" : "latest"} ${p.count} result(s) by ${timeField}; on grouped (tstats or sequence) results a result is a group, not an event`, p.span, { target: T }));
    lines.push(`| sort 0 ${p.kind === "head" ? "" : "-"}${timeField}`, `| head ${p.count}`);
  }
  return lines;
}
