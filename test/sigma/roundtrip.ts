/**
 * Round trip: IR (after field mapping) -> Sigma YAML -> IR read back, and the
 * reference evaluator (src/eval) gives the same verdict on generated events
 * for both conditions.
 *
 * Events are generated from the mapped condition: for every field it tests,
 * values that match a leaf, case variants, near misses, and absence, combined
 * with a seeded PRNG (deterministic).
 */
import type { Condition, EventQuery, PatternPart, RuleIR } from "../../src/ir/nodes.js";
import { evaluate } from "../../src/eval/evaluate.js";
import { setField } from "../../src/eval/fields.js";
import { parseLuceneRegex, sampleRegex } from "../../src/regex/lucene.js";
import type { MappingSpec } from "../../src/mapping/index.js";
import { mapEventQuery, splitOf } from "../../targets/sigma/index.js";
import type { RuleDocument } from "../../src/frontend/rule-document.js";
import { loadSigma } from "../../targets/sigma/yaml.js";
import { readDetection } from "./reader.js";
import { eventQuery, ruleOf } from "./ir.js";

function instantiate(parts: readonly PatternPart[], fill: string): string {
  return parts.map((p) => (p.kind === "text" ? p.value : p.kind === "any" ? fill : "q")).join("");
}

function flipCase(s: string): string {
  return [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join("");
}

/**
 * Candidate values per field, collected from the leaves of a condition. The
 * first value each leaf adds is the one that matches it ("primary"); the
 * generator favours those so that conjunctions of many leaves still match.
 */
export function candidates(c: Condition, out = new Map<string, unknown[]>(), primary = new Map<string, unknown[]>()): Map<string, unknown[]> {
  const add = (f: string, ...vs: unknown[]) => {
    let l = out.get(f);
    if (!l) out.set(f, (l = []));
    for (const v of vs) if (!l.some((x) => x === v)) l.push(v);
    let p = primary.get(f);
    if (!p) primary.set(f, (p = []));
    if (vs.length > 0 && !p.some((x) => x === vs[0])) p.push(vs[0]);
  };
  switch (c.kind) {
    case "and":
    case "or":
      c.operands.forEach((o) => candidates(o, out, primary));
      break;
    case "not":
      candidates(c.operand, out, primary);
      break;
    case "match":
      if (c.subject.kind !== "field") break;
      for (const v of c.values) {
        if (v.kind === "number") add(c.subject.path, v.value, v.value + 1, String(v.value));
        else if (v.kind === "boolean") add(c.subject.path, v.value, !v.value);
        else {
          const a = instantiate(v.parts, "");
          const b = instantiate(v.parts, "Zz\\");
          add(c.subject.path, a, b, flipCase(a), a + "x", "x" + a, a.slice(0, -1), a.replace(/\\/g, "/"));
        }
      }
      break;
    case "regex-match":
      if (c.subject.kind !== "field") break;
      for (const p of c.patterns) {
        try {
          const node = parseLuceneRegex(p.source);
          for (let k = 0; k < 4; k++) {
            let seed = k * 7 + 3;
            const s = sampleRegex(node, (n) => (seed = (seed * 31 + 17) % 9973) % n);
            if (s !== null) add(c.subject.path, s, flipCase(s), s + "x");
          }
        } catch {
          // a pattern the sampler cannot read: no candidates from it
        }
      }
      break;
    case "exists":
      if (c.subject.kind === "field") add(c.subject.path, "present");
      break;
    case "compare":
      if (c.left.kind === "field" && c.right.kind === "number") add(c.left.path, c.right.value - 1, c.right.value, c.right.value + 1);
      break;
    case "test":
      if (c.value.kind === "field") add(c.value.path, true, false);
      else if (c.value.kind === "call") {
        const [subject, ...args] = c.value.args;
        if (subject?.kind !== "field") break;
        for (const a of args) {
          if (a.kind !== "string") continue;
          if (c.value.name === "cidrMatch") add(subject.path, a.value.split("/")[0] ?? a.value, "203.0.113.77");
          else add(subject.path, a.value, "x" + a.value + "x", flipCase(a.value), a.value + "y", "y" + a.value);
        }
      }
      break;
    case "fulltext":
    case "nested":
      break;
  }
  return out;
}

/** Deterministic events over the candidate values. */
export function generateEvents(c: Condition, count = 400, seed = 12345): Record<string, unknown>[] {
  const primary = new Map<string, unknown[]>();
  const pool = candidates(c, new Map(), primary);
  // several patterns on one field (`*a*` and `*b*`): their matching values joined can satisfy all of them
  for (const [f, ps] of primary) {
    const strs = ps.filter((p): p is string => typeof p === "string");
    if (strs.length > 1) ps.push(strs.join(""), strs.slice().reverse().join(""));
  }
  let s = seed;
  const rnd = (n: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const ev: Record<string, unknown> = { "@timestamp": new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString() };
    for (const [f, vs] of pool) {
      const r = rnd(10);
      if (r === 0) continue;
      const from = r < 6 ? (primary.get(f) ?? vs) : vs;
      setField(ev, f, from[rnd(from.length)]);
    }
    events.push(ev);
  }
  return events;
}

export function verdicts(cond: Condition, events: readonly object[]): boolean[] {
  const rule: RuleIR = ruleOf(eventQuery(null, cond));
  const r = evaluate(rule, events);
  const hit = new Set(r.alerts.flatMap((a) => a.events));
  return events.map((_, i) => hit.has(i));
}

/** The event queries behind the detection documents, in document order (a sequence's terms, or the one query). */
function eventQueries(rule: RuleIR): EventQuery[] {
  switch (rule.query.kind) {
    case "event":
      return [rule.query];
    case "sequence":
      return rule.query.terms.map((t) => t.query);
    case "sample":
      return [];
  }
}

export interface RoundTrip {
  readonly original: Condition;
  readonly readBack: Condition;
  readonly events: Record<string, unknown>[];
  readonly mismatches: number[];
}

/**
 * Reads every detection document of the Sigma output back (the rule itself,
 * or the base rules of a correlation) and compares verdicts with the mapped
 * event query it came from. Null when there is nothing to compare.
 */
export function roundTripAll(rule: RuleIR, doc: RuleDocument, mapping: MappingSpec, text: string): RoundTrip[] | null {
  const all = loadSigma(text);
  const docs = all.filter((d): d is { detection: Record<string, unknown>; logsource: Record<string, string> } => typeof d === "object" && d !== null && "detection" in d);
  let queries = eventQueries(rule);
  // a rule split per operating system or data set: one document per value, each from the same query
  const split = queries.length === 1 && docs.length > 1 && docs.length === all.length ? splitOf(queries[0] as EventQuery, rule, doc, mapping) : null;
  if (split) queries = docs.map(() => queries[0] as EventQuery);
  if (queries.length === 0 || docs.length !== queries.length || (split && split.values.length !== docs.length)) return null;
  const out: RoundTrip[] = [];
  for (let i = 0; i < queries.length; i++) {
    const narrow = split ? { key: split.key, value: split.values[i] as string } : undefined;
    const original = mapEventQuery(queries[i] as EventQuery, rule, doc, mapping, narrow)?.condition;
    if (!original) return null;
    // a sequence term that keeps every event is written as its join keys being present (SIGMA326): nothing to compare
    if (original.kind === "test" && original.value.kind === "boolean" && original.value.value) continue;
    const readBack = readDetection((docs[i] as { detection: Record<string, unknown> }).detection);
    const events = generateEvents(original);
    const a = verdicts(original, events);
    const b = verdicts(readBack, events);
    out.push({ original, readBack, events, mismatches: a.flatMap((x, k) => (x === b[k] ? [] : [k])) });
  }
  return out;
}

/** The single-document case (a plain rule). */
export function roundTrip(rule: RuleIR, doc: RuleDocument, mapping: MappingSpec, text: string): RoundTrip | null {
  if (rule.query.kind !== "event" || loadSigma(text).length !== 1) return null;
  return roundTripAll(rule, doc, mapping, text)?.[0] ?? null;
}
