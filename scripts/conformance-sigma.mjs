#!/usr/bin/env node
// Sigma target conformance over the Elastic corpus (run after `npm run build`):
// converts every EQL/KQL/Lucene rule that parses, per profile, validates every
// emitted file against Sigma's JSON schemas (detection and correlation rules)
// and the pySigma-equivalent checks of targets/sigma/check.ts, and prints
// ok / unsupported / error counts per profile, the top unsupported reasons,
// the fields kept under their ECS names, and every validation failure.
// A second pass with `unmapped: error` shows the strict rate (no ECS field
// names left in the output).
// Exit 1 when a validation fails, a rule throws, or the ok rate of the default
// profile falls below targets/sigma/conformance-floor.json.
// Usage: node scripts/conformance-sigma.mjs [corpus-dir] [--verbose] [--write-floor]
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { corpusDir, root, ruleFiles } from "./lib/corpus.mjs";

const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const writeFloor = args.includes("--write-floor");
const corpus = corpusDir(args, "conformance-sigma");
const { parseRule, convertParsed, bundledMapping } = await import(join(root, "dist/src/compile.js"));
const { sigma } = await import(join(root, "dist/targets/sigma/index.js"));
const { validateSigmaText, failing } = await import(join(root, "dist/targets/sigma/check.js"));

const files = ruleFiles(corpus);
const runs = [
  ...sigma.profiles.map((p) => ({ label: p.name, profile: p.name, mapping: undefined })),
  // strict: the default mapping with `unmapped: error`
  { label: "default (unmapped: error)", profile: "default", mapping: { ...bundledMapping(sigma, "default"), unmapped: "error" } },
];
const stats = runs.map(() => ({ ok: 0, unsupported: 0, error: 0, reasons: new Map(), kept: new Map(), warnings: new Map(), validated: 0, advisory: new Map() }));
const failures = [];
let parsed = 0;
let thrown = 0;
const t0 = performance.now();

for (const file of files) {
  const rel = relative(corpus, file);
  let p;
  try {
    p = parseRule(rel, readFileSync(file, "utf8"));
  } catch (e) {
    thrown++;
    failures.push(`${rel}: parse threw ${e.stack ?? e}`);
    continue;
  }
  if (p.parseStatus !== "ok" || !p.ir) continue;
  parsed++;
  runs.forEach((run, k) => {
    const s = stats[k];
    const stem = rel.replace(/\.toml$/, "");
    const outcome = convertParsed(p, { target: sigma, profile: run.profile, ...(run.mapping ? { mapping: run.mapping } : {}) }, stem);
    const internal = outcome.result.diagnostics.find((d) => d.code === "INTERNAL");
    if (internal) {
      thrown++;
      failures.push(`${rel} [${run.label}]: ${internal.message}`);
    }
    s[outcome.status]++;
    for (const d of outcome.result.diagnostics) {
      if (d.severity === "warning") s.warnings.set(d.code, (s.warnings.get(d.code) ?? 0) + 1);
      const m = /^field `([^`]+)`/.exec(d.message);
      if (d.code === "SIGMA100" && m && d.severity !== "error") s.kept.set(m[1], (s.kept.get(m[1]) ?? 0) + 1);
    }
    if (outcome.status !== "ok") {
      const seen = new Set();
      for (const d of outcome.result.diagnostics) {
        if (d.severity !== "error" || seen.has(d.code)) continue;
        seen.add(d.code);
        s.reasons.set(d.code, (s.reasons.get(d.code) ?? 0) + 1);
      }
      if (verbose && k === 0) console.log(`${rel} ${outcome.status}: ${outcome.result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`).join(" | ")}`);
      return;
    }
    s.validated++;
    if (k === 0) {
      // convert is pure: a second conversion gives the same text
      const again = convertParsed(p, { target: sigma, profile: run.profile }, stem);
      if (again.result.text !== outcome.result.text) failures.push(`${rel} [${run.label}]: a second conversion gave a different text`);
    }
    const fileName = `${stem.split("/").pop()}.yml`;
    const issues = validateSigmaText(outcome.result.text, fileName);
    for (const i of issues) if (!failing([i]).length) s.advisory.set(i.validator, (s.advisory.get(i.validator) ?? 0) + 1);
    const bad = failing(issues);
    if (bad.length > 0) failures.push(`${rel} [${run.label}]: ${bad.map((i) => `${i.validator}: ${i.message}`).join("; ")}\n${outcome.result.text}`);
  });
}

const top = (m, n = 12) => [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map(([k, v]) => `${k} ${v}`).join(", ");
console.log(`conformance-sigma: ${files.length} files, ${parsed} parse (EQL/KQL/Lucene), ${((performance.now() - t0) / 1000).toFixed(1)}s`);
runs.forEach((run, k) => {
  const s = stats[k];
  const pct = (n) => `${((100 * n) / Math.max(1, parsed)).toFixed(1)}%`;
  console.log(`\n[${run.label}] ok ${s.ok} (${pct(s.ok)}), unsupported ${s.unsupported} (${pct(s.unsupported)}), error ${s.error}; ${s.validated} files validated`);
  console.log(`  top unsupported reasons: ${top(s.reasons) || "none"}`);
  console.log(`  top warnings: ${top(s.warnings) || "none"}`);
  if (s.kept.size > 0) console.log(`  fields kept under their ECS name (unmapped: warn): ${top(s.kept, 15)}`);
  if (s.advisory.size > 0) console.log(`  advisory validator notes (not failures): ${top(s.advisory)}`);
});

const floorFile = join(root, "targets", "sigma", "conformance-floor.json");
const okRate = stats[0].ok / Math.max(1, parsed);
if (writeFloor) writeFileSync(floorFile, JSON.stringify({ profile: "default", okRate: Math.floor(okRate * 1000) / 1000 }, null, 2) + "\n");
let floorFailed = false;
if (existsSync(floorFile)) {
  const floor = JSON.parse(readFileSync(floorFile, "utf8"));
  if (okRate + 1e-9 < floor.okRate) {
    floorFailed = true;
    console.log(`\nok rate ${(okRate * 100).toFixed(1)}% fell below the floor ${(floor.okRate * 100).toFixed(1)}% (${relative(root, floorFile)})`);
  }
}
if (failures.length > 0) {
  console.log(`\n${failures.length} validation failures / thrown rules:`);
  for (const f of failures.slice(0, verbose ? failures.length : 20)) console.log(`- ${f}`);
}
console.log(`\nvalidation failures: ${failures.length - thrown}, thrown: ${thrown}`);
process.exit(failures.length > 0 || floorFailed ? 1 : 0);
