/**
 * Self-consistency over the project's fixture rules (rules/*.toml): the
 * generator's positives alert and its negatives do not, under the evaluator.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRule } from "../../src/compile.js";
import { checkEvents } from "../../src/eval/check.js";
import { generateEvents } from "../../src/eval/generate.js";

const dir = join(import.meta.dirname, "../../rules");
const files = readdirSync(dir).filter((f) => f.endsWith(".toml")).sort();

describe("rules/*.toml self-consistency", () => {
  it("has fixture rules", () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const f of files) {
    it(f, () => {
      const parsed = parseRule(`rules/${f}`, readFileSync(join(dir, f), "utf8"));
      expect(parsed.ir, parsed.parseDiagnostics.map((d) => d.message).join("; ")).not.toBeNull();
      if (!parsed.ir) return;
      for (const seed of [1, 2]) {
        const g = generateEvents(parsed.ir, { seed });
        expect(g.events.length, g.diagnostics.map((d) => d.message).join("; ")).toBeGreaterThan(0);
        const res = checkEvents(parsed.ir, g.events);
        const wrong = res.verdicts.filter((v) => v.expected !== v.actual).map((v) => `${v.expected ? "positive" : "negative"}: ${v.why}`);
        expect(wrong).toEqual([]);
        expect(res.verdicts.some((v) => v.expected)).toBe(true);
        expect(res.verdicts.some((v) => !v.expected)).toBe(true);
      }
    });
  }
});
