#!/usr/bin/env node
// Splunk target conformance over the Elastic corpus (run after `npm run build`):
//   node scripts/conformance-splunk.mjs [corpus-dir] [--json] [--verbose] [--write-floor]
// Converts every EQL/KQL rule that parses, per profile (cim, sysmon), checks
// every emitted search with the SPL lint (targets/splunk/spl-lint.ts: no
// offline SPL parser exists) and the savedsearches.conf of each profile (every
// search must read back unchanged), and prints ok / unsupported / error counts,
// the top unsupported reasons and warnings, and every lint failure.
// Two more numbers per profile keep the ok rate honest: "strict" is the ok
// count with the mapping file's `unmapped: error` (sources with a policy of
// their own keep it: the bundled files already say error for every source but
// the ECS catch-all, so for them strict = ok; an override saying `warn` would
// show the difference), "fallback" the rules searched over every index with
// ECS names (that catch-all).
// Exit 1 when an output fails the lint, a rule throws, or an ok count falls
// below targets/splunk/conformance-floor.json (--write-floor records the current counts).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { corpusDir, root, ruleFiles } from "./lib/corpus.mjs";

const args = process.argv.slice(2);
const asJson = args.includes("--json");
const verbose = args.includes("--verbose");
const writeFloor = args.includes("--write-floor");
const corpus = corpusDir(args, "conformance-splunk");

const { parseRule: parse, convertParsed, bundledMapping } = await import(join(root, "dist/src/compile.js"));
const { splunk } = await import(join(root, "dist/targets/splunk/index.js"));
const { lintSpl, formatProblems } = await import(join(root, "dist/targets/splunk/spl-lint.js"));
const mappingOf = (profile) => bundledMapping(splunk, profile);
const parseRule = (path, text) => ({ path, ...parse(path, text) });
const convert = (p, profile, mapping) => convertParsed(p, { target: splunk, profile, mapping }, p.path.replace(/\.toml$/, ""));

const files = ruleFiles(corpus);
const parsed = [];
for (const f of files) {
  const p = parseRule(relative(corpus, f), readFileSync(f, "utf8"));
  const lang = p.document?.language;
  if (p.parseStatus === "ok" && p.ir && (lang === "eql" || lang === "kuery")) parsed.push(p);
}

let failed = false;
const result = { corpus, files: files.length, parsed: parsed.length, profiles: {} };
const top = (m, n = 15) => [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n);
for (const profile of splunk.profiles.map((x) => x.name)) {
  const mapping = mappingOf(profile);
  const strictMapping = { ...mapping, unmapped: "error" };
  const counts = { ok: 0, unsupported: 0, error: 0, strictOk: 0, fallback: 0 };
  const unsupportedCodes = new Map();
  const warningCodes = new Map();
  const kept = new Map();
  const errors = [];
  const lintFailures = [];
  const entries = [];
  for (const p of parsed) {
    const o = convert(p, profile, mapping);
    counts[o.status]++;
    if (convert(p, profile, strictMapping).status === "ok") counts.strictOk++;
    const seen = new Set();
    for (const d of o.result.diagnostics) {
      if (d.code === "SPLUNK100") {
        const f = /`([^`]+)`/.exec(d.message)?.[1] ?? "?";
        kept.set(f, (kept.get(f) ?? 0) + 1);
      }
      const key = `${d.severity}:${d.code}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (d.severity === "error" && d.unsupported) unsupportedCodes.set(d.code, (unsupportedCodes.get(d.code) ?? 0) + 1);
      if (d.severity === "warning") warningCodes.set(d.code, (warningCodes.get(d.code) ?? 0) + 1);
    }
    if (o.result.diagnostics.some((d) => d.code === "SPLUNK012" && d.message.includes("every index"))) counts.fallback++;
    if (o.status === "error") errors.push(`${p.path}: ${o.result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message.split("\n")[0]}`).join("; ")}`);
    if (o.result.text !== null) {
      const problems = lintSpl(o.result.text);
      if (problems.length > 0) lintFailures.push(`${p.path}:\n${formatProblems(o.result.text, problems)}`);
      if (o.result.bundleEntry !== undefined) entries.push({ outputStem: p.path, entry: o.result.bundleEntry });
    }
  }
  // The deploy file must hold every search unchanged (continuation lines joined back).
  const conf = splunk.bundle(entries, profile)[0]?.content ?? "";
  const searches = [...conf.matchAll(/^search = ((?:.*\\\n)*.*)$/gm)].map((m) => m[1].replace(/\\\n/g, "\n"));
  const want = entries.map((e) => e.entry.search);
  const bad = want.findIndex((s, i) => searches[i] !== s);
  if (searches.length !== want.length || bad >= 0) lintFailures.push(`savedsearches.conf: ${searches.length} search values read back for ${want.length} rules${bad >= 0 ? `; the value of ${entries[bad].outputStem} differs` : ""}`);
  const total = parsed.length;
  const rate = total === 0 ? 0 : counts.ok / total;
  if (lintFailures.length > 0 || errors.length > 0) failed = true;
  result.profiles[profile] = {
    ...counts,
    okRate: Number(rate.toFixed(4)),
    strictRate: Number((total === 0 ? 0 : counts.strictOk / total).toFixed(4)),
    topUnsupported: top(unsupportedCodes),
    topWarnings: top(warningCodes),
    topKeptFields: top(kept, verbose ? 60 : 15),
    errors,
    lintFailures,
  };
}

const floorFile = join(root, "targets", "splunk", "conformance-floor.json");
const floors = existsSync(floorFile) ? JSON.parse(readFileSync(floorFile, "utf8")) : {};
const below = [];
for (const [profile, r] of Object.entries(result.profiles)) {
  const f = floors[profile];
  if (!f) continue;
  if (r.ok < f.ok) below.push(`${profile}: ok ${r.ok} < floor ${f.ok}`);
  if (r.strictOk < f.strictOk) below.push(`${profile}: strict ok ${r.strictOk} < floor ${f.strictOk}`);
}
if (below.length > 0 && !writeFloor) failed = true;

if (asJson) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`splunk conformance over ${corpus}: ${result.files} files, ${result.parsed} EQL/KQL rules parse`);
  for (const [profile, r] of Object.entries(result.profiles)) {
    console.log(`\n[${profile}] ok ${r.ok} (${(r.okRate * 100).toFixed(1)}%), unsupported ${r.unsupported}, error ${r.error}; lint failures ${r.lintFailures.length}`);
    console.log(`  strict (unmapped: error): ok ${r.strictOk} (${(r.strictRate * 100).toFixed(1)}%); searched over every index with ECS names: ${r.fallback}`);
    console.log(`  top unsupported reasons (rules): ${r.topUnsupported.map(([c, n]) => `${c} ${n}`).join(", ") || "none"}`);
    console.log(`  top warnings (rules): ${r.topWarnings.map(([c, n]) => `${c} ${n}`).join(", ") || "none"}`);
    console.log(`  fields kept under their ECS names (occurrences): ${r.topKeptFields.map(([c, n]) => `${c} ${n}`).join(", ") || "none"}`);
    for (const e of r.errors.slice(0, verbose ? Infinity : 20)) console.log(`  ERROR ${e}`);
    for (const l of r.lintFailures.slice(0, verbose ? Infinity : 20)) console.log(`  LINT ${l}`);
  }
  for (const b of below) console.log(`\nBELOW FLOOR ${b} (targets/splunk/conformance-floor.json)`);
}
if (writeFloor) {
  const out = Object.fromEntries(Object.entries(result.profiles).map(([p, r]) => [p, { ok: r.ok, strictOk: r.strictOk, parsed: result.parsed }]));
  writeFileSync(floorFile, JSON.stringify(out, null, 2) + "\n");
  console.log(`\nwrote ${relative(root, floorFile)}`);
}
process.exit(failed ? 1 : 0);
