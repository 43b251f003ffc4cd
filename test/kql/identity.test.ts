/** Identity fixtures (test/fixtures/kql-identity.txt; the format is described at its top). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseKql, printKql } from "../../src/frontend/kql/index.js";
import { standaloneSource } from "../../src/frontend/source.js";
import { noSpans } from "./helpers.js";

const file = fileURLToPath(new URL("../fixtures/kql-identity.txt", import.meta.url));
const cases = readFileSync(file, "utf8")
  .split("\n")
  .map((line, i) => ({ line, n: i + 1 }))
  .filter(({ line }) => line.trim() !== "" && !line.startsWith("#"))
  .map(({ line, n }) => {
    const at = line.indexOf("  ==>  ");
    return at < 0 ? { n, query: line, canonical: line } : { n, query: line.slice(0, at), canonical: line.slice(at + 7) };
  });

function parse(q: string) {
  const r = parseKql(standaloneSource(q));
  expect(r.diagnostics.filter((d) => d.severity === "error"), q).toEqual([]);
  return r.value!;
}

describe("kql-identity.txt", () => {
  it("has cases", () => {
    expect(cases.length).toBeGreaterThan(50);
  });
  for (const c of cases) {
    it(`line ${c.n}: ${c.query}`, () => {
      const ir = parse(c.query);
      const printed = printKql(ir);
      expect(printed).toBe(c.canonical);
      expect(printKql(parse(c.canonical))).toBe(c.canonical);
      expect(noSpans(parse(printed))).toEqual(noSpans(ir));
    });
  }
});
