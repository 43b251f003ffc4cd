/**
 * Round trip over the Elastic corpus (opt-in: RULEPORT_SIGMA_CORPUS=1 and
 * ../shared/corpus present): for every plain event rule the Sigma target
 * converts without an announced approximation, the condition read back from
 * the Sigma output gets the same verdicts as the mapped original on generated
 * events. Prints the counts; fails on any mismatch.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, it } from "vitest";
import { loadRule } from "../../src/frontend/load-rule.js";
import { lowerRule } from "../../src/frontend/lower.js";
import { loadBundledMapping } from "../../src/mapping/index.js";
import { sigma } from "../../targets/sigma/index.js";
import { roundTripAll, verdicts } from "./roundtrip.js";

const corpus = join(import.meta.dirname, "../../../shared/corpus/elastic-detection-rules");
const enabled = process.env["RULEPORT_SIGMA_CORPUS"] === "1" && existsSync(corpus);
// Basename and contains approximations (SIGMA102, SIGMA103) happen in the field mapping, so the mapped original
// already carries them; only approximations made while printing make the verdicts differ (keywords, control
// characters, field references whose case and missing-field behaviour Sigma leaves to the backend).
const APPROXIMATIONS = new Set(["SIGMA312", "SIGMA322", "SIGMA327"]);

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (e.endsWith(".toml")) out.push(p);
  }
  return out;
}

it.runIf(enabled)("corpus round trip (opt-in: RULEPORT_SIGMA_CORPUS=1, needs ../shared/corpus)", { timeout: 600_000 }, () => {
  const mapping = loadBundledMapping("sigma", "fields/default.yaml");
  let checked = 0;
  let informative = 0;
  let documents = 0;
  let skippedApprox = 0;
  let skippedOther = 0;
  const mismatched: string[] = [];
  for (const file of walk(corpus)) {
    const rel = relative(corpus, file);
    const doc = loadRule(rel, readFileSync(file, "utf8")).value.document;
    if (!doc) continue;
    const ir = lowerRule(doc).value;
    if (!ir) continue;
    const r = sigma.convert({ rule: ir, document: doc, profile: "default", mapping, outputStem: rel });
    if (r.text === null) {
      skippedOther++;
      continue;
    }
    if (r.diagnostics.some((d) => APPROXIMATIONS.has(d.code))) {
      skippedApprox++;
      continue;
    }
    const rts = roundTripAll(ir, doc, mapping, r.text);
    if (!rts) {
      skippedOther++;
      continue;
    }
    checked++;
    if (rts.length > 1) documents += rts.length;
    for (const rt of rts) {
      const v = verdicts(rt.original, rt.events);
      if (v.some((x) => x) && v.some((x) => !x)) informative++;
      if (rt.mismatches.length > 0) mismatched.push(`${rel}: ${rt.mismatches.length} events, e.g. ${JSON.stringify(rt.events[rt.mismatches[0] as number])}`);
    }
  }
  console.log(`sigma corpus round trip: ${checked} rules compared (${documents} base-rule documents of correlations among them; ${informative} documents with both matching and non-matching generated events), ${mismatched.length} with different verdicts; ${skippedApprox} skipped (announced approximation), ${skippedOther} not converted or not comparable`);
  for (const m of mismatched.slice(0, 20)) console.log(`  ${m}`);
  expect(mismatched).toEqual([]);
});
