/**
 * Sigma target: one Sigma rule per Elastic rule, following the Sigma rules
 * specification v2.0.0 (SigmaHQ/sigma-specification), with Sigma correlation
 * rules (multi-document YAML) for EQL sequences and threshold rules.
 *
 * Pipeline per event query: facts -> data source (fields/<profile>.yaml) ->
 * field mapping (src/mapping) -> capability check (items.ts, every
 * inexpressible construct is an `unsupported` diagnostic) -> detection
 * builder (detection.ts) -> YAML writer (yaml.ts).
 */
import type { Condition, EventQuery, FieldRef, RuleIR, SequenceQuery, Span, Value } from "../../src/ir/nodes.js";
import { type Diagnostic, error, hasErrors, info, unsupported, warning } from "../../src/diagnostics/index.js";
import type { RuleDocument } from "../../src/frontend/rule-document.js";
import { applyFieldMap, constantOf, factsOf, lookupField, type MapContext, mapValue, selectSource, type MappingSpec, type RuleFacts, type SourceSpec } from "../../src/mapping/index.js";
import type { ConvertInput, ConvertResult, TargetDefinition } from "../../src/target.js";
import { buildDetection } from "./detection.js";
import { checkCondition, TARGET } from "./items.js";
import { derivedUuid, ruleHeader } from "./metadata.js";
import { rewriteStringFunctions } from "./rewrite.js";
import { dumpSigma, type YamlMapping } from "./yaml.js";

const LOGSOURCE_KEYS = ["category", "product", "service", "definition"] as const;

interface Emit {
  readonly logsource: Readonly<Record<string, string>>;
  readonly note: string | null;
}

/** Each source's checked `emit` data, or the problem with it (checked once per source, reported per query). */
const emits = new WeakMap<SourceSpec, Emit | string>();

/** Validates a source's `emit` data (the Sigma-specific part of the mapping file). */
function readEmit(source: SourceSpec, span: Span | null, out: Diagnostic[]): Emit | null {
  let e = emits.get(source);
  if (e === undefined) emits.set(source, (e = checkEmit(source)));
  if (typeof e !== "string") return e;
  out.push(error("SIGMA010", `mapping source \`${source.id}\`: ${e}`, span, { target: TARGET }));
  return null;
}

function checkEmit(source: SourceSpec): Emit | string {
  for (const k of Object.keys(source.emit)) if (k !== "logsource" && k !== "note") return `unknown key \`emit.${k}\` (expected logsource, note)`;
  const ls = source.emit["logsource"];
  if (typeof ls !== "object" || ls === null || Array.isArray(ls)) return "`emit.logsource` must be a mapping with category, product, service and/or definition";
  const logsource: Record<string, string> = {};
  for (const [k, v] of Object.entries(ls as Record<string, unknown>)) {
    if (!(LOGSOURCE_KEYS as readonly string[]).includes(k)) return `unknown key \`emit.logsource.${k}\` (expected ${LOGSOURCE_KEYS.join(", ")})`;
    if (typeof v !== "string" || v === "") return `\`emit.logsource.${k}\` must be a non-empty string`;
    if (k !== "definition" && !/^[a-z0-9_.-]+$/.test(v)) return `\`emit.logsource.${k}\` must be lowercase letters, digits, \`_\`, \`.\` or \`-\``;
    logsource[k] = v;
  }
  if (Object.keys(logsource).length === 0) return "`emit.logsource` is empty";
  const note = source.emit["note"];
  if (note !== undefined && typeof note !== "string") return "`emit.note` must be a string";
  return { logsource, note: note ?? null };
}

function describeFacts(query: EventQuery, rule: RuleIR, doc: RuleDocument): string {
  const f = factsFor(query, rule, doc);
  const list = (s: Iterable<string>) => [...s].join(", ") || "unknown";
  return `event category ${list(f.category)}, OS ${list(f.os)}, dataset ${list(f.dataset)}, index ${list(f.index)}`;
}

interface BuiltQuery {
  readonly logsource: Readonly<Record<string, string>>;
  readonly detection: YamlMapping;
  readonly ctx: MapContext;
}

/**
 * Facts for source selection. When the query and the `OS:` tags leave the
 * operating system open, Elastic's older bare tags (`Windows`, `Linux`,
 * `macOS`) still say it.
 */
function factsFor(query: EventQuery, rule: RuleIR, doc: RuleDocument): RuleFacts {
  const facts = factsOf(query, rule, doc);
  if (facts.os.size > 0) return facts;
  const os = new Set<string>();
  for (const t of doc.tags) {
    const o = LEGACY_OS_TAGS[t.trim().toLowerCase()];
    if (o) os.add(o);
  }
  return os.size > 0 ? { ...facts, os } : facts;
}
const LEGACY_OS_TAGS: Readonly<Record<string, string>> = { windows: "windows", linux: "linux", macos: "macos" };

/** One operating system or data set out of several, when a rule is split per log source. */
export interface Narrow {
  readonly key: "os" | "dataset";
  readonly value: string;
}

function narrowed(facts: RuleFacts, narrow: Narrow | undefined): RuleFacts {
  return narrow ? { ...facts, [narrow.key]: new Set([narrow.value]) } : facts;
}

/**
 * How a plain rule over several operating systems or data sets that no single
 * log source covers splits into one Sigma rule per OS (or per data set): each
 * value must select a source on its own. Null when no split is needed or
 * possible. The split is exact: the query requires the OS (data set) to be one
 * of the values, and each rule's log source fixes one of them.
 */
export function splitOf(query: EventQuery, rule: RuleIR, doc: RuleDocument, mapping: MappingSpec): { key: Narrow["key"]; values: string[] } | null {
  const facts = factsFor(query, rule, doc);
  if (selectSource(mapping, facts)) return null;
  const split = splitFacts(facts, mapping);
  return split && { key: split.key, values: split.values };
}

/** splitOf for facts that select no source, with each value's source. */
function splitFacts(facts: RuleFacts, mapping: MappingSpec): { key: Narrow["key"]; values: string[]; sources: SourceSpec[] } | null {
  for (const key of ["os", "dataset"] as const) {
    const values = [...facts[key]].sort();
    if (values.length < 2) continue;
    const sources: SourceSpec[] = [];
    for (const value of values) {
      const source = selectSource(mapping, narrowed(facts, { key, value }));
      if (!source) break;
      sources.push(source);
    }
    if (sources.length === values.length) return { key, values, sources };
  }
  return null;
}

/**
 * The data source of an event query and its condition after the target's
 * rewrites and the field mapping (exported for the round-trip tests).
 */
export function mapEventQuery(query: EventQuery, rule: RuleIR, doc: RuleDocument, mapping: MappingSpec, narrow?: Narrow): { source: SourceSpec; condition: Condition; diagnostics: Diagnostic[] } | null {
  const source = selectSource(mapping, narrowed(factsFor(query, rule, doc), narrow));
  return source && mapWithSource(query, mapping, source);
}

function mapWithSource(query: EventQuery, mapping: MappingSpec, source: SourceSpec): { source: SourceSpec; condition: Condition; diagnostics: Diagnostic[] } {
  const ctx: MapContext = { spec: mapping, source, target: TARGET, code: "SIGMA" };
  const mapped = applyFieldMap(rewriteStringFunctions(query.condition), ctx);
  return { source, condition: mapped.condition, diagnostics: mapped.diagnostics };
}

/**
 * One event query -> logsource + detection, or null with diagnostics.
 * `source` is the data source already selected for the query's facts (null:
 * none matches).
 */
function buildQuery(query: EventQuery, input: ConvertInput, out: Diagnostic[], source: SourceSpec | null, joinKeys?: readonly Value[]): BuiltQuery | null {
  const { rule, document: doc, mapping } = input;
  const mapped = source && mapWithSource(query, mapping, source);
  if (!mapped) {
    out.push(unsupported("SIGMA001", `no Sigma log source in the mapping matches this query (${describeFacts(query, rule, doc)}); add a source for it to the mapping file`, query.span, { target: TARGET }));
    return null;
  }
  const emit = readEmit(mapped.source, query.span, out);
  if (!emit) return null;
  if (emit.note) out.push(warning("SIGMA002", `log source \`${source.id}\`: ${emit.note}`, query.span, { target: TARGET }));
  const ctx: MapContext = { spec: mapping, source, target: TARGET, code: "SIGMA" };
  out.push(...mapped.diagnostics);
  const k = constantOf(mapped.condition);
  if (k === true && joinKeys) {
    // A sequence term that keeps every event of its source still requires its join keys: EQL never joins on null keys.
    const names: string[] = [];
    for (const key of joinKeys) {
      if (key.kind !== "field" || key.optional) break;
      const n = mapKey(key.path, key.span, ctx, []); // the correlation reports the keys' mapping
      if (n === null) break;
      if (!names.includes(n)) names.push(n);
    }
    if (names.length === joinKeys.length && names.length > 0) {
      out.push(info("SIGMA326", `the term keeps every event of the log source \`${source.id}\`; it is written as its join keys being present, which EQL requires of every joined event`, query.span, { target: TARGET }));
      const selection: Record<string, unknown> = {};
      for (const n of names) selection[`${n}|exists`] = true;
      return { logsource: emit.logsource, detection: { selection, condition: "selection" }, ctx };
    }
  }
  if (k !== null) {
    out.push(
      unsupported(
        "SIGMA003",
        k ? `once the conditions the log source \`${source.id}\` guarantees are left out, the query matches every event of it, which a Sigma detection cannot say` : "the query can never match",
        query.span,
        { target: TARGET },
      ),
    );
    return null;
  }
  const check = checkCondition(mapped.condition);
  if (emit.logsource["product"] === "windows" && emit.logsource["service"] === "security" && requiresEventId(mapped.condition, 4688)) {
    check.push(unsupported("SIGMA323", "Security event 4688 is process creation: Sigma expects it under the generic `process_creation` log source, whose fields differ from the Security log's", query.span, { target: TARGET }));
  }
  out.push(...check);
  if (hasErrors(check) || hasErrors(mapped.diagnostics)) return null;
  return { logsource: emit.logsource, detection: buildDetection(mapped.condition), ctx };
}

/** Whether a top-level conjunct matches `EventID` against `id` (pySigma's SpecificInsteadOfGenericLogsource check). */
function requiresEventId(c: Condition, id: number): boolean {
  const conjuncts = c.kind === "and" ? c.operands : [c];
  return conjuncts.some(
    (x) => x.kind === "match" && x.subject.kind === "field" && x.subject.path === "EventID" && x.values.some((v) => (v.kind === "number" ? v.value === id : v.kind === "pattern" && v.parts.length === 1 && v.parts[0]?.kind === "text" && v.parts[0].value === String(id))),
  );
}

/** `now-9m` -> `9m`: the look-back window of a scheduled rule. */
function lookback(from: string): string | null {
  const m = /^now-(\d+)([smhd])$/.exec(from.trim());
  return m ? `${Number(m[1])}${m[2]}` : null;
}

function timespanOf(ms: number, value: number, unit: string): string | null {
  if (unit !== "ms") return `${value}${unit}`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : null;
}

function slug(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return (s || "rule").slice(0, 60).replace(/_+$/, "");
}

/** Field names of join or group keys, mapped like the query's fields. */
function mapKey(path: string, span: Span, ctx: MapContext, out: Diagnostic[]): string | null {
  const fm = lookupField(ctx, path);
  if (fm && fm.transform !== null && fm.to.length === 1) {
    const to = fm.to[0] as string;
    const part = fm.transform === "basename" ? "the last path component" : "a part";
    out.push(warning("SIGMA324", `\`${path}\` is ${part} of \`${to}\`; the correlation groups by the whole \`${to}\` value, so events with equal \`${path}\` values but different \`${to}\` values fall into different groups`, span, { target: TARGET }));
    return to;
  }
  const ref: FieldRef = { kind: "field", path, optional: false, wildcard: false, span };
  const local: Diagnostic[] = [];
  const mapped = mapValue(ref, ctx, local);
  out.push(...local);
  if (hasErrors(local) || mapped.kind !== "field") return null;
  return mapped.path;
}

interface Parts {
  readonly head: Record<string, unknown>;
  readonly tail: Record<string, unknown>;
}

function plainRule(parts: Parts, built: BuiltQuery): Record<string, unknown> {
  return { ...parts.head, logsource: { ...built.logsource }, detection: built.detection, ...parts.tail };
}

/** A base rule referenced by a correlation: its own id and `name`, the shared metadata. */
function baseRule(parts: Parts, doc: RuleDocument, built: BuiltQuery, name: string, title: string, index: number, variant = ""): Record<string, unknown> {
  const { title: _t, id: _i, tags: _g, ...meta } = parts.head;
  void _t;
  void _i;
  void _g;
  return {
    title,
    id: derivedUuid(`ruleport:sigma:${doc.ruleId}${variant}:${index}`),
    name,
    ...meta,
    logsource: { ...built.logsource },
    detection: built.detection,
    ...parts.tail,
  };
}

const OS_TITLES: Readonly<Record<string, string>> = { windows: "Windows", linux: "Linux", macos: "macOS" };

/**
 * A plain rule over several operating systems (or data sets) that no single
 * log source covers becomes one Sigma rule per operating system (data set):
 * Sigma log sources name one product or service, and field names and values
 * differ between them (path separators, vendor field names). The first keeps
 * the rule's id; the others get ids derived from it. Null when the rule does
 * not need it (or cannot be split).
 */
function perLogSource(q: EventQuery, input: ConvertInput, facts: RuleFacts, parts: Parts, out: Diagnostic[]): Record<string, unknown>[] | null {
  const { document: doc, mapping } = input;
  const split = splitFacts(facts, mapping);
  if (!split) return null;
  const what = split.key === "os" ? "operating system" : "data set";
  out.push(info("SIGMA325", `no single Sigma log source covers the ${what}s ${split.values.join(", ")}; the rule becomes one Sigma rule per ${what}`, q.span, { target: TARGET }));
  const docs: Record<string, unknown>[] = [];
  for (const [i, value] of split.values.entries()) {
    const built = buildQuery(q, input, out, split.sources[i] as SourceSpec);
    if (!built) return [];
    const label = split.key === "os" ? (OS_TITLES[value] ?? value) : value;
    const head: Record<string, unknown> = { ...parts.head, title: `${String(parts.head["title"])} (${label})` };
    if (i > 0) head["id"] = derivedUuid(split.key === "os" ? `ruleport:sigma:${doc.ruleId}:os:${value}` : `ruleport:sigma:${doc.ruleId}:dataset:${value}`);
    docs.push(plainRule({ head, tail: parts.tail }, built));
  }
  return docs;
}

/**
 * A sequence whose terms all cover the same several operating systems, which
 * no single log source covers, becomes one correlation (with its base rules)
 * per operating system. Sigma correlations join rules of any log sources, but
 * here every term would need one log source per OS; a per-OS correlation keeps
 * each one's field names and path separators right. It misses a sequence
 * whose events come from hosts of different operating systems: a warning says
 * so. Null when not needed or not possible.
 */
function perOperatingSystemSequence(q: SequenceQuery, input: ConvertInput, facts: readonly RuleFacts[], sources: readonly (SourceSpec | null)[], parts: Parts, out: Diagnostic[]): Record<string, unknown>[] | null {
  const { document: doc, mapping } = input;
  if (sources.every((s) => s !== null)) return null;
  const oses = [...(facts[0]?.os ?? [])].sort();
  if (oses.length < 2 || !facts.every((f) => f.os.size === oses.length && oses.every((o) => f.os.has(o)))) return null;
  // Per operating system, each term's source.
  const perOs: SourceSpec[][] = [];
  for (const value of oses) {
    const termSources: SourceSpec[] = [];
    for (const f of facts) {
      const s = selectSource(mapping, narrowed(f, { key: "os", value }));
      if (!s) return null;
      termSources.push(s);
    }
    perOs.push(termSources);
  }
  out.push(
    warning(
      "SIGMA328",
      `no single Sigma log source covers ${oses.join(", ")}; the sequence becomes one correlation per operating system, which misses a sequence whose events come from hosts of different operating systems`,
      q.span,
      { target: TARGET },
    ),
  );
  const docs: Record<string, unknown>[] = [];
  for (const [i, value] of oses.entries()) {
    const head: Record<string, unknown> = { ...parts.head, title: `${String(parts.head["title"])} (${OS_TITLES[value] ?? value})` };
    if (i > 0) head["id"] = derivedUuid(`ruleport:sigma:${doc.ruleId}:os:${value}`);
    const one = convertSequence(q, input, perOs[i] as SourceSpec[], { head, tail: parts.tail }, out, { key: "os", value });
    if (!one) return [];
    docs.push(...one);
  }
  return docs;
}

function correlationRule(parts: Parts, correlation: Record<string, unknown>): Record<string, unknown> {
  return { ...parts.head, correlation, ...parts.tail };
}

/** A sequence as a correlation and its base rules; `sources` are the terms' data sources (null: none matches). */
function convertSequence(q: SequenceQuery, input: ConvertInput, sources: readonly (SourceSpec | null)[], parts: Parts, out: Diagnostic[], narrow?: Narrow): Record<string, unknown>[] | null {
  const { document: doc, rule } = input;
  let ok = true;
  if (q.until) {
    out.push(unsupported("SIGMA304", "`until` (a sequence cancelled by an expiration event) has no Sigma correlation counterpart", q.until.span, { target: TARGET }));
    ok = false;
  }
  for (const t of q.terms) {
    if (t.missing) {
      out.push(unsupported("SIGMA305", "a missing-event term `![...]` has no Sigma correlation counterpart", t.span, { target: TARGET }));
      ok = false;
    }
  }
  const multi = q.terms.length > 1;
  for (const t of q.terms) {
    if (multi && t.runs > 1) {
      out.push(
        warning(
          "SIGMA306",
          `approximation: \`with runs=${t.runs}\` becomes an event_count correlation (at least ${t.runs} events per group within the timespan) chained into the temporal_ordered one; EQL counts ${t.runs} consecutive matches of the sequence state machine`,
          t.span,
          { target: TARGET },
        ),
      );
    }
  }
  let timespan: string | null = null;
  if (q.maxspan) {
    timespan = timespanOf(q.maxspan.ms, q.maxspan.value, q.maxspan.unit);
    if (!timespan) {
      out.push(unsupported("SIGMA308", `maxspan ${q.maxspan.value}ms is below Sigma's one-second timespan resolution`, q.maxspan.span, { target: TARGET }));
      ok = false;
    }
  } else {
    timespan = lookback(rule.schedule.from);
    if (timespan) out.push(warning("SIGMA314", `the sequence has no maxspan; the Sigma timespan is the rule's look-back window (${rule.schedule.from})`, q.span, { target: TARGET }));
    else {
      out.push(unsupported("SIGMA307", "the sequence has no maxspan and the rule's look-back window is not a plain `now-N<unit>`, so no Sigma timespan can be given", q.span, { target: TARGET }));
      ok = false;
    }
  }
  const built: BuiltQuery[] = [];
  q.terms.forEach((t, i) => {
    const b = buildQuery(t.query, input, out, sources[i] ?? null, [...q.by, ...t.by]);
    if (b) built.push(b);
    else ok = false;
  });
  if (!ok || built.length !== q.terms.length) return null;

  // Join keys per position, mapped in each term's data source.
  const width = q.by.length + Math.max(0, ...q.terms.map((t) => t.by.length));
  const keyNames: (string | null)[][] = q.terms.map((t, i) => {
    const keys = [...q.by, ...t.by];
    return keys.map((k) => {
      if (k.kind !== "field") {
        out.push(unsupported("SIGMA320", "a computed join key has no Sigma correlation counterpart (group-by takes field names)", k.span, { target: TARGET }));
        return null;
      }
      return mapKey(k.path, k.span, (built[i] as BuiltQuery).ctx, out);
    });
  });
  if (keyNames.some((ks) => ks.length !== width || ks.some((k) => k === null))) {
    if (!keyNames.some((ks) => ks.some((k) => k === null))) out.push(unsupported("SIGMA321", "the sequence terms have different numbers of join keys", q.span, { target: TARGET }));
    return null;
  }

  const variant = narrow ? `:${narrow.key}:${narrow.value}` : "";
  const base = narrow ? `${slug(doc.name)}_${slug(narrow.value)}` : slug(doc.name);
  const names = q.terms.map((_, i) => (multi ? `${base}_step${i + 1}` : base));
  // In a multi-term sequence, a term with runs > 1 is referenced through an event_count correlation over its rule.
  const refs = q.terms.map((t, i) => (multi && t.runs > 1 ? `${names[i] as string}_count` : (names[i] as string)));
  const groupBy: string[] = [];
  const aliases: Record<string, Record<string, string>> = {};
  for (let p = 0; p < width; p++) {
    const fields = keyNames.map((ks) => ks[p] as string);
    const first = fields[0] as string;
    if (fields.every((f) => f === first)) {
      if (!groupBy.includes(first)) groupBy.push(first);
      continue;
    }
    const ecs = [...q.by, ...(q.terms[0]?.by ?? [])][p];
    let alias = slug(ecs && ecs.kind === "field" ? ecs.path : `key${p + 1}`);
    while (groupBy.includes(alias)) alias += "_key";
    groupBy.push(alias);
    const a: Record<string, string> = {};
    refs.forEach((n, i) => (a[n] = fields[i] as string));
    aliases[alias] = a;
  }
  const title = String(parts.head["title"]);
  const docs = built.map((b, i) => baseRule(parts, doc, b, names[i] as string, multi ? `${title} (step ${i + 1} of ${built.length})` : `${title} (event)`, i, variant));
  const counts: Record<string, unknown>[] = [];
  q.terms.forEach((t, i) => {
    if (refs[i] === names[i]) return;
    const { title: _t, id: _i, tags: _g, ...meta } = parts.head;
    void _t;
    void _i;
    void _g;
    const keys = [...new Set(keyNames[i] as string[])];
    counts.push({
      title: `${title} (step ${i + 1} of ${built.length}: ${t.runs} events)`,
      id: derivedUuid(`ruleport:sigma:${doc.ruleId}${variant}:count:${i}`),
      name: refs[i],
      ...meta,
      correlation: { type: "event_count", rules: [names[i]], "group-by": keys, timespan, condition: { gte: t.runs } },
      ...parts.tail,
    });
  });
  const single = q.terms[0];
  const correlation: Record<string, unknown> = multi
    ? { type: "temporal_ordered", rules: refs, "group-by": groupBy, timespan }
    : { type: "event_count", rules: names, "group-by": groupBy, timespan, condition: { gte: single?.runs ?? 1 } };
  if (Object.keys(aliases).length > 0) correlation["aliases"] = aliases;
  return [correlationRule(parts, correlation), ...counts, ...docs];
}

function convertThreshold(input: ConvertInput, built: BuiltQuery, parts: Parts, out: Diagnostic[]): Record<string, unknown>[] | null {
  const { rule, document: doc } = input;
  const det = rule.detection;
  if (det.kind !== "threshold") return null;
  const timespan = lookback(rule.schedule.from);
  if (!timespan) {
    out.push(unsupported("SIGMA307", `the look-back window \`${rule.schedule.from}\` is not a plain \`now-N<unit>\`, so no Sigma timespan can be given`, det.span, { target: TARGET }));
    return null;
  }
  out.push(warning("SIGMA310", `Elastic counts over each run's look-back window (${rule.schedule.from}); the Sigma timespan ${timespan} is a sliding window`, det.span, { target: TARGET }));
  const groupBy: string[] = [];
  for (const f of det.fields) {
    const n = mapKey(f, det.span, built.ctx, out);
    if (n === null) return null;
    if (!groupBy.includes(n)) groupBy.push(n);
  }
  const name = slug(doc.name);
  const base = baseRule(parts, doc, built, name, `${String(parts.head["title"])} (event)`, 0);
  let correlation: Record<string, unknown>;
  if (det.cardinality.length > 1) {
    out.push(unsupported("SIGMA311", "a threshold on the cardinality of several fields has no Sigma correlation counterpart", det.span, { target: TARGET }));
    return null;
  }
  const card = det.cardinality[0];
  if (card) {
    const field = mapKey(card.field, det.span, built.ctx, out);
    if (field === null) return null;
    if (det.value > card.value) out.push(warning("SIGMA311", `a value_count correlation counts distinct values only; Elastic's additional condition of at least ${det.value} events is left out`, det.span, { target: TARGET }));
    correlation = { type: "value_count", rules: [name], "group-by": groupBy, timespan, condition: { field, gte: card.value } };
  } else {
    correlation = { type: "event_count", rules: [name], "group-by": groupBy, timespan, condition: { gte: det.value } };
  }
  return [correlationRule(parts, correlation), base];
}

export const sigma = {
  id: "sigma",
  title: "Sigma",
  extension: ".yml",
  profiles: [{ name: "default", description: "Sigma taxonomy field names (SigmaHQ)", mapping: "fields/default.yaml" }],
  defaultProfile: "default",
  capabilities: {
    sequences: "partial",
    regex: true,
    cidr: true,
    caseSensitiveMatch: true,
    oneCharWildcard: true,
    threshold: true,
    newTerms: false,
    threatMatch: false,
  },
  convert(input: ConvertInput): ConvertResult {
    const { rule, document: doc } = input;
    const out: Diagnostic[] = [];
    const parts = ruleHeader(doc, out);
    let documents: Record<string, unknown>[] | null = null;

    switch (rule.detection.kind) {
      case "new_terms":
        out.push(unsupported("SIGMA301", "new_terms rules (alert on a value not seen in the history window) have no Sigma counterpart", rule.detection.span, { target: TARGET }));
        return { text: null, diagnostics: out };
      case "threat_match":
        out.push(unsupported("SIGMA302", "indicator-match rules (a join with threat-intelligence indices) have no Sigma counterpart", rule.detection.span, { target: TARGET }));
        return { text: null, diagnostics: out };
      case "plain":
      case "threshold":
        break;
    }
    for (const p of rule.pipes) out.push(warning("SIGMA309", `\`| ${p.kind} ${p.count}\` limits how many results the query returns; Sigma has no counterpart and the pipe is left out`, p.span, { target: TARGET }));
    if (rule.suppression) out.push(info("SIGMA313", "alert suppression changes how many alerts are raised, not what matches; Sigma has no counterpart and it is left out", rule.suppression.span, { target: TARGET }));

    const q = rule.query;
    switch (q.kind) {
      case "event": {
        const facts = factsFor(q, rule, doc);
        const source = selectSource(input.mapping, facts);
        const split = rule.detection.kind === "plain" && !source ? perLogSource(q, input, facts, parts, out) : null;
        if (split) {
          documents = split;
          break;
        }
        const built = buildQuery(q, input, out, source);
        if (!built) break;
        documents = rule.detection.kind === "threshold" ? convertThreshold(input, built, parts, out) : [plainRule(parts, built)];
        break;
      }
      case "sequence":
        if (rule.detection.kind === "threshold") {
          out.push(unsupported("SIGMA303", "a threshold over an EQL sequence has no Sigma counterpart", rule.detection.span, { target: TARGET }));
          break;
        }
        {
          const facts = q.terms.map((t) => factsFor(t.query, rule, doc));
          const sources = facts.map((f) => selectSource(input.mapping, f));
          documents = perOperatingSystemSequence(q, input, facts, sources, parts, out) ?? convertSequence(q, input, sources, parts, out);
        }
        break;
      case "sample":
        out.push(unsupported("SIGMA303", "`sample` (unordered co-occurrence per key) has no Sigma counterpart with the same semantics", q.span, { target: TARGET }));
        break;
    }
    if (!documents || documents.length === 0 || hasErrors(out)) return { text: null, diagnostics: out };
    return { text: dumpSigma(documents), diagnostics: out };
  },
} satisfies TargetDefinition;
