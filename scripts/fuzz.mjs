#!/usr/bin/env node
/**
 * Long fuzzing runs against the built library (run `npm run build` first):
 *
 *   npm run fuzz -- --runs 100000 [--seed N] [--only toml|eql|kql|text] [--shrink] [--out failures.json]
 *
 * The same mutations and invariants as test/reliability/fuzz.test.ts
 * (test/reliability/fuzz-core.mjs), with the runs split 60% rule files
 * (compileRule, every target and profile), 25% EQL, 10% KQL, 5% random text.
 *
 * Every case is checked; failures are grouped by the shape of their first
 * violation and printed with the seed, the case index and the counterexample
 * (the seed text index plus the mutation list, which replays exactly).
 * `--shrink` additionally runs fast-check's shrinking on each failing property.
 * Exit code 1 when any case failed.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { caseArb, checkCompiled, checkParsed, EQL_SEEDS, guarded, KQL_SEEDS, mutate, preview, violationKey } from "../test/reliability/fuzz-core.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist", "src");
if (!existsSync(join(DIST, "compile.js"))) {
  console.error("fuzz: dist/ is missing; run `npm run build` first");
  process.exit(2);
}
const { compileRule } = await import(join(DIST, "compile.js"));
const { parseEql } = await import(join(DIST, "frontend", "eql", "index.js"));
const { parseKql } = await import(join(DIST, "frontend", "kql", "index.js"));
const { standaloneSource } = await import(join(DIST, "frontend", "source.js"));
const { targets } = await import(join(DIST, "targets.js"));

function parseArgv(argv) {
  const o = { runs: 10000, seed: Date.now() % 2147483647, only: null, shrink: false, out: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === "--runs") o.runs = Number(v());
    else if (a === "--seed") o.seed = Number(v());
    else if (a === "--only") o.only = v();
    else if (a === "--shrink") o.shrink = true;
    else if (a === "--out") o.out = v();
    else if (a === "--help" || a === "-h") {
      console.log("usage: node scripts/fuzz.mjs [--runs N] [--seed N] [--only toml|eql|kql|text] [--shrink] [--out failures.json]");
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error("--runs must be a positive integer");
  if (!Number.isInteger(o.seed)) throw new Error("--seed must be an integer");
  return o;
}

let opts;
try {
  opts = parseArgv(process.argv.slice(2));
} catch (e) {
  console.error(`fuzz: ${e.message}`);
  process.exit(2);
}

const rulesDir = join(ROOT, "rules");
const RULES = readdirSync(rulesDir).filter((f) => f.endsWith(".toml")).sort().map((f) => ({ name: f, text: readFileSync(join(rulesDir, f), "utf8") }));
const REQUESTS = Object.values(targets).flatMap((t) => t.profiles.map((p) => ({ target: t, profile: p.name })));

/** How deep the mutated rule files got: parse statuses, and target outcomes of the files that parsed. */
const reach = { parse: { ok: 0, unsupported: 0, error: 0 }, outcomes: { ok: 0, unsupported: 0, error: 0 } };

/** The properties: a case arbitrary, how to build the input, and how to check it. */
const PROPERTIES = [
  {
    name: "toml",
    share: 0.6,
    arb: caseArb(RULES.length),
    input: (c) => mutate(RULES[c.seed].text, c.ops, c.scope),
    check: (c, text) => {
      const compiled = compileRule(RULES[c.seed].name, text, REQUESTS);
      reach.parse[compiled.parseStatus]++;
      if (compiled.ir) for (const o of compiled.outcomes) reach.outcomes[o.status]++;
      return checkCompiled(text, compiled);
    },
  },
  { name: "eql", share: 0.25, arb: caseArb(EQL_SEEDS.length), input: (c) => mutate(EQL_SEEDS[c.seed], c.ops), check: (_c, text) => checkParsed(text, parseEql(standaloneSource(text))) },
  { name: "kql", share: 0.1, arb: caseArb(KQL_SEEDS.length), input: (c) => mutate(KQL_SEEDS[c.seed], c.ops), check: (_c, text) => checkParsed(text, parseKql(standaloneSource(text))) },
  {
    name: "text",
    share: 0.05,
    arb: fc.string({ unit: "binary", maxLength: 200 }),
    input: (c) => c,
    check: (_c, text) => [...checkParsed(text, parseEql(standaloneSource(text))), ...checkParsed(text, parseKql(standaloneSource(text)))],
  },
].filter((p) => opts.only === null || p.name === opts.only);
if (PROPERTIES.length === 0) {
  console.error(`fuzz: --only must be one of toml, eql, kql, text`);
  process.exit(2);
}
const totalShare = PROPERTIES.reduce((s, p) => s + p.share, 0);

console.log(`ruleport fuzz: ${opts.runs} runs, seed ${opts.seed}, ${RULES.length} seed rules, ${EQL_SEEDS.length} EQL and ${KQL_SEEDS.length} KQL seed queries, ${REQUESTS.length} target profiles`);
const t0 = performance.now();
const rows = [];
const failures = [];
const CHUNK = 500;
for (const [pi, p] of PROPERTIES.entries()) {
  const n = Math.max(1, Math.round((opts.runs * p.share) / totalShare));
  const groups = new Map();
  let failed = 0;
  let slowest = { ms: 0, index: -1, size: 0 };
  let chars = 0;
  const start = performance.now();
  for (let done = 0; done < n; done += CHUNK) {
    const chunkSeed = (opts.seed + pi * 1_000_003 + done) | 0;
    const cases = fc.sample(p.arb, { seed: chunkSeed, numRuns: Math.min(CHUNK, n - done) });
    for (const [k, c] of cases.entries()) {
      const index = done + k;
      const text = p.input(c);
      chars += text.length;
      const s = performance.now();
      const violations = guarded(() => p.check(c, text));
      const ms = performance.now() - s;
      if (ms > slowest.ms) slowest = { ms, index, size: text.length };
      if (violations.length === 0) continue;
      failed++;
      const key = violationKey(violations[0]);
      const g = groups.get(key) ?? { count: 0, first: null };
      g.count++;
      if (!g.first) g.first = { property: p.name, chunkSeed, index, case: c, violations, input: text };
      groups.set(key, g);
    }
  }
  const ms = performance.now() - start;
  rows.push({ property: p.name, cases: n, failed, ms, perCase: ms / n, slowest, chars });
  for (const [key, g] of groups) failures.push({ key, count: g.count, ...g.first });
  if (opts.shrink && failed > 0) {
    const details = fc.check(
      fc.property(p.arb, (c) => guarded(() => p.check(c, p.input(c))).length === 0),
      { seed: opts.seed, numRuns: n },
    );
    if (details.failed) console.log(`shrunk counterexample for ${p.name} (seed ${details.seed}, path ${details.counterexamplePath}): ${JSON.stringify(details.counterexample)}`);
  }
}
const total = performance.now() - t0;

console.log("");
console.log(`${"property".padEnd(9)} ${"cases".padStart(8)} ${"failed".padStart(7)} ${"total s".padStart(8)} ${"ms/case".padStart(8)} ${"slowest ms".padStart(11)} ${"(chars)".padStart(9)}`);
for (const r of rows) {
  console.log(
    `${r.property.padEnd(9)} ${String(r.cases).padStart(8)} ${String(r.failed).padStart(7)} ${(r.ms / 1000).toFixed(1).padStart(8)} ${r.perCase.toFixed(3).padStart(8)} ${r.slowest.ms.toFixed(1).padStart(11)} ${String(r.slowest.size).padStart(9)}`,
  );
}
const cases = rows.reduce((s, r) => s + r.cases, 0);
const failed = rows.reduce((s, r) => s + r.failed, 0);
console.log(`total: ${cases} cases, ${failed} failed, ${(total / 1000).toFixed(1)} s`);
const parsed = reach.parse.ok + reach.parse.unsupported + reach.parse.error;
if (parsed > 0) {
  console.log(`rule files: parse ok ${reach.parse.ok}, unsupported ${reach.parse.unsupported}, error ${reach.parse.error}; target outcomes of the parsed ones: ok ${reach.outcomes.ok}, unsupported ${reach.outcomes.unsupported}, error ${reach.outcomes.error}`);
}

if (failures.length > 0) {
  console.log(`\n${failures.length} distinct failure shape(s):`);
  for (const f of failures.sort((a, b) => b.count - a.count)) {
    console.log(`\n[${f.property}] x${f.count}: ${f.violations[0]}`);
    for (const v of f.violations.slice(1, 4)) console.log(`    also: ${v}`);
    console.log(`  replay: fc.sample(arb, { seed: ${f.chunkSeed}, numRuns: ${CHUNK} })[${f.index % CHUNK}]`);
    console.log(`  case:   ${preview(JSON.stringify(f.case), 300)}`);
    console.log(`  input:  ${preview(f.input, 300)}`);
  }
}
if (opts.out) {
  writeFileSync(opts.out, JSON.stringify({ seed: opts.seed, runs: opts.runs, rows, failures }, null, 2) + "\n");
  console.log(`\nfailures written to ${opts.out}`);
}
process.exitCode = failed > 0 ? 1 : 0;
