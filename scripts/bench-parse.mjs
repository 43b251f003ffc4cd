#!/usr/bin/env node
// EQL parse throughput over every EQL query of a corpus.
// Usage: npm run bench:parse [-- corpus-dir]   (builds dist/ first)
// Default corpus: ../shared/corpus/elastic-detection-rules relative to the repo.
// Prints MB/s of query text (UTF-8 bytes) and the parse success count.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { parseEql } = await import(join(root, "dist/src/frontend/eql/index.js"));
const { loadRule } = await import(join(root, "dist/src/frontend/load-rule.js"));

const dir = resolve(process.argv[2] ?? join(root, "../shared/corpus/elastic-detection-rules"));
const files = [];
(function walk(d) {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".toml")) files.push(p);
  }
})(dir);

const queries = [];
for (const f of files) {
  const doc = loadRule(f, readFileSync(f, "utf8")).value.document;
  if (doc && doc.language === "eql" && doc.query) queries.push(doc.query);
}
if (queries.length === 0) {
  console.error(`no EQL queries found under ${dir}`);
  process.exit(1);
}
const bytes = queries.reduce((n, q) => n + Buffer.byteLength(q.text, "utf8"), 0);
const chars = queries.reduce((n, q) => n + q.text.length, 0);

let ok = 0;
for (const q of queries) if (parseEql(q).value) ok++;

const pass = () => {
  let parsed = 0;
  for (const q of queries) if (parseEql(q).value) parsed++;
  return parsed;
};
// warm up the JIT, then time several passes and report the median
for (let i = 0; i < 20; i++) pass();
const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const times = [];
const cpuTimes = [];
for (let r = 0; r < rounds; r++) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < 5; i++) pass();
  const c = process.cpuUsage(c0);
  times.push(Number(process.hrtime.bigint() - t0) / 1e9 / 5);
  cpuTimes.push((c.user + c.system) / 1e6 / 5);
}
cpuTimes.sort((a, b) => a - b);
const cpuMedian = cpuTimes[Math.floor(cpuTimes.length / 2)];
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const best = times[0];
const mb = bytes / 1e6;
console.log(`EQL queries: ${queries.length}, parsed: ${ok}/${queries.length}`);
console.log(`query text: ${mb.toFixed(3)} MB (${chars} chars)`);
console.log(`one pass: median ${(median * 1000).toFixed(2)} ms, best ${(best * 1000).toFixed(2)} ms`);
console.log(`throughput: ${(mb / median).toFixed(1)} MB/s (median wall clock), ${(mb / best).toFixed(1)} MB/s (best wall clock), ${(mb / cpuMedian).toFixed(1)} MB/s (median CPU time)`);
console.log(`(wall-clock figures drop when other processes share the CPU; the CPU-time figure is less sensitive to that)`);
