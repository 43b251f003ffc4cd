#!/usr/bin/env node
// Conformance on the real library: parse rate per language from `ruleport check`'s
// JSON report, compared with the floors kept in .ci/floors.json (exit 1 below a floor).
// Usage: node scripts/conformance.mjs [corpus-dir] [--report FILE]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const ri = args.indexOf("--report");
const ownDir = ri >= 0 ? null : mkdtempSync(join(tmpdir(), "ruleport-conf-"));
const reportFile = ownDir === null ? args[ri + 1] : join(ownDir, "check.json");
const corpus = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--report") ?? join(root, "..", "shared", "corpus", "elastic-detection-rules");
if (!existsSync(corpus)) {
  console.log(`conformance: no corpus at ${corpus}; nothing to measure`);
  process.exit(0);
}
const t0 = performance.now();
const r = spawnSync(process.execPath, [join(root, "bin", "ruleport.js"), "check", corpus, "--report", reportFile, "--quiet"], { stdio: "inherit" });
const secs = ((performance.now() - t0) / 1000).toFixed(2);
if (!existsSync(reportFile)) {
  console.error(`conformance: ruleport check wrote no report (exit ${r.status})`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(reportFile, "utf8"));
if (ownDir !== null) rmSync(ownDir, { recursive: true, force: true });
const by = {};
for (const rule of report.rules) {
  const l = rule.language;
  by[l] ??= { ok: 0, unsupported: 0, error: 0, total: 0 };
  by[l][rule.parse.status]++;
  by[l].total++;
}
console.log(`conformance: ${report.rules.length} rules checked in ${secs} s`);
console.log("language   total     ok  unsupp.  error   ok-rate");
for (const [l, v] of Object.entries(by).sort()) {
  console.log(`${l.padEnd(9)} ${String(v.total).padStart(6)} ${String(v.ok).padStart(6)} ${String(v.unsupported).padStart(8)} ${String(v.error).padStart(6)}   ${((100 * v.ok) / v.total).toFixed(1)}%`);
}
const floors = JSON.parse(readFileSync(join(root, ".ci", "floors.json"), "utf8")).parse ?? {};
let failed = false;
for (const [lang, floor] of Object.entries(floors)) {
  const v = by[lang];
  const rate = v ? v.ok / v.total : 0;
  if (rate < floor) {
    console.error(`conformance: ${lang} parse rate ${(100 * rate).toFixed(2)}% is below the floor ${(100 * floor).toFixed(2)}% kept in .ci/floors.json`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
