#!/usr/bin/env node
// Sentinel target conformance over the Elastic corpus (run after `npm run build`):
// converts every EQL/KQL/Lucene rule that parses, per profile (asim, mde); every emitted
// query is parsed and semantically analysed by Microsoft's Kusto parser against the
// table/function schemas, every analytics rule YAML is validated against the Sentinel
// schema. Prints ok / unsupported / error per profile, the top unsupported reasons,
// and every validation failure. Exit 1 when a validation fails, a rule throws, or an
// ok count falls below targets/sentinel/conformance-floors.json.
// Usage: node scripts/conformance-sentinel.mjs [corpus-dir] [--verbose] [--write-floors]
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { corpusDir, root, ruleFiles } from "./lib/corpus.mjs";

const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const writeFloors = args.includes("--write-floors");
const corpus = corpusDir(args, "conformance-sentinel");
const { parseRule, convertParsed } = await import(join(root, "dist/src/compile.js"));
const { sentinel } = await import(join(root, "dist/targets/sentinel/index.js"));
const { analyzeKql } = await import(join(root, "dist/targets/sentinel/kusto-check.js"));
const { checkRuleYaml } = await import(join(root, "dist/targets/sentinel/rule-check.js"));

const files = ruleFiles(corpus);
const profiles = sentinel.profiles.map((p) => p.name);
const stats = Object.fromEntries(profiles.map((p) => [p, { ok: 0, unsupported: 0, error: 0, reasons: new Map(), fields: new Map(), kqlChecked: 0, yamlChecked: 0, noCounterpart: 0 }]));
// What no Sentinel table holds (targets/sentinel/no-counterpart.json): rules reading it bound the ok rate.
const noCounterpart = JSON.parse(readFileSync(join(root, "targets/sentinel/no-counterpart.json"), "utf8"));
const spansDataSets = (message) => /dataset [^,)]*\//.test(message);
const readsNoCounterpart = (d) => {
  if (d.code === "SENTINEL001") return !spansDataSets(d.message);
  if (d.code in noCounterpart.codes) return true;
  const m = /^field `([^`]+)`/.exec(d.message);
  return d.code === "SENTINEL100" && m !== null && Object.keys(noCounterpart.fieldPrefixes).some((p) => m[1].startsWith(p));
};
const failures = [];
let parsed = 0;
let thrown = 0;
const t0 = performance.now();
for (const file of files) {
  const rel = relative(corpus, file);
  const text = readFileSync(file, "utf8");
  let p;
  try {
    p = parseRule(rel, text);
  } catch (e) {
    thrown++;
    failures.push(`${rel}: parse threw ${e.stack ?? e}`);
    continue;
  }
  if (p.parseStatus !== "ok" || !p.ir) continue;
  parsed++;
  for (const profile of profiles) {
    const s = stats[profile];
    const outcome = convertParsed(p, { target: sentinel, profile }, rel.replace(/\.toml$/, ""));
    if (outcome.result.diagnostics.some((d) => d.code === "INTERNAL")) {
      thrown++;
      failures.push(`${rel} [${profile}]: ${outcome.result.diagnostics.find((d) => d.code === "INTERNAL").message}`);
    }
    s[outcome.status]++;
    if (outcome.status !== "ok") {
      if (outcome.result.diagnostics.some((d) => d.severity === "error" && readsNoCounterpart(d))) s.noCounterpart++;
      const seen = new Set();
      for (const d of outcome.result.diagnostics) {
        if (d.severity !== "error" || seen.has(d.code)) continue;
        seen.add(d.code);
        s.reasons.set(d.code, (s.reasons.get(d.code) ?? 0) + 1);
        const m = /^field `([^`]+)`/.exec(d.message);
        if (d.code === "SENTINEL100" && m) s.fields.set(m[1], (s.fields.get(m[1]) ?? 0) + 1);
      }
      if (verbose) console.log(`${rel} [${profile}] ${outcome.status}: ${outcome.result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`).join(" | ")}`);
      continue;
    }
    const kql = outcome.result.text;
    s.kqlChecked++;
    const problems = analyzeKql(kql);
    if (problems.length > 0) failures.push(`${rel} [${profile}] KQL: ${problems.map((x) => `${x.code} ${x.message} @${x.start}`).join("; ")}\n${kql}`);
    for (const f of outcome.result.deployFiles ?? []) {
      s.yamlChecked++;
      const yp = checkRuleYaml(f.content);
      if (yp.length > 0) failures.push(`${rel} [${profile}] YAML: ${yp.join("; ")}`);
    }
  }
}
const secs = ((performance.now() - t0) / 1000).toFixed(1);
console.log(`conformance-sentinel: ${files.length} files, ${parsed} rules parse (EQL/KQL/Lucene), ${secs} s`);
console.log("profile      ok  unsupp.  error  ok-rate  KQL-checked  YAML-checked");
for (const profile of profiles) {
  const s = stats[profile];
  console.log(`${profile.padEnd(8)} ${String(s.ok).padStart(6)} ${String(s.unsupported).padStart(8)} ${String(s.error).padStart(6)}  ${((100 * s.ok) / Math.max(1, parsed)).toFixed(1).padStart(6)}%  ${String(s.kqlChecked).padStart(11)}  ${String(s.yamlChecked).padStart(12)}`);
}
for (const profile of profiles) {
  const s = stats[profile];
  console.log(`${profile}: ${s.noCounterpart} rules read data no Sentinel table holds (targets/sentinel/no-counterpart.json): exact translations can reach at most ${parsed - s.noCounterpart} (${((100 * (parsed - s.noCounterpart)) / Math.max(1, parsed)).toFixed(1)}%)`);
}
for (const profile of profiles) {
  const s = stats[profile];
  console.log(`\n[${profile}] top reasons (rules not ok, by diagnostic code):`);
  for (const [code, n] of [...s.reasons].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${String(n).padStart(5)}  ${code}`);
  console.log(`[${profile}] top unmapped fields (SENTINEL100):`);
  for (const [f, n] of [...s.fields].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${String(n).padStart(5)}  ${f}`);
}
console.log(`\nvalidation failures: ${failures.length}`);
for (const f of failures.slice(0, 50)) console.log(`  ${f}`);

const floorsFile = join(root, "targets/sentinel/conformance-floors.json");
let failed = failures.length > 0 || thrown > 0;
if (writeFloors) {
  writeFileSync(floorsFile, JSON.stringify(Object.fromEntries(profiles.map((p) => [p, stats[p].ok])), null, 2) + "\n");
  console.log(`floors written to ${relative(root, floorsFile)}`);
} else if (existsSync(floorsFile) && corpus === join(root, "..", "shared", "corpus", "elastic-detection-rules")) {
  const floors = JSON.parse(readFileSync(floorsFile, "utf8"));
  for (const p of profiles)
    if (floors[p] !== undefined && stats[p].ok < floors[p]) {
      console.error(`conformance-sentinel: ${p} ok count ${stats[p].ok} fell below the floor ${floors[p]}`);
      failed = true;
    }
}
process.exit(failed ? 1 : 0);
