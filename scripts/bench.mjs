#!/usr/bin/env node
// Speed benchmark: `ruleport convert <folder> --target all` as a whole process (start-up
// included), several runs; prints wall time, rules per second, peak memory and time per phase.
// Usage: node scripts/bench.mjs [folder] [--runs N] [--jobs N]   (npm run bench builds first)
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const folder = args.find((a, i) => !a.startsWith("--") && !["--runs", "--jobs"].includes(args[i - 1])) ?? join(root, "..", "shared", "corpus", "elastic-detection-rules");
const runs = Number(opt("--runs", "5"));
const jobs = opt("--jobs", null);
if (!existsSync(folder)) {
  console.log(`bench: no folder ${folder}; nothing to measure`);
  process.exit(0);
}
let rules = 0;
const count = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    if (e.isDirectory()) count(join(d, e.name));
    else if (e.name.endsWith(".toml")) rules++;
  }
};
count(folder);

const results = [];
for (let i = 0; i < runs; i++) {
  const out = mkdtempSync(join(tmpdir(), "ruleport-bench-"));
  const argv = [join(root, "bin", "ruleport.js"), "convert", folder, "--target", "all", "--out", join(out, "o"), "--quiet", "--timings"];
  if (jobs) argv.push("--jobs", jobs);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { encoding: "utf8" });
  const wall = performance.now() - t0;
  rmSync(out, { recursive: true, force: true });
  const line = (r.stderr ?? "").split("\n").find((l) => l.startsWith("timings: "));
  if (!line) {
    console.error(`bench: run ${i + 1} printed no timings (exit ${r.status})\n${r.stderr}`);
    process.exit(1);
  }
  results.push({ wall, ...JSON.parse(line.slice("timings: ".length)) });
}
results.sort((a, b) => a.wall - b.wall);
const best = results[0];
const median = results[Math.floor(results.length / 2)];
console.log(`bench: ${rules} rules from ${folder}, all targets, ${runs} runs${jobs ? `, --jobs ${jobs}` : ""}`);
console.log(`  wall time: best ${(best.wall / 1000).toFixed(3)} s, median ${(median.wall / 1000).toFixed(3)} s (whole process, start-up included)`);
console.log(`  rules per second: ${Math.round(rules / (median.wall / 1000))} (median)`);
console.log(`  peak RSS: ${Math.max(...results.map((r) => r.maxRssMB))} MB`);
console.log("  time per phase (median run, ms):");
for (const [k, v] of Object.entries(median)) if (k !== "wall" && k !== "maxRssMB") console.log(`    ${k.padEnd(18)} ${String(v).padStart(8)}`);
