/**
 * The reference evaluator: the alerts a rule raises on a stream of ECS events,
 * following Elasticsearch's semantics for EQL and KQL (docs/semantics.md).
 *
 * `evaluate` compiles the rule once (conditions become closures, patterns and
 * regular expressions are cached) and then runs it over the events:
 * - event queries: every matching event (category via `eventCategoryField`);
 * - sequences: ES's sequence state machine (ordered by timestamp, join keys,
 *   maxspan measured from the first event, runs, until, missing events);
 * - samples: one sample per join key;
 * - pipes `head`/`tail`;
 * - rule types: threshold (count and cardinality per group), new_terms
 *   (first occurrence within the given events), threat_match (unsupported).
 */
import type { EventCategory, EventQuery, RuleIR, SampleQuery, SequenceQuery, SequenceTerm, Span, Value } from "../ir/nodes.js";
import { assertNever } from "../ir/nodes.js";
import { type Diagnostic, info, unsupported } from "../diagnostics/index.js";
import { compileCondition, type Compiler, evalValueOnEvent, type Ev, type EventTest, valuesOf, wrapEvent } from "./condition.js";
import { parseTimestamp } from "./fields.js";
import { compareCodePoints } from "./patterns.js";

export interface Alert {
  /** 0-based indexes into the events given to `evaluate`, in the order of the alert (sequence order for sequences). */
  readonly events: number[];
}

export interface EvaluateResult {
  readonly alerts: Alert[];
  readonly diagnostics: Diagnostic[];
}

export interface EvaluateOptions {
  /** What date math `now` means (epoch ms); defaults to the latest event timestamp. */
  readonly now?: number;
}

/** An event with its position and timestamp. */
interface Item {
  readonly ev: Ev;
  readonly idx: number;
  /** Epoch ms, or null when the event has no parseable timestamp. */
  readonly ts: number | null;
}

const ZERO: Span = { start: 0, end: 0 };

function timestampOf(ev: Ev, field: string): number | null {
  const v = valuesOf(ev, field)[0];
  const t = parseTimestamp(v);
  if (t !== null || field === "@timestamp") return t;
  // timestamp_override falls back to @timestamp when the override field is missing.
  return parseTimestamp(valuesOf(ev, "@timestamp")[0]);
}

/** Timestamp order, ties (and events without a timestamp, last) by input position. */
function byOrdinal(a: Item, b: Item): number {
  if (a.ts !== b.ts) {
    if (a.ts === null) return 1;
    if (b.ts === null) return -1;
    return a.ts - b.ts;
  }
  return a.idx - b.idx;
}

function categoryTest(cat: EventCategory, field: string): EventTest {
  switch (cat.kind) {
    case "any":
      return () => true;
    case "named": {
      const name = cat.name;
      // A term query on the category field: case-sensitive, any value of a multi-valued field.
      return (ev) => valuesOf(ev, field).some((v) => v === name);
    }
    default:
      return assertNever(cat, "category");
  }
}

function eventTest(q: EventQuery, rule: RuleIR, c: Compiler): EventTest {
  const cat = categoryTest(q.category, rule.eventCategoryField);
  const cond = compileCondition(q.condition, c);
  return (ev) => cat(ev) && cond(ev);
}

type KeyFn = (ev: Ev) => string | null;

/** Join key of an event for a term: shared keys then the term's own; null when a mandatory key is missing. */
function keyFunction(keys: readonly Value[], c: Compiler): KeyFn {
  if (keys.length === 0) return () => "[]";
  return (ev) => {
    const parts: unknown[] = [];
    for (const k of keys) {
      const v = evalValueOnEvent(k, ev, c);
      if (v === null && !(k.kind === "field" && k.optional)) return null;
      parts.push(v);
    }
    return JSON.stringify(parts);
  };
}

interface Stage {
  readonly test: EventTest;
  readonly key: KeyFn;
  readonly missing: boolean;
}

function compileStages(terms: readonly SequenceTerm[], shared: readonly Value[], rule: RuleIR, c: Compiler): Stage[] {
  const stages: Stage[] = [];
  for (const t of terms) {
    const test = eventTest(t.query, rule, c);
    const key = keyFunction([...shared, ...t.by], c);
    for (let i = 0; i < Math.max(1, t.runs); i++) stages.push({ test, key, missing: t.missing });
  }
  return stages;
}

interface Seq {
  readonly key: string;
  readonly start: Item;
  readonly matches: Item[];
}

function compileSequence(q: SequenceQuery, rule: RuleIR, c: Compiler): (items: readonly Item[]) => Item[][] {
  const stages = compileStages(q.terms, q.by, rule, c);
  const positive = stages.map((s, i) => (s.missing ? -1 : i)).filter((i) => i >= 0);
  if (positive.length === 0) return () => [];
  const first = positive[0] as number;
  const last = positive[positive.length - 1] as number;
  const prevPositive = new Map<number, number>();
  for (let i = 1; i < positive.length; i++) prevPositive.set(positive[i] as number, positive[i - 1] as number);
  const maxspan = q.maxspan ? q.maxspan.ms : 0;
  const until = q.until ? { test: eventTest(q.until.query, rule, c), key: keyFunction([...q.by, ...q.until.by], c) } : null;
  return (items) => runSequence(items, stages, positive, first, last, prevPositive, maxspan, until);
}

function runSequence(
  items: readonly Item[],
  stages: readonly Stage[],
  positive: readonly number[],
  first: number,
  last: number,
  prevPositive: ReadonlyMap<number, number>,
  maxspan: number,
  until: { test: EventTest; key: KeyFn } | null,
): Item[][] {

  // Pending sequences per stage and key, in the order they reached the stage.
  const groups: Map<string, Seq[]>[] = stages.map(() => new Map());
  const untilMarks = new Map<string, Item[]>();
  const completed: Seq[] = [];
  const timed = items.filter((it) => it.ts !== null);

  for (const it of timed) {
    if (until && until.test(it.ev)) {
      const k = until.key(it.ev);
      if (k !== null) {
        let list = untilMarks.get(k);
        if (!list) untilMarks.set(k, (list = []));
        list.push(it);
      }
    }
    // Highest stage first, so an event never extends a sequence it started itself.
    for (let pi = positive.length - 1; pi >= 0; pi--) {
      const s = positive[pi] as number;
      const stage = stages[s] as Stage;
      if (!stage.test(it.ev)) continue;
      const key = stage.key(it.ev);
      if (key === null) continue;
      if (s === first) {
        const seq: Seq = { key, start: it, matches: [it] };
        if (s === last) completed.push(seq);
        else push(groups[s] as Map<string, Seq[]>, key, seq);
        continue;
      }
      const prev = prevPositive.get(s) as number;
      const group = (groups[prev] as Map<string, Seq[]>).get(key);
      if (!group || group.length === 0) continue;
      // ES trims the group: the latest pending sequence is taken, all older ones are dropped.
      const seq = group[group.length - 1] as Seq;
      group.length = 0;
      if (maxspan > 0 && (it.ts as number) - (seq.start.ts as number) > maxspan) continue;
      const lastMatch = seq.matches[seq.matches.length - 1] as Item;
      const marks = untilMarks.get(key);
      if (marks && marks.some((m) => byOrdinal(m, lastMatch) > 0 && byOrdinal(m, it) < 0)) continue;
      seq.matches.push(it);
      if (s === last) completed.push(seq);
      else push(groups[s] as Map<string, Seq[]>, key, seq);
    }
  }

  const hasMissing = stages.some((s) => s.missing);
  const done = hasMissing ? completed.filter((seq) => missingEventsAllow(seq, stages, positive, timed, maxspan)) : completed;
  done.sort((a, b) => byOrdinal(a.start, b.start));
  return done.map((s) => s.matches);
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  let list = m.get(k);
  if (!list) m.set(k, (list = []));
  list.push(v);
}

/**
 * Elasticsearch's check of a candidate sequence against its missing-event
 * stages (TumblingWindow.doCheckMissingEvents): a missing stage between two
 * positive ones rejects the candidate if a matching event (same key) lies
 * strictly between their timestamps; leading and trailing missing stages
 * reject it only when the nearest such event is within maxspan.
 */
function missingEventsAllow(seq: Seq, stages: readonly Stage[], positive: readonly number[], items: readonly Item[], maxspan: number): boolean {
  const matchAt = new Map<number, Item>();
  positive.forEach((s, i) => matchAt.set(s, seq.matches[i] as Item));
  const firstPos = positive[0] as number;
  const lastPos = positive[positive.length - 1] as number;
  const startTs = seq.start.ts as number;
  const endTs = (seq.matches[seq.matches.length - 1] as Item).ts as number;
  let lastLeading: number | null = null;
  let firstTrailing: number | null = null;
  for (let i = 0; i < stages.length; i++) {
    const st = stages[i] as Stage;
    if (!st.missing) continue;
    const hits = items.filter((it) => st.test(it.ev) && st.key(it.ev) === seq.key);
    if (i < firstPos) {
      for (const h of hits) if ((h.ts as number) < startTs && (lastLeading === null || (h.ts as number) > lastLeading)) lastLeading = h.ts;
    } else if (i > lastPos) {
      for (const h of hits) if ((h.ts as number) > endTs && (firstTrailing === null || (h.ts as number) < firstTrailing)) firstTrailing = h.ts;
    } else {
      let before = i - 1;
      while (before >= 0 && (stages[before] as Stage).missing) before--;
      let after = i + 1;
      while (after < stages.length && (stages[after] as Stage).missing) after++;
      const lo = (matchAt.get(before) as Item).ts as number;
      const hi = (matchAt.get(after) as Item).ts as number;
      if (hits.some((h) => (h.ts as number) > lo && (h.ts as number) < hi)) return false;
    }
  }
  const leadingStage = (stages[0] as Stage).missing;
  const trailingStage = (stages[stages.length - 1] as Stage).missing;
  const bigger = (from: number | null, to: number | null): boolean => from === null || to === null || (maxspan > 0 && to - from > maxspan);
  return (
    (firstTrailing === null && lastLeading === null) ||
    (lastLeading === null && leadingStage) ||
    (firstTrailing === null && trailingStage) ||
    (leadingStage && trailingStage && bigger(lastLeading, firstTrailing)) ||
    (leadingStage && !trailingStage && bigger(lastLeading, endTs)) ||
    (!leadingStage && trailingStage && bigger(startTs, firstTrailing))
  );
}

function compileSample(q: SampleQuery, rule: RuleIR, c: Compiler): (items: readonly Item[]) => Item[][] {
  const stages = q.terms.map((t) => ({ test: eventTest(t.query, rule, c), key: keyFunction([...q.by, ...t.by], c) }));
  return (items) => runSample(items, stages);
}

function runSample(items: readonly Item[], stages: readonly { test: EventTest; key: KeyFn }[]): Item[][] {
  const byKey = new Map<string, Item[][]>();
  const order: string[] = [];
  for (const it of items) {
    stages.forEach((st, i) => {
      if (!st.test(it.ev)) return;
      const k = st.key(it.ev);
      if (k === null) return;
      let lists = byKey.get(k);
      if (!lists) {
        byKey.set(k, (lists = stages.map(() => [])));
        order.push(k);
      }
      (lists[i] as Item[]).push(it);
    });
  }
  // Samples come out in join-key order (ES runs a composite aggregation over the keys:
  // ascending, null first, strings by code point).
  order.sort((a, b) => compareKeys(JSON.parse(a) as unknown[], JSON.parse(b) as unknown[]));
  const out: Item[][] = [];
  for (const k of order) {
    const lists = byKey.get(k) as Item[][];
    const used = new Set<number>();
    const sample: Item[] = [];
    for (const l of lists) {
      const pick = l.find((it) => !used.has(it.idx));
      if (!pick) break;
      used.add(pick.idx);
      sample.push(pick);
    }
    if (sample.length === lists.length) out.push(sample);
  }
  return out;
}

function compareKeys(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    if (typeof x === "number" && typeof y === "number") return x - y;
    const c = compareCodePoints(JSON.stringify(x), JSON.stringify(y));
    if (c !== 0) return c;
  }
  return 0;
}

/** Group-by tuples of an event over `fields` (cartesian product of multi-valued fields); empty if a field is missing. */
function tuples(ev: Ev, fields: readonly string[]): string[][] {
  let acc: string[][] = [[]];
  for (const f of fields) {
    const vs = [...new Set(valuesOf(ev, f).map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))))];
    if (vs.length === 0) return [];
    const next: string[][] = [];
    for (const a of acc) for (const v of vs) next.push([...a, v]);
    acc = next;
  }
  return acc;
}

function threshold(det: Extract<RuleIR["detection"], { kind: "threshold" }>, matched: readonly Item[]): Alert[] {
  const groups = new Map<string, Item[]>();
  for (const it of matched) {
    const ts = det.fields.length === 0 ? [[]] : tuples(it.ev, det.fields);
    for (const t of ts) push(groups, JSON.stringify(t), it);
  }
  const alerts: Alert[] = [];
  for (const members of groups.values()) {
    if (members.length < det.value) continue;
    const cardinalityOk = det.cardinality.every((card) => {
      const distinct = new Set<string>();
      for (const m of members) for (const v of valuesOf(m.ev, card.field)) distinct.add(JSON.stringify(v));
      return distinct.size >= card.value;
    });
    if (cardinalityOk) alerts.push({ events: members.map((m) => m.idx) });
  }
  return alerts;
}

function newTerms(det: Extract<RuleIR["detection"], { kind: "new_terms" }>, matched: readonly Item[]): Alert[] {
  const seen = new Set<string>();
  const alerts: Alert[] = [];
  for (const it of matched) {
    const ts = tuples(it.ev, det.fields).map((t) => JSON.stringify(t));
    if (ts.length === 0) continue;
    const fresh = ts.some((t) => !seen.has(t));
    for (const t of ts) seen.add(t);
    if (fresh) alerts.push({ events: [it.idx] });
  }
  return alerts;
}

/** A rule compiled once: closures per condition, reused by every `evaluate` call on the same IR object. */
interface Runner {
  readonly diagnostics: readonly Diagnostic[];
  readonly options: { now: number };
  readonly run: (items: readonly Item[]) => Item[][];
}

const runners = new WeakMap<RuleIR, Runner>();

function runnerFor(rule: RuleIR): Runner {
  const hit = runners.get(rule);
  if (hit) return hit;
  const diagnostics: Diagnostic[] = [];
  const options = { now: 0 };
  const c: Compiler = { diagnostics, options, nestedPath: null };
  const q = rule.query;
  let run: (items: readonly Item[]) => Item[][];
  switch (q.kind) {
    case "event": {
      const t = eventTest(q, rule, c);
      run = (items) => items.filter((it) => t(it.ev)).map((it) => [it]);
      break;
    }
    case "sequence":
      run = compileSequence(q, rule, c);
      break;
    case "sample":
      run = compileSample(q, rule, c);
      break;
    default:
      return assertNever(q, "query");
  }
  const runner: Runner = { diagnostics, options, run };
  runners.set(rule, runner);
  return runner;
}

/** Evaluates a rule over events. Deterministic; never reads the clock. */
export function evaluate(rule: RuleIR, events: readonly object[], options: EvaluateOptions = {}): EvaluateResult {
  const runner = runnerFor(rule);
  const diagnostics: Diagnostic[] = [...runner.diagnostics];
  const evs = events.map(wrapEvent);
  const rawItems: Item[] = evs.map((ev, idx) => ({ ev, idx, ts: timestampOf(ev, rule.timestampField) }));
  let now = options.now;
  if (now === undefined) {
    now = 0;
    for (const it of rawItems) if (it.ts !== null && it.ts > now) now = it.ts;
  }
  runner.options.now = now;
  const items = [...rawItems].sort(byOrdinal);

  const q = rule.query;
  let results = runner.run(items);
  if (q.kind === "sequence") {
    const untimed = items.filter((it) => it.ts === null).length;
    if (untimed > 0) diagnostics.push(info("EVAL020", `${untimed} event(s) without a parseable ${rule.timestampField} were left out of the sequence`, q.span));
  }

  for (const p of rule.pipes) {
    results = p.kind === "head" ? results.slice(0, p.count) : results.slice(Math.max(0, results.length - p.count));
  }

  let alerts: Alert[];
  const det = rule.detection;
  switch (det.kind) {
    case "plain":
      alerts = results.map((r) => ({ events: r.map((it) => it.idx) }));
      break;
    case "threshold":
    case "new_terms": {
      if (q.kind !== "event") {
        diagnostics.push(unsupported("EVAL030", `${det.kind} rules over an EQL ${q.kind} are not evaluated`, det.span));
        alerts = [];
        break;
      }
      const matched = results.map((r) => r[0] as Item);
      alerts = det.kind === "threshold" ? threshold(det, matched) : newTerms(det, matched);
      break;
    }
    case "threat_match":
      diagnostics.push(
        unsupported("EVAL031", "threat_match rules join events to indicator documents from the threat indices; the evaluator has no indicator documents", det.span),
      );
      alerts = [];
      break;
    default:
      return assertNever(det, "detection");
  }
  if (rule.suppression) diagnostics.push(info("EVAL021", "alert_suppression is not applied: it changes alert volume, not matching", rule.suppression.span ?? ZERO));
  return { alerts, diagnostics: dedupe(diagnostics) };
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.code}|${d.message}|${d.span?.start}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
