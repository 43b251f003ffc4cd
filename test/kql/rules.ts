/**
 * Shared checks for a KQL/Lucene rule file: it loads and lowers without
 * errors, its query keeps identity, and the rule-level semantics (filters,
 * threshold, new_terms, threat_match, alert_suppression) reach the IR
 * unchanged. Expectations are read from the TOML with smol-toml directly, not
 * from the loader under test.
 */
import { expect } from "vitest";
import { parse as parseToml } from "smol-toml";
import { loadRule } from "../../src/frontend/load-rule.js";
import { lowerRule } from "../../src/frontend/lower.js";
import { cidrTermsToCalls } from "../../src/frontend/ip-terms.js";
import { caselessToInsensitive } from "../../src/frontend/caseless.js";
import { foldFilters, parseKql, parseLucene, printKql, printLucene } from "../../src/frontend/kql/index.js";
import { standaloneSource } from "../../src/frontend/source.js";
import type { Condition, Span } from "../../src/ir/nodes.js";
import { noSpans } from "./helpers.js";
import { expectInvariants } from "./invariants.js";

type Raw = Record<string, unknown>;

export interface RuleCheck {
  readonly language: string;
  readonly type: string;
  readonly filters: number;
  readonly threatQuery: boolean;
}

function errorsOf(ds: readonly { severity: string }[]) {
  return ds.filter((d) => d.severity === "error");
}

function parseBoth(language: string, q: string): Condition {
  const r = language === "lucene" ? parseLucene(standaloneSource(q)) : parseKql(standaloneSource(q));
  expect(errorsOf(r.diagnostics), q).toEqual([]);
  expect(r.value).not.toBeNull();
  return r.value!;
}

/** parse(print(ir)) deep-equals ir modulo spans. */
export function expectIdentity(language: string, ir: Condition): void {
  const printed = language === "lucene" ? printLucene(ir) : printKql(ir);
  const again = parseBoth(language, printed);
  expect(noSpans(again), printed).toEqual(noSpans(ir));
}

function spans(x: unknown, out: Span[] = []): Span[] {
  if (Array.isArray(x)) for (const e of x) spans(e, out);
  else if (x !== null && typeof x === "object") {
    for (const [k, v] of Object.entries(x)) {
      if (k === "span") out.push(v as Span);
      else spans(v, out);
    }
  }
  return out;
}

function operands(c: Condition): readonly Condition[] {
  return c.kind === "and" ? c.operands : [c];
}

/** The field names a filter's DSL mentions (keys under leaf query types, `exists.field`). */
function filterFields(dsl: unknown, out: string[] = []): string[] {
  if (Array.isArray(dsl)) for (const d of dsl) filterFields(d, out);
  else if (dsl !== null && typeof dsl === "object") {
    for (const [k, v] of Object.entries(dsl as Raw)) {
      if (k === "exists" && v && typeof v === "object" && typeof (v as Raw)["field"] === "string") out.push((v as Raw)["field"] as string);
      else if (["match_phrase", "match", "term", "terms", "wildcard", "prefix", "regexp", "range"].includes(k) && v && typeof v === "object") out.push(...Object.keys(v as Raw));
      else filterFields(v, out);
    }
  }
  return out;
}

export function checkRule(path: string, text: string): RuleCheck {
  const raw = (parseToml(text) as Raw)["rule"] as Raw;
  const language = raw["language"] as string;
  const type = raw["type"] as string;
  const loaded = loadRule(path, text);
  expect(errorsOf(loaded.diagnostics), path).toEqual([]);
  const doc = loaded.value.document!;
  const lowered = lowerRule(doc);
  expect(errorsOf(lowered.diagnostics), path).toEqual([]);
  const ir = lowered.value!;
  expect(ir.language).toBe(language);

  // the query: same as a standalone parse of the TOML value, with identity
  const cond = parseBoth(language, raw["query"] as string);
  expectIdentity(language, cond);
  expect(ir.query.kind).toBe("event");
  if (ir.query.kind !== "event") return { language, type, filters: 0, threatQuery: false };
  expectInvariants(ir.query.condition, 0, text.length);
  const all = operands(ir.query.condition);
  // lowering rewrites CIDR blocks on ip fields into cidrMatch and `.caseless` sub-fields into
  // case-insensitive matches on their base fields (src/frontend/ip-terms.ts, caseless.ts); nothing else
  const own = operands(caselessToInsensitive(cidrTermsToCalls(cond)));
  expect(noSpans(all.slice(0, own.length))).toEqual(noSpans(own));
  // IR spans of the query's own nodes are file offsets inside the query string
  const qs = doc.querySpan!;
  for (const s of spans(all.slice(0, own.length))) {
    expect(s.start, path).toBeGreaterThanOrEqual(qs.start);
    expect(s.end, path).toBeLessThanOrEqual(qs.end);
    expect(s.start).toBeLessThanOrEqual(s.end);
  }

  // filters: every enabled filter is one more AND operand, negated ones under `not`, on the filter's fields
  const rawFilters = (raw["filters"] as Raw[] | undefined) ?? [];
  const enabled = rawFilters.filter((f) => (f["meta"] as Raw | undefined)?.["disabled"] !== true);
  const extra = all.slice(own.length);
  expect(extra.length, path).toBe(enabled.length);
  enabled.forEach((f, i) => {
    const c = extra[i]!;
    const negate = (f["meta"] as Raw | undefined)?.["negate"] === true;
    expect(c.kind === "not", path).toBe(negate);
    const text = JSON.stringify(c);
    for (const name of filterFields(f["query"] ?? f)) expect(text, path).toContain(JSON.stringify(name));
  });

  // rule-level semantics
  const det = ir.detection;
  switch (type) {
    case "threshold": {
      const th = raw["threshold"] as Raw;
      expect(noSpans(det)).toEqual({
        kind: "threshold",
        fields: th["field"],
        value: th["value"],
        cardinality: ((th["cardinality"] as Raw[] | undefined) ?? []).map((c) => ({ field: c["field"], value: c["value"] })),
      });
      break;
    }
    case "new_terms": {
      const nt = raw["new_terms"] as Raw;
      expect(noSpans(det)).toEqual({ kind: "new_terms", fields: nt["value"], historyWindowStart: ((nt["history_window_start"] as Raw[])[0] as Raw)["value"] });
      break;
    }
    case "threat_match": {
      expect(det.kind).toBe("threat_match");
      if (det.kind !== "threat_match") break;
      expect(det.threatIndex).toEqual(raw["threat_index"]);
      expect(det.threatIndicatorPath).toEqual(raw["threat_indicator_path"] ?? null);
      expect(det.mappings).toEqual(((raw["threat_mapping"] as Raw[]) ?? []).map((m) => ((m["entries"] as Raw[]) ?? []).map((e) => ({ field: e["field"], type: e["type"], value: e["value"] }))));
      // threat_query AND the enabled threat_filters (folded by lower.ts), each without loss
      const tq = raw["threat_query"] as string | undefined;
      const tf = (raw["threat_filters"] as Raw[] | undefined) ?? [];
      const nFilters = tf.filter((f) => (f["meta"] as Raw | undefined)?.["disabled"] !== true).length;
      let folded: Condition | null = null;
      if (tf.length > 0) {
        const r = foldFilters(tf.map((f) => ({ raw: f, span: null })));
        expect(errorsOf(r.diagnostics), path).toEqual([]);
        expect(operands(r.value!).length).toBe(nFilters);
        folded = r.value;
      }
      if (tq !== undefined) {
        const expected = parseBoth((raw["threat_language"] as string) ?? "kuery", tq);
        const ownOps = operands(expected);
        const got = operands(det.threatQuery!);
        expect(noSpans(got.slice(0, ownOps.length))).toEqual(noSpans(ownOps));
        expect(noSpans(got.slice(ownOps.length))).toEqual(noSpans(folded ? operands(folded) : []));
        if (nFilters === 0) expectIdentity((raw["threat_language"] as string) ?? "kuery", det.threatQuery!);
      } else if (folded) expect(noSpans(det.threatQuery)).toEqual(noSpans(folded));
      else expect(det.threatQuery).toBeNull();
      break;
    }
    default:
      expect(det).toEqual({ kind: "plain" });
  }
  const sup = raw["alert_suppression"] as Raw | undefined;
  if (sup) {
    expect(ir.suppression?.groupBy).toEqual(sup["group_by"]);
    expect(ir.suppression?.duration).toEqual(sup["duration"] ?? null);
  }
  return { language, type, filters: rawFilters.length, threatQuery: raw["threat_query"] !== undefined };
}
