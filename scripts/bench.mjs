#!/usr/bin/env node
// Speed benchmark: `ruleport convert <folder> --target all` as a whole process (start-up
// included), several runs; prints wall time, rules per second, peak memory, time per phase,
// and CPU time (whole process and main thread), which, unlike wall time, stays meaningful
// when other processes share the cores (the load average is printed before and after).
// Then, for scale, three floors no converter avoids here (Node's start-up; a process that
// reads the rule files; writing the same output files alone), ruleport's front end alone (a
// process that loads and parses every rule, converting nothing), and the start-up: the same
// command on the seed rule alone.
// Usage: node scripts/bench.mjs [folder] [--runs N] [--jobs N]   (npm run bench builds first)
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { tunedFlags } from "../bin/v8-flags.js";

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
// Every run writes into a fresh folder; all are removed at the end: removing a run's
// ~7,000 files just before the next run would slow that run's file creation (ext4
// without a journal skips recently deleted inodes), which measures the bench, not ruleport.
const outs = [];
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");
const loadBefore = load();
for (let i = 0; i < runs; i++) {
  const out = mkdtempSync(join(os.tmpdir(), "ruleport-bench-"));
  outs.push(out);
  const argv = [join(root, "bin", "ruleport.js"), "convert", folder, "--target", "all", "--out", join(out, "o"), "--quiet", "--timings"];
  if (jobs) argv.push("--jobs", jobs);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { encoding: "utf8" });
  const wall = performance.now() - t0;
  const line = (r.stderr ?? "").split("\n").find((l) => l.startsWith("timings: "));
  if (!line) {
    console.error(`bench: run ${i + 1} printed no timings (exit ${r.status})\n${r.stderr}`);
    process.exit(1);
  }
  results.push({ wall, ...JSON.parse(line.slice("timings: ".length)) });
}
const loadAfter = load();
// What no converter avoids on this machine: Node's own start-up, and writing the same
// output files (the first run's, read into memory first) with the same atomic writes,
// in one thread, in a process of their own.
const floorScript = `
const { readdirSync, readFileSync } = require("node:fs");
const { join, relative } = require("node:path");
const [src, dst, filesJs] = process.argv.slice(1);
import(filesJs).then(({ writeAtomic }) => {
  const files = readdirSync(src, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const contents = files.map((f) => [join(dst, relative(src, f)), readFileSync(f, "utf8")]);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const [f, c] of contents) writeAtomic(f, c);
  const cpu = process.cpuUsage(c0);
  console.log(JSON.stringify({ files: files.length, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 }));
});`;
const floors = [];
for (let i = 0; i < Math.min(runs, 3); i++) {
  const dst = mkdtempSync(join(os.tmpdir(), "ruleport-bench-floor-"));
  const r = spawnSync(process.execPath, ["-e", floorScript, join(outs[0], "o"), join(dst, "o"), pathToFileURL(join(root, "dist", "src", "cli", "files.js")).href], { encoding: "utf8" });
  rmSync(dst, { recursive: true, force: true });
  if (r.status === 0) floors.push(JSON.parse(r.stdout));
  else console.error(`bench: the file-writing floor failed\n${r.stderr}`);
}
// Two whole processes for scale (wall time, start-up included): the first is a floor no
// converter avoids (start Node, find the rule files, read them); the second is ruleport's own
// front end alone (load and parse every rule to its IR, convert nothing, write nothing).
const readsScript = `
const { readFileSync } = require("node:fs");
const [folder, filesJs, compileJs] = process.argv.slice(1);
Promise.all([import(filesJs), compileJs ? import(compileJs) : null]).then(([{ discoverRules }, compile]) => {
  let chars = 0;
  for (const f of discoverRules([folder]).files) {
    const text = readFileSync(f.absolute, "utf8");
    chars += text.length;
    if (compile) compile.parseRule(f.path, text);
  }
  console.log(JSON.stringify({ chars }));
});`;
const wholeProcess = (withParse) => {
  const walls = [];
  for (let i = 0; i < Math.min(runs, 3); i++) {
    const t0 = performance.now();
    // the front end runs with the V8 flags the CLI sets for itself (bin/v8-flags.js)
    const v8 = withParse ? tunedFlags(process.versions.v8).split(" ").filter(Boolean) : [];
    const r = spawnSync(process.execPath, [...v8, "-e", readsScript, folder, pathToFileURL(join(root, "dist", "src", "cli", "files.js")).href, ...(withParse ? [pathToFileURL(join(root, "dist", "src", "compile.js")).href] : [])], { encoding: "utf8" });
    if (r.status !== 0) {
      console.error(`bench: the ${withParse ? "front-end" : "reading"} run failed\n${r.stderr}`);
      return null;
    }
    walls.push({ ms: performance.now() - t0, chars: JSON.parse(r.stdout).chars });
  }
  return walls.sort((a, b) => a.ms - b.ms)[0];
};
const reads = wholeProcess(false);
const frontEnd = wholeProcess(true);
const nodeStarts = [];
for (let i = 0; i < Math.min(runs, 3); i++) {
  const t0 = performance.now();
  spawnSync(process.execPath, ["-e", "0"]);
  nodeStarts.push(performance.now() - t0);
}
for (const out of outs) rmSync(out, { recursive: true, force: true });
results.sort((a, b) => a.wall - b.wall);
const best = results[0];
const median = results[Math.floor(results.length / 2)];
console.log(`bench: ${rules} rules from ${folder}, all targets, ${runs} runs${jobs ? `, --jobs ${jobs}` : ""}`);
console.log(`  wall time: best ${(best.wall / 1000).toFixed(3)} s, median ${(median.wall / 1000).toFixed(3)} s (whole process, start-up included)`);
console.log(`  rules per second: ${Math.round(rules / (median.wall / 1000))} (median)`);
console.log(`  peak RSS: ${Math.max(...results.map((r) => r.maxRssMB))} MB`);
const cpu = (key) => {
  const xs = results.map((r) => r[key]).filter((x) => typeof x === "number").sort((a, b) => a - b);
  return xs.length === 0 ? "n/a" : `best ${(xs[0] / 1000).toFixed(3)} s, median ${(xs[Math.floor(xs.length / 2)] / 1000).toFixed(3)} s`;
};
console.log(`  CPU time, whole process: ${cpu("cpuMs")}; main thread: ${cpu("mainThreadCpuMs")}`);
console.log(`  load average (1, 5, 15 min) before: ${loadBefore}, after: ${loadAfter} (on ${availableCores()} cores: above that, wall time measures the machine)`);
console.log("  time per phase (median run, ms; wall time inside the process):");
for (const [k, v] of Object.entries(median)) if (!["wall", "maxRssMB", "cpuMs", "mainThreadCpuMs", "jobs"].includes(k)) console.log(`    ${k.padEnd(18)} ${String(v).padStart(8)}`);

if (floors.length > 0) {
  floors.sort((a, b) => a.ms - b.ms);
  console.log(`  floor, writing the ${floors[0].files} output files alone (same atomic writes, one thread): best ${(floors[0].ms / 1000).toFixed(3)} s, CPU ${(floors[0].cpuMs / 1000).toFixed(3)} s`);
}
nodeStarts.sort((a, b) => a - b);
console.log(`  floor, Node's own start-up (node -e 0): best ${(nodeStarts[0] / 1000).toFixed(3)} s`);
if (reads) console.log(`  floor, a process that starts, finds and reads the ${rules} rule files (${reads.chars.toLocaleString("en-US")} characters): best ${(reads.ms / 1000).toFixed(3)} s`);
if (frontEnd) console.log(`  for scale, ruleport's front end alone (the same process, also loading and parsing every rule to its IR): best ${(frontEnd.ms / 1000).toFixed(3)} s`);

// Start-up: the same command on the seed rule alone (a CI step converting one rule pays this).
const seed = join(root, "rules", "persistence_system_shells_via_services.toml");
if (existsSync(seed)) {
  const one = mkdtempSync(join(os.tmpdir(), "ruleport-bench-one-"));
  mkdirSync(join(one, "in"));
  copyFileSync(seed, join(one, "in", "seed.toml"));
  const walls = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(root, "bin", "ruleport.js"), "convert", join(one, "in"), "--target", "all", "--out", join(one, `o${i}`), "--quiet"], { encoding: "utf8" });
    walls.push(performance.now() - t0);
    if (r.status !== 0) {
      console.error(`bench: converting the seed rule exited ${r.status}\n${r.stderr}`);
      process.exit(1);
    }
  }
  rmSync(one, { recursive: true, force: true });
  walls.sort((a, b) => a - b);
  console.log(`  start-up, one rule (the seed) to all targets: best ${(walls[0] / 1000).toFixed(3)} s, median ${(walls[Math.floor(walls.length / 2)] / 1000).toFixed(3)} s`);
}

function availableCores() {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}
