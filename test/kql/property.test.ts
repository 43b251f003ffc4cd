/**
 * Property tests (fixed seeds): 10,000 random mutations of KQL queries never
 * make the frontend throw, and whatever still parses keeps the identity
 * property. Lucene gets the same treatment on a smaller budget.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseKql, parseLucene, printKql, printLucene } from "../../src/frontend/kql/index.js";
import { literalSource, standaloneSource } from "../../src/frontend/source.js";
import { noSpans } from "./helpers.js";
import { expectInvariants } from "./invariants.js";

const identityFile = fileURLToPath(new URL("../fixtures/kql-identity.txt", import.meta.url));
const seedsKql = [
  ...readFileSync(identityFile, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => l.split("  ==>  ")[0] as string),
  'host.os.type:windows and event.category:process and process.name:(cmd.exe or "powershell.exe") and\n  not process.args:("C:\\\\Program Files\\\\*" or *\\\\Temp\\\\*) and user.name:*',
  'a.b:{ c:"x" and not d:(y or z*) } or @timestamp >= "now-30d/d" and process.*:x\\:y',
];
const seedsLucene = [
  "event.category:process AND event.type:(start or process_started) AND process.args:(g+s OR /2[0-9]{3}/) AND NOT user.name:root",
  'f:[1 TO 5} AND t:>=now-5m OR -x:"a b" +y:a?c*',
  "_exists_:f AND (a:1 || !b:2)",
];

/** Characters that matter to the grammars, plus some that do not. */
const ALPHABET = ['"', "\\", "(", ")", ":", "<", ">", "=", "*", "?", "{", "}", "[", "]", "/", " ", "\n", "\t", "\u00a0", "a", "Z", "0", "-", "+", "!", "&", "|", "^", "~", "u", "n", "o", "r", "t"];
const WORDS = [" or ", " and ", "not ", " OR ", " AND ", "NOT ", " TO ", "\\u0041", "\\u00", "\\t", "\\:", "now-1d", "*:*", "_exists_:"];

type Mutation = { op: "delete" | "insert" | "insertWord" | "duplicate" | "swap"; at: number; len: number; pick: number };

const mutation = fc.record({
  op: fc.constantFrom("delete", "insert", "insertWord", "duplicate", "swap") as fc.Arbitrary<Mutation["op"]>,
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 8 }),
  pick: fc.nat(),
});

function mutate(q: string, ms: readonly Mutation[]): string {
  let s = q;
  for (const m of ms) {
    const at = s.length === 0 ? 0 : m.at % (s.length + 1);
    switch (m.op) {
      case "delete":
        s = s.slice(0, at) + s.slice(at + m.len);
        break;
      case "insert":
        s = s.slice(0, at) + ALPHABET[m.pick % ALPHABET.length] + s.slice(at);
        break;
      case "insertWord":
        s = s.slice(0, at) + WORDS[m.pick % WORDS.length] + s.slice(at);
        break;
      case "duplicate":
        s = s.slice(0, at) + s.slice(at, at + m.len) + s.slice(at);
        break;
      case "swap": {
        const b = s.length === 0 ? 0 : m.pick % s.length;
        const [x, y] = at < b ? [at, b] : [b, at];
        if (x < y && y < s.length) s = s.slice(0, x) + s[y] + s.slice(x + 1, y) + s[x] + s.slice(y + 1);
        break;
      }
    }
  }
  return s;
}

function roundTrip(q: string, lang: "kql" | "lucene"): void {
  const parse = lang === "kql" ? parseKql : parseLucene;
  // a non-zero base checks that spans stay file offsets whatever the input
  const r = parse(literalSource(q, 1000));
  for (const d of r.diagnostics) {
    if (d.span) {
      expect(d.span.start).toBeGreaterThanOrEqual(1000);
      expect(d.span.end).toBeLessThanOrEqual(1000 + q.length);
    }
  }
  if (r.value === null) {
    expect(r.diagnostics.some((d) => d.severity === "error")).toBe(true);
    return;
  }
  expectInvariants(r.value, 1000, 1000 + q.length);
  const printed = lang === "kql" ? printKql(r.value) : printLucene(r.value);
  const again = parse(standaloneSource(printed));
  expect(again.value, `${JSON.stringify(q)} -> ${JSON.stringify(printed)}`).not.toBeNull();
  expect(noSpans(again.value), `${JSON.stringify(q)} -> ${JSON.stringify(printed)}`).toEqual(noSpans(r.value));
}

describe("property: mutated queries", () => {
  it("10,000 KQL mutations never throw and keep identity when they parse", () => {
    fc.assert(
      fc.property(fc.constantFrom(...seedsKql), fc.array(mutation, { minLength: 1, maxLength: 6 }), (seed, ms) => roundTrip(mutate(seed, ms), "kql")),
      { numRuns: 10_000, seed: 20261127 },
    );
  });
  it("2,000 Lucene mutations never throw and keep identity when they parse", () => {
    fc.assert(
      fc.property(fc.constantFrom(...seedsLucene), fc.array(mutation, { minLength: 1, maxLength: 6 }), (seed, ms) => roundTrip(mutate(seed, ms), "lucene")),
      { numRuns: 2_000, seed: 4242 },
    );
  });
});
