/** The bundled Splunk mappings: every source's `emit` is valid, and the field names they produce can be written in SPL. */
import { describe, expect, it } from "vitest";
import { bundledMapping } from "../../src/compile.js";
import { splunk } from "../../targets/splunk/index.js";
import { parseEmit } from "../../targets/splunk/emit.js";
import { isEvalField } from "../../targets/splunk/syntax.js";

for (const profile of splunk.profiles.map((p) => p.name)) {
  describe(`mapping ${profile}`, () => {
    const spec = bundledMapping(splunk, profile);
    it.each(spec.sources.map((s) => [s.id, s] as const))("source %s has a valid emit", (_id, source) => {
      expect("problems" in parseEmit(source) ? (parseEmit(source) as { problems: string[] }).problems : []).toEqual([]);
    });
    it("every target field name can be written in an eval expression", () => {
      const names = [...spec.fields.values(), ...spec.sources.flatMap((s) => [...s.fields.values()])].flatMap((m) => m.to);
      expect(names.filter((n) => !isEvalField(n))).toEqual([]);
    });
    it("a tstats source maps and groups only to fields of its data set (tstats reads nothing else)", () => {
      const outside: string[] = [];
      for (const source of spec.sources) {
        const parsed = parseEmit(source);
        if ("problems" in parsed || parsed.emit.kind !== "tstats") continue;
        const { dataset, by } = parsed.emit;
        const names = [...spec.fields.values(), ...source.fields.values()].flatMap((m) => m.to);
        for (const n of [...names, ...by]) if (!n.startsWith(`${dataset}.`) && n !== "_time") outside.push(`${source.id}: ${n}`);
      }
      expect(outside).toEqual([]);
    });
    it("ends with a catch-all source that warns", () => {
      const last = spec.sources[spec.sources.length - 1];
      expect(last?.when).toEqual({});
      expect(typeof last?.emit["warning"]).toBe("string");
    });
  });
}

describe("emit validation", () => {
  const base = { id: "x", when: {}, implied: new Map(), fields: new Map() };
  it("rejects unknown keys, pipes in a raw search, and a tstats source without a dataset", () => {
    expect(parseEmit({ ...base, emit: { search: "index=main", table: "x" } })).toHaveProperty("problems");
    expect(parseEmit({ ...base, emit: { search: "index=main | stats count" } })).toHaveProperty("problems");
    expect(parseEmit({ ...base, emit: { datamodel: "Endpoint" } })).toHaveProperty("problems");
    expect(parseEmit({ ...base, emit: { search: 'x="unterminated' } })).toHaveProperty("problems");
  });
  it("accepts both shapes", () => {
    expect(parseEmit({ ...base, emit: { datamodel: "Endpoint", dataset: "Processes", by: ["Processes.dest"] } })).toEqual({ emit: { kind: "tstats", datamodel: "Endpoint", dataset: "Processes", by: ["Processes.dest"], warning: null, values: new Map() } });
    expect(parseEmit({ ...base, emit: { search: 'source="x" EventCode=1', warning: "w" } })).toEqual({ emit: { kind: "search", search: 'source="x" EventCode=1', warning: "w", values: new Map() } });
  });
});
