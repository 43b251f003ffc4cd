/** Kibana filter folding: expectations follow Kibana's from_filters.ts and the Elasticsearch DSL (docs/kql-semantics.md section 9). */
import { describe, expect, it } from "vitest";
import { foldFilters } from "../../src/frontend/kql/index.js";
import type { Condition } from "../../src/ir/nodes.js";
import { and, any, exists, match, noSpans, not, num, one, or, pat, str, text } from "./helpers.js";

const S = { start: 7, end: 20 };
const fold = (...raws: object[]) => foldFilters(raws.map((raw) => ({ raw: raw as Record<string, unknown>, span: S })));
const val = (...raws: object[]) => noSpans(fold(...raws).value);

describe("foldFilters", () => {
  it("a negated case-insensitive wildcard filter (corpus shape)", () => {
    // TOML "C:\\\\Program Files\\\\*.exe" is the JSON string C:\\Program Files\\*.exe: `\\` escapes a backslash in wildcard syntax.
    const f = { meta: { negate: true }, query: { wildcard: { "winlog.event_data.ProcessName": { case_insensitive: true, value: "C:\\\\Program Files\\\\*.exe" } } } };
    expect(val(f)).toEqual(not(match("winlog.event_data.ProcessName", [pat(text("C:\\Program Files\\"), any, text(".exe"))], { caseSensitive: false })));
  });
  it("? in a wildcard filter is one character", () => {
    const f = { meta: { negate: false }, query: { wildcard: { "file.path": { value: "?:\\\\x*" } } } };
    expect(val(f)).toEqual(match("file.path", [pat(one, text(":\\x"), any)]));
  });
  it("several filters are ANDed, disabled ones dropped", () => {
    const a = { meta: { negate: false }, query: { match_phrase: { "event.kind": "alert" } } };
    const b = { meta: { disabled: true, negate: false }, query: { match_phrase: { "event.kind": "x" } } };
    const c = { meta: { negate: true }, query: { match_phrase: { "event.module": { query: "endpoint" } } } };
    expect(val(a, b, c)).toEqual(and(match("event.kind", [str("alert")]), not(match("event.module", [str("endpoint")]))));
    expect(fold(b).value).toBeNull();
    expect(fold().value).toBeNull();
  });
  it("exists, in `query` and in the legacy top-level form", () => {
    expect(val({ meta: { negate: true, type: "exists" }, query: { exists: { field: "rapid7.tc.vulnerability.id" } } })).toEqual(not(exists("rapid7.tc.vulnerability.id")));
    expect(val({ $state: { store: "appState" }, exists: { field: "user_agent.original" }, meta: { negate: true, disabled: false } })).toEqual(not(exists("user_agent.original")));
  });
  it("term with case_insensitive, terms, prefix, match with number", () => {
    expect(val({ query: { term: { "user.name": { value: "Admin", case_insensitive: true } } } })).toEqual(match("user.name", [str("Admin")], { caseSensitive: false }));
    expect(val({ query: { terms: { "event.code": ["4624", 4625] } } })).toEqual(match("event.code", [str("4624"), num("4625")]));
    expect(val({ query: { prefix: { "file.name": { value: "a*" } } } })).toEqual(match("file.name", [pat(text("a*"), any)]));
    expect(val({ query: { match: { "event.code": 4688 } } })).toEqual(match("event.code", [num("4688")]));
  });
  it("bool: must/filter AND, should OR (at least one), must_not", () => {
    const q = { bool: { should: [{ match_phrase: { a: "1" } }, { match_phrase: { b: "2" } }], minimum_should_match: 1, must_not: { exists: { field: "c" } } } };
    expect(val({ query: q })).toEqual(and(or(match("a", [str("1")]), match("b", [str("2")])), not(exists("c"))));
    const q2 = { bool: { filter: [{ match_phrase: { a: "1" } }], must: { match_phrase: { b: "2" } } } };
    // operands in the order must, filter, should, must_not
    expect(val({ query: q2 })).toEqual(and(match("b", [str("2")]), match("a", [str("1")])));
  });
  it("should next to must does not change matching (minimum_should_match 0) and warns", () => {
    const r = fold({ query: { bool: { must: { match_phrase: { a: "1" } }, should: { match_phrase: { b: "2" } } } } });
    expect(noSpans(r.value)).toEqual(match("a", [str("1")]));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["KQL302"]);
  });
  it("range filters become comparisons", () => {
    expect(val({ query: { range: { "@timestamp": { gte: "now-1d", lt: 5 } } } })).toEqual(
      and(
        { kind: "compare", op: ">=", left: { kind: "field", path: "@timestamp", optional: false, wildcard: false }, right: { kind: "datemath", expr: "now-1d" } } as unknown as Condition,
        { kind: "compare", op: "<", left: { kind: "field", path: "@timestamp", optional: false, wildcard: false }, right: { kind: "number", value: 5, raw: "5", integer: true } } as unknown as Condition,
      ),
    );
  });
  it("query_string filters go through the Lucene frontend", () => {
    expect(val({ query: { query_string: { query: "a:1 AND b:x*" } } })).toEqual(and(match("a", [num("1")], { operator: ":" }), match("b", [pat(text("x"), any)], { operator: ":" })));
  });
  it("anything it cannot state exactly is unsupported, with the filter's span", () => {
    for (const raw of [
      { query: { script: { script: "doc['a'].value > 1" } } },
      { query: { match: { a: { query: "x", fuzziness: 2 } } } },
      { query: { geo_distance: { distance: "1km", loc: [0, 0] } } },
      { query: { bool: { should: [{ match_phrase: { a: "1" } }, { match_phrase: { b: "2" } }, { match_phrase: { c: "3" } }], minimum_should_match: 2 } } },
      { meta: { type: "combined", params: [] } },
      { query: {} },
    ]) {
      const r = fold(raw);
      expect(r.value, JSON.stringify(raw)).toBeNull();
      expect(r.diagnostics[0]?.code).toBe("KQL301");
      expect(r.diagnostics[0]?.unsupported).toBe(true);
      expect(r.diagnostics[0]?.span).toEqual(S);
    }
  });
});
