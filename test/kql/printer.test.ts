/** printKql on conditions KQL cannot state: kqlUnprintable says why, printKql refuses (a caller bug). */
import { describe, expect, it } from "vitest";
import { foldFilters, kqlUnprintable, printKql } from "../../src/frontend/kql/index.js";
import type { Condition } from "../../src/ir/nodes.js";
import { any, match, one, pat, str, text } from "./helpers.js";

const S = { start: 0, end: 0 };
/** The printer never reads spans, so span-less test conditions are enough. */
const withSpans = (c: unknown): Condition => c as Condition;

describe("printKql limits", () => {
  it("a case-insensitive match (from a Kibana filter) cannot be KQL", () => {
    const r = foldFilters([{ raw: { query: { wildcard: { "file.path": { value: "*x*", case_insensitive: true } } } }, span: S }]);
    expect(kqlUnprintable(r.value!)).toMatch(/case-insensitive/);
    expect(() => printKql(r.value!)).toThrow(/internal error/);
  });
  it("KQL has no single-character wildcard", () => {
    expect(kqlUnprintable(withSpans(match("f", [pat(text("a"), one)])))).toMatch(/single-character/);
  });
  it("leading whitespace in a wildcard pattern would be trimmed by Kibana", () => {
    expect(kqlUnprintable(withSpans(match("f", [pat(text(" a"), any)])))).toMatch(/whitespace/);
  });
  it("regular expressions and computed tests", () => {
    const re = { kind: "regex-match", subject: { kind: "field", path: "f", optional: false, wildcard: false, span: S }, patterns: [{ kind: "regex", dialect: "lucene", source: "a.*", span: S }], caseSensitive: true, span: S } as Condition;
    expect(kqlUnprintable(re)).toMatch(/regular expressions/);
  });
  it("a printable condition reports null", () => {
    expect(kqlUnprintable(withSpans(match("f", [str("x")])))).toBeNull();
    expect(printKql(withSpans(match("f", [str("x"), pat(text("y"), any)])))).toBe('f:("x" or y*)');
  });
});
