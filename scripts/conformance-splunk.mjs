#!/usr/bin/env node
// Splunk corpus conformance (run after `npm run build`):
//   node scripts/conformance-splunk.mjs [corpus-dir] [--min-ok=0.85] [--json]
// Converts every EQL/KQL rule of the corpus that parses, per profile (cim,
// sysmon), checks every emitted search and savedsearches.conf with the SPL
// lint (no offline SPL parser exists), and prints ok / unsupported / error
// counts, the top unsupported and warning codes, and every lint failure.
// Exits non-zero when an output fails the lint, a rule throws (INTERNAL), or
// the ok rate of a profile is below --min-ok.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const { parseRule, convertParsed, targets } = await import(join(root, "dist/src/index.js"));
const { lintSpl, formatProblems } = await import(join(root, "dist/targets/splunk/spl-lint.js"));

const args = process.argv.slice(2);
const corpus = args.find((a) => !a.startsWith("--")) ?? join(root, "..", "shared", "corpus", "elastic-detection-rules");
const minOk = Number(args.find((a) => a.startsWith("--min-ok="))?.slice(9) ?? "0.85");
const asJson = args.includes("--json");

function walk(dir, out = []) {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (e.endsWith(".toml")) out.push(p);
  }
  return out;
}

const target = targets.splunk;
const files = walk(corpus);
const parsed = [];
let notParsed = 0;
for (const f of files) {
  const p = parseRule(relative(corpus, f), readFileSync(f, "utf8"));
  const lang = p.document?.language;
  if (p.parseStatus !== "ok" || !p.ir || (lang !== "eql" && lang !== "kuery")) {
    notParsed++;
    continue;
  }
  parsed.push(p);
}

let failed = false;
const result = { corpus, files: files.length, parsed: parsed.length, skipped: notParsed, profiles: {} };
for (const profile of target.profiles.map((x) => x.name)) {
  const counts = { ok: 0, unsupported: 0, error: 0 };
  const unsupportedCodes = new Map();
  const warningCodes = new Map();
  const errors = [];
  const lintFailures = [];
  const entries = [];
  for (const p of parsed) {
    const o = convertParsed(p, { target, profile }, p.source.path.replace(/\.toml$/, ""));
    counts[o.status]++;
    const seen = new Set();
    for (const d of o.result.diagnostics) {
      const key = `${d.severity}:${d.code}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (d.severity === "error" && d.unsupported) unsupportedCodes.set(d.code, (unsupportedCodes.get(d.code) ?? 0) + 1);
      if (d.severity === "warning") warningCodes.set(d.code, (warningCodes.get(d.code) ?? 0) + 1);
    }
    if (o.status === "error") errors.push(`${p.source.path}: ${o.result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message.split("\n")[0]}`).join("; ")}`);
    if (o.result.text !== null) {
      const problems = lintSpl(o.result.text);
      if (problems.length > 0) lintFailures.push(`${p.source.path}:\n${formatProblems(o.result.text, problems)}`);
      if (o.result.bundleEntry !== undefined) entries.push({ outputStem: p.source.path, entry: o.result.bundleEntry });
    }
  }
  // The deploy file must hold every search unchanged (continuation lines joined back).
  const conf = target.bundle(entries, profile)[0]?.content ?? "";
  const searches = [...conf.matchAll(/^search = ((?:.*\\\n)*.*)$/gm)].map((m) => m[1].replace(/\\\n/g, "\n"));
  const want = entries.map((e) => e.entry.search);
  const confOk = searches.length === want.length && searches.every((s, i) => s === want[i]);
  if (!confOk) lintFailures.push(`savedsearches.conf: ${searches.length} search values read back, ${want.length} expected, or a value differs`);
  const total = parsed.length;
  const rate = total === 0 ? 0 : counts.ok / total;
  if (lintFailures.length > 0 || errors.length > 0 || rate < minOk) failed = true;
  const top = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
  result.profiles[profile] = { ...counts, okRate: Number(rate.toFixed(4)), topUnsupported: top(unsupportedCodes), topWarnings: top(warningCodes), errors, lintFailures };
}

if (asJson) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`splunk conformance over ${corpus}: ${result.files} files, ${result.parsed} EQL/KQL rules parse (${result.skipped} skipped: other languages, ML, or parse errors)`);
  for (const [profile, r] of Object.entries(result.profiles)) {
    console.log(`\n[${profile}] ok ${r.ok} (${(r.okRate * 100).toFixed(1)}%), unsupported ${r.unsupported}, error ${r.error}; lint failures ${r.lintFailures.length}`);
    console.log(`  top unsupported reasons (rules): ${r.topUnsupported.map(([c, n]) => `${c} ${n}`).join(", ") || "none"}`);
    console.log(`  top warnings (rules): ${r.topWarnings.map(([c, n]) => `${c} ${n}`).join(", ") || "none"}`);
    for (const e of r.errors.slice(0, 20)) console.log(`  ERROR ${e}`);
    for (const l of r.lintFailures.slice(0, 20)) console.log(`  LINT ${l}`);
  }
}
process.exit(failed ? 1 : 0);
