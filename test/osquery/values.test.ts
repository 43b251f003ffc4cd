/**
 * Property tests: arbitrary strings (quotes, `%`, `_`, `\`, `*`, `?`, `[`,
 * non-ASCII letters, long values; no NUL) as equality, list, prefix and
 * contains values. A table holds the value and near-misses; the rows SQLite
 * returns must be exactly those the reference evaluator matches (no value
 * breaks out of its literal, every wildcard and escape means what it says).
 * Where the target warned that non-ASCII letters compare case-sensitively
 * (OSQUERY208), SQLite may only return fewer rows than the evaluator (more
 * under a negation).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "sql.js";
import type { Condition, PatternPart } from "../../src/ir/nodes.js";
import { bundledMapping } from "../../src/compile.js";
import { osquery } from "../../targets/osquery/index.js";
import { openOsqueryDb } from "../../targets/osquery/testing/sqlite.js";
import { checkAgreement } from "../../targets/osquery/testing/semantics.js";
import { documentWith, eventRule, match, not, S } from "./ir.js";

const SPECIAL = ["'", "''", "%", "_", "\\", "*", "?", "[", "]", "\"", "é", "É", "ß", "İ", "ı", "K", "k", "a", "A", " ", "\n", "\t", "😀", "--", ";"];
const unit = fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }));
const value = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit, minLength: 200, maxLength: 400 }) },
).filter((s) => !s.includes("\0"));

function swapAsciiCase(s: string): string {
  return s.replace(/[A-Za-z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
}
function nearMisses(v: string): string[] {
  return [...new Set([v, `${v}x`, `x${v}`, `x${v}x`, v.slice(0, -1), v.slice(1), v.toUpperCase(), v.toLowerCase(), swapAsciiCase(v), v.replace(/[%_*?\\[\]']/g, "a"), "", `${v}${v}`, `${v}\n`])];
}

const mapping = bundledMapping(osquery, "events");
const document = documentWith(["OS: Windows"]);
let db: Database;
beforeAll(async () => {
  db = await openOsqueryDb();
});
afterAll(() => db.close());

function agree(condition: Condition, candidates: readonly string[], negated = false): void {
  const rule = eventRule("process", condition);
  const out = osquery.convert({ rule, document, profile: "events", mapping, outputStem: "prop" });
  expect(out.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const events = candidates.map((c) => ({ "event.category": "process", "event.type": "start", "host.os.type": "windows", "process.executable": c }));
  db.run("DELETE FROM process_etw_events");
  const a = checkAgreement(db, out.text as string, events, rule, document, mapping);
  expect(a.skipped).toEqual([]);
  if (out.diagnostics.some((d) => d.code === "OSQUERY208")) {
    // Fewer positive matches, so a negation matches more.
    const [small, big] = negated ? [a.expected, a.got] : [a.got, a.expected];
    expect(small.every((g) => big.includes(g))).toBe(true);
  }
  else expect(a.got).toEqual(a.expected);
}

const parts = (...p: (string | "*" | "?")[]): PatternPart[] =>
  p.flatMap((x): PatternPart[] => (x === "*" ? [{ kind: "any" }] : x === "?" ? [{ kind: "one" }] : x === "" ? [] : [{ kind: "text", value: x }]));
const pat = (...p: string[]) => ({ kind: "pattern" as const, parts: parts(...p), span: S });
// Values are literal text: "*" and "?" inside a value are literal characters.
const lit = (v: string) => ({ kind: "pattern" as const, parts: v === "" ? [] : [{ kind: "text" as const, value: v }], span: S });
const runs = { numRuns: 60 };

describe("osquery values: arbitrary strings stay inside their literal and match exactly", () => {
  for (const cs of [true, false]) {
    const how = cs ? "case-sensitive" : "case-insensitive";
    it(`equality (${how})`, () => {
      fc.assert(fc.property(value, (v) => agree(match("process.executable", [lit(v)], cs), nearMisses(v))), runs);
    });
    it(`negated equality (${how})`, () => {
      fc.assert(fc.property(value, (v) => agree(not(match("process.executable", [lit(v)], cs)), nearMisses(v), true)), runs);
    });
    it(`list membership (${how})`, () => {
      fc.assert(fc.property(value, value, (v, w) => agree(match("process.executable", [lit(v), lit(w)], cs), [...nearMisses(v), ...nearMisses(w)])), runs);
    });
    it(`prefix v* (${how})`, () => {
      fc.assert(fc.property(value, (v) => agree(match("process.executable", [pat(v, "*")], cs), nearMisses(v))), runs);
    });
    it(`contains *v* (${how})`, () => {
      fc.assert(fc.property(value, (v) => agree(match("process.executable", [pat("*", v, "*")], cs), nearMisses(v))), runs);
    });
    it(`one-character wildcard v?w (${how})`, () => {
      fc.assert(fc.property(value, value, (v, w) => agree(match("process.executable", [pat(v, "?", w)], cs), [...nearMisses(`${v}a${w}`), `${v}${w}`, `${v}é${w}`, `${v}ab${w}`])), runs);
    });
  }
});
