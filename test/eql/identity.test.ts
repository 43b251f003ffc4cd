/**
 * The printer's identity property: parse(print(ir)) deep-equals ir (spans
 * aside). On the fixture file (whose entries are canonical, so also
 * print(parse(q)) === q), on non-canonical spellings, and on every EQL rule
 * of the corpus when this machine has it.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseEql, printEql, UnprintableError } from "../../src/frontend/eql/index.js";
import { loadRule } from "../../src/frontend/load-rule.js";
import { standaloneSource } from "../../src/frontend/source.js";
import type { Condition, EventQuery } from "../../src/ir/nodes.js";
import { corpusDir, irViolations, parseOk, readIdentityFixtures, stripSpans } from "./util.js";

function roundTrip(q: string): void {
  const ir = parseOk(q);
  const printed = printEql(ir.query, ir.pipes);
  const again = parseEql(standaloneSource(printed));
  expect(again.diagnostics.filter((d) => d.severity === "error"), printed).toEqual([]);
  expect(stripSpans(again.value)).toEqual(stripSpans(ir));
}

describe("identity fixtures", () => {
  const fixtures = readIdentityFixtures();
  it("has fixtures", () => expect(fixtures.length).toBeGreaterThan(50));
  for (const q of fixtures) {
    it(q.split("\n")[0]!, () => {
      const ir = parseOk(q);
      expect(printEql(ir.query, ir.pipes)).toBe(q);
      roundTrip(q);
    });
  }
});

describe("non-canonical spellings round-trip to the same IR", () => {
  const inputs = [
    'process where x == """raw\\"text"""',
    'process where not x in ("a", "b")',
    'process where x : ("a")',
    'process where "a" == x',
    "process where null == x",
    "process where x == 1 // comment\n and /* block /* nested */ */ y == 2",
    "sequence with maxspan=1m by k [a where true] [b where true]",
    "sequence by k with maxspan = 5 s [a where true] [b where true]",
    "process where +x > 1",
    "process where x > --1",
    "process where ((x == 1))",
    "process where a and (b and (c and d))",
    "process where STARTSWITH~(x, \"a\") and CidrMatch(ip, \"10.0.0.0/8\")",
    "process where x : \"\\u{41}\\u{1F600}\"",
    "process where x : \"\\b\\f\\r\\u{01}\"",
    "process where (x + 1) : \"2\"",
    "process where (-4) : \"x\"",
    "process where (-x) in (1, 2)",
    'process where not not x != "a"',
    'process where not x not in ("a")',
  ];
  for (const q of inputs) it(q, () => roundTrip(q));
});

describe("printing IR that did not come from EQL", () => {
  const at = { start: 0, end: 0 };
  const ev = (condition: Condition): EventQuery => ({ kind: "event", category: { kind: "any" }, condition, span: at });
  it("chooses an EQL operator with the same meaning for KQL matches", () => {
    const subject = { kind: "field", path: "a", optional: false, wildcard: false, span: at } as const;
    const exact = { kind: "pattern", parts: [{ kind: "text", value: "x*" }], span: at } as const;
    const wild = { kind: "pattern", parts: [{ kind: "text", value: "x" }, { kind: "any" }], span: at } as const;
    expect(printEql(ev({ kind: "match", subject, values: [exact], caseSensitive: false, operator: "kql", span: at }), [])).toBe('any where a in~ ("x*")');
    expect(printEql(ev({ kind: "match", subject, values: [wild], caseSensitive: false, operator: "kql", span: at }), [])).toBe('any where a : "x*"');
    expect(printEql(ev({ kind: "match", subject, values: [wild], caseSensitive: true, operator: "kql", span: at }), [])).toBe('any where a like "x*"');
  });
  it("refuses what EQL cannot express", () => {
    const value = { kind: "pattern", parts: [{ kind: "text", value: "x" }], span: at } as const;
    expect(() => printEql(ev({ kind: "fulltext", value, caseSensitive: false, span: at }), [])).toThrow(UnprintableError);
  });
});

function tomlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".toml")) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

const corpus = corpusDir();
describe("corpus", () => {
  it.skipIf(!corpus)(corpus ? "every EQL rule of the corpus parses and round-trips" : "every EQL rule of the corpus round-trips (SKIPPED: ../shared/corpus/elastic-detection-rules not found)", () => {
    let eql = 0;
    const failures: string[] = [];
    for (const file of tomlFiles(corpus!)) {
      const loaded = loadRule(file, readFileSync(file, "utf8")).value;
      const doc = loaded.document;
      if (!doc || doc.language !== "eql" || !doc.query) continue;
      eql++;
      const r = parseEql(doc.query);
      if (!r.value) {
        failures.push(`${file}: ${r.diagnostics.map((d) => d.message).join("; ")}`);
        continue;
      }
      // spans are file offsets inside the query's TOML value
      const qs = loaded.document!.querySpan!;
      expect(r.value.query.span.start).toBeGreaterThanOrEqual(qs.start);
      expect(r.value.query.span.end).toBeLessThanOrEqual(qs.end);
      const bad = irViolations(r.value, loaded.source.text.length);
      if (bad.length > 0) failures.push(`${file}: ${bad.join("; ")}`);
      const printed = printEql(r.value.query, r.value.pipes);
      const again = parseEql(standaloneSource(printed));
      if (JSON.stringify(stripSpans(again.value)) !== JSON.stringify(stripSpans(r.value))) failures.push(`${file}: identity fails\n${printed}`);
    }
    expect(failures).toEqual([]);
    expect(eql).toBe(1081);
  });
});

describe("the IR invariant checker used by the corpus and fuzz tests", () => {
  it("reports nested and, empty/adjacent text parts and out-of-range spans", () => {
    const at = { start: 0, end: 1 };
    const t = { kind: "test", value: { kind: "boolean", value: true, span: at }, span: at };
    const bad = {
      kind: "and",
      operands: [{ kind: "and", operands: [t, t], span: at }, { kind: "pattern", parts: [{ kind: "text", value: "" }, { kind: "text", value: "a" }, { kind: "text", value: "b" }], span: { start: 0, end: 99 } }],
      span: at,
    };
    expect(irViolations(bad, 10)).toEqual([
      "ir: and directly inside and",
      "ir.operands[1]: span {\"start\":0,\"end\":99} outside [0, 10]",
      "ir.operands[1]: empty text part",
      "ir.operands[1]: adjacent text parts",
      "ir.operands[1]: adjacent text parts",
    ]);
    expect(irViolations(parseOk('process where a and (b and c : "x*y")'), 100)).toEqual([]);
  });
});
