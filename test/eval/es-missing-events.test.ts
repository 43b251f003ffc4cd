/**
 * Sequences with missing events, against the expectations of Elasticsearch's
 * own EQL QA suite (x-pack/plugin/eql/qa/common/src/main/resources/
 * test_missing_events.toml with data/missing-events.data). The events are
 * restated here: `event_type` is the category field, `@timestamp` epoch ms
 * (or ISO), `sequence` the id the expectations list (missing stages, written
 * -1 there, are not part of our alerts).
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/eval/evaluate.js";
import type { SequenceTerm } from "../../src/ir/nodes.js";
import { eq, event, rule, sequence, term } from "./ir.js";

type Row = { ts: string; tag: string; id: number };
const mk = (cat: string, rows: Row[]) => rows.map((r) => ({ "@timestamp": r.ts, event_type: cat, transID: 1, tag: r.tag, sequence: r.id }));

const test1 = mk("test1", [
  { ts: "1", tag: "normal", id: 1 },
  { ts: "2", tag: "normal", id: 2 },
  { ts: "3", tag: "missing", id: 3 },
  { ts: "4", tag: "normal", id: 4 },
]);
const test2 = mk("test2", [
  { ts: "2022-05-04T12:00:00.000Z", tag: "normal", id: 1 },
  { ts: "2022-05-04T12:00:00.001Z", tag: "normal", id: 2 },
  { ts: "2022-05-04T12:00:00.002Z", tag: "missing", id: 3 },
  { ts: "2022-05-04T12:00:00.003Z", tag: "normal", id: 4 },
  { ts: "2022-05-04T12:00:00.004Z", tag: "normal", id: 5 },
  { ts: "2022-05-04T12:00:00.005Z", tag: "missing", id: 6 },
  { ts: "2022-05-04T12:02:00.006Z", tag: "missing2", id: 7 },
  { ts: "2022-05-04T12:03:00.006Z", tag: "missing2", id: 8 },
]);
const test3 = mk("test3", [
  { ts: "2022-05-04T12:00:00.000Z", tag: "missing", id: 1 },
  { ts: "2022-05-04T12:10:00.001Z", tag: "normal", id: 2 },
  { ts: "2022-05-04T12:20:00.001Z", tag: "missing", id: 3 },
  { ts: "2022-05-04T12:21:00.001Z", tag: "normal", id: 4 },
  { ts: "2022-05-04T12:29:00.001Z", tag: "normal", id: 5 },
  { ts: "2022-05-04T12:31:00.001Z", tag: "normal", id: 6 },
]);
const test4 = mk(
  "test4",
  ["A", "B", "M1", "B", "C", "M2", "D", "M1", "C", "B", "C", "D", "A", "B", "M3", "C", "D", "M4"].map((tag, i) => ({ ts: String(i + 1), tag, id: i + 1 })),
);
const all = [...test1, ...test2, ...test3, ...test4];

/** `[ <cat> where tag == "<tag>" ]`, `!` prefix for a missing term. */
const t = (cat: string, spec: string): SequenceTerm => {
  const missing = spec.startsWith("!");
  return term(event(cat, eq("tag", missing ? spec.slice(1) : spec)), { missing });
};
function ids(cat: string, specs: string[], maxspan: [number, "s" | "m"], pipe?: { kind: "head" | "tail"; count: number }): number[][] {
  const r = rule(sequence(specs.map((s) => t(cat, s)), { maxspan }), {
    eventCategoryField: "event_type",
    pipes: pipe ? [{ ...pipe, span: { start: 0, end: 0 } }] : [],
  });
  return evaluate(r, all).alerts.map((a) => a.events.map((i) => (all[i] as { sequence: number }).sequence));
}

describe("ES QA test_missing_events.toml", () => {
  it("missingInBetween_noMatches (+ head 1, tail 1)", () => {
    expect(ids("test1", ["normal", "!nonexisting", "normal"], [1, "s"])).toEqual([[1, 2], [2, 4]]);
    expect(ids("test1", ["normal", "!nonexisting", "normal"], [1, "s"], { kind: "head", count: 1 })).toEqual([[1, 2]]);
    expect(ids("test1", ["normal", "!nonexisting", "normal"], [1, "s"], { kind: "tail", count: 1 })).toEqual([[2, 4]]);
  });
  it("missingInBetween_match", () => {
    expect(ids("test1", ["normal", "!missing", "normal"], [1, "s"])).toEqual([[1, 2]]);
  });
  it("positivePlusMissing", () => {
    expect(ids("test1", ["normal", "!missing"], [1, "s"])).toEqual([[4]]);
  });
  it("skipFirstMatchAndPickSecondCandidate", () => {
    expect(ids("test2", ["normal", "normal", "!missing", "normal"], [1, "s"])).toEqual([[2, 4, 5]]);
  });
  it("leadingSimple", () => {
    expect(ids("test3", ["!missing", "normal"], [3, "m"])).toEqual([[2], [5], [6]]);
  });
  it("leadingAndTrailingExcluded1 / 2", () => {
    expect(ids("test3", ["!missing", "normal", "!missing"], [19, "m"])).toEqual([[2], [4], [5], [6]]);
    expect(ids("test3", ["!missing", "normal", "!missing"], [21, "m"])).toEqual([[4], [5], [6]]);
  });
  it("multipleMissing1..7", () => {
    expect(ids("test4", ["A", "B", "!M1", "C", "!M2", "D"], [1, "s"])).toEqual([[13, 14, 16, 17]]);
    expect(ids("test4", ["A", "B", "!M1", "C", "D"], [1, "s"])).toEqual([[13, 14, 16, 17]]);
    expect(ids("test4", ["A", "B", "C", "!M2", "D"], [1, "s"])).toEqual([[13, 14, 16, 17]]);
    expect(ids("test4", ["A", "B", "!M1", "C", "!M2", "D", "!M4"], [1, "s"])).toEqual([]);
    expect(ids("test4", ["A", "B", "!none", "C", "!none", "D"], [1, "s"])).toEqual([[1, 2, 5, 7], [13, 14, 16, 17]]);
    expect(ids("test4", ["A", "B", "C", "!M2", "D", "!none"], [1, "s"])).toEqual([[13, 14, 16, 17]]);
    expect(ids("test4", ["!none", "A", "B", "C", "!M2", "D"], [1, "s"])).toEqual([[13, 14, 16, 17]]);
  });
});
