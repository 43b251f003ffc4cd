/**
 * The Sigma target on the project's rule files (rules/*.toml, through the real
 * frontends): every golden and every output validates (schema + the
 * pySigma-equivalent checks), and every plain rule whose conversion announced
 * no approximation reads back to a condition with the same verdicts as the
 * mapped original on generated events.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRule } from "../../src/frontend/load-rule.js";
import { lowerRule } from "../../src/frontend/lower.js";
import { loadBundledMapping } from "../../src/mapping/index.js";
import { sigma } from "../../targets/sigma/index.js";
import { failing, validateSigmaText } from "../../targets/sigma/check.js";
import { roundTripAll, verdicts } from "./roundtrip.js";

const root = join(import.meta.dirname, "../..");
const mapping = loadBundledMapping("sigma", "fields/default.yaml");
/** Diagnostics that announce a change of matching semantics (the round trip is then not expected to agree). */
// Basename and contains approximations (SIGMA102, SIGMA103) happen in the field mapping, so the mapped original
// already carries them; only approximations made while printing make the verdicts differ.
const APPROXIMATIONS = new Set(["SIGMA312", "SIGMA322"]);

const ruleFiles = readdirSync(join(root, "rules")).filter((f) => f.endsWith(".toml")).sort();

let compared = 0;
let informative = 0;

describe("rules/*.toml", () => {
  for (const file of ruleFiles) {
    it(file, () => {
      const text = readFileSync(join(root, "rules", file), "utf8");
      const loaded = loadRule(`rules/${file}`, text);
      const doc = loaded.value.document;
      expect(doc).not.toBeNull();
      if (!doc) return;
      const lowered = lowerRule(doc);
      if (!lowered.value) return; // a frontend diagnostic: nothing for the target to do
      const r = sigma.convert({ rule: lowered.value, document: doc, profile: "default", mapping, outputStem: file.replace(/\.toml$/, "") });
      if (r.text === null) {
        // never silently: an unsupported result carries an unsupported diagnostic
        expect(r.diagnostics.some((d) => d.severity === "error" && d.unsupported)).toBe(true);
        return;
      }
      expect(failing(validateSigmaText(r.text, file.replace(/-/g, "_").replace(/\.toml$/, ".yml")))).toEqual([]);
      if (r.diagnostics.some((d) => APPROXIMATIONS.has(d.code))) return;
      const rts = roundTripAll(lowered.value, doc, mapping, r.text);
      expect(rts).not.toBeNull();
      for (const rt of rts ?? []) {
        expect(rt.mismatches).toEqual([]);
        const v = verdicts(rt.original, rt.events);
        compared++;
        if (v.some((x) => x) && v.some((x) => !x)) informative++;
      }
    });
  }
});

describe("round-trip coverage", () => {
  // runs after the rule tests above (vitest keeps file order): the generated events must mostly
  // include both verdicts, or the comparisons above would prove little
  it("most compared documents saw both matching and non-matching events", () => {
    expect(compared).toBeGreaterThan(5);
    expect(informative / compared).toBeGreaterThan(0.8);
  });
});

describe("golden/sigma", () => {
  const dir = join(root, "golden", "sigma", "default");
  const goldens = readdirSync(dir).filter((f) => f.endsWith(".yml")).sort();
  it("has goldens", () => expect(goldens.length).toBeGreaterThan(0));
  for (const g of goldens) {
    it(`${g} validates`, () => {
      expect(failing(validateSigmaText(readFileSync(join(dir, g), "utf8"), g.replace(/-/g, "_")))).toEqual([]);
    });
  }
});
