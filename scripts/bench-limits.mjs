#!/usr/bin/env node
/**
 * How time grows with list size and nesting depth (run `npm run build` first):
 *
 *   node scripts/bench-limits.mjs [--sizes 1000,2000,5000,10000,20000,50000,100000] [--budget 60] [--only list|nest]
 *
 * For each shape and size it times the parser alone, then the full pipeline
 * (loader + parser + lowering) and each target's default profile, and prints
 * a table: milliseconds per cell, and the growth exponent between consecutive
 * sizes, k = log(t2/t1) / log(n2/n1): about 1 is linear, about 2 quadratic.
 * A column whose cell took longer than --budget seconds stops there (its
 * larger sizes print as `skip`), so a quadratic path cannot stall the run.
 * Timings are the best of --repeat runs (default 1 above 20,000, else 3).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist", "src");
if (!existsSync(join(DIST, "compile.js"))) {
  console.error("bench-limits: dist/ is missing; run `npm run build` first");
  process.exit(2);
}
const { parseRule, convertParsed } = await import(join(DIST, "compile.js"));
const { parseEql } = await import(join(DIST, "frontend", "eql", "index.js"));
const { parseKql } = await import(join(DIST, "frontend", "kql", "index.js"));
const { standaloneSource } = await import(join(DIST, "frontend", "source.js"));
const { targets } = await import(join(DIST, "targets.js"));

const opts = { sizes: [1000, 2000, 5000, 10000, 20000, 50000, 100000], budget: 60, only: null, repeat: null };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const v = process.argv[++i];
  if (v === undefined) {
    console.error(`bench-limits: ${a} needs a value`);
    process.exit(2);
  }
  if (a === "--sizes") opts.sizes = v.split(",").map(Number);
  else if (a === "--budget") opts.budget = Number(v);
  else if (a === "--only") opts.only = v;
  else if (a === "--repeat") opts.repeat = Number(v);
  else {
    console.error(`bench-limits: unknown option ${a}`);
    process.exit(2);
  }
}

/** A complete rule (keys as the corpus writes them), so every target can select a data source. */
function ruleToml(query, language) {
  return [
    "[metadata]",
    'creation_date = "2024/01/01"',
    'maturity = "production"',
    'updated_date = "2024/01/01"',
    "[rule]",
    'author = ["bench"]',
    'description = "bench"',
    'from = "now-9m"',
    'index = ["logs-endpoint.events.*", "winlogbeat-*"]',
    `language = "${language}"`,
    'license = "Elastic License v2"',
    'name = "bench"',
    "risk_score = 21",
    'rule_id = "00000000-0000-4000-8000-000000000001"',
    'severity = "low"',
    `type = "${language === "eql" ? "eql" : "query"}"`,
    `query = '''\n${query}\n'''`,
    "",
  ].join("\n");
}

const items = (n) => Array.from({ length: n }, (_, i) => `p${i}.exe`);
const SHAPES = [
  { group: "list", name: "EQL in (n strings)", language: "eql", query: (n) => `process where process.name in (${items(n).map((s) => `"${s}"`).join(", ")})` },
  { group: "list", name: "KQL f:(a or b ...)", language: "kuery", query: (n) => `event.category:process and process.name:(${items(n).join(" or ")})` },
  { group: "list", name: "EQL a or b ... (n)", language: "eql", query: (n) => `process where ${items(n).map((s) => `process.name == "${s}"`).join(" or ")}` },
  { group: "nest", name: "EQL (((x))) depth n", language: "eql", query: (n) => `process where ${"(".repeat(n)}process.name == "x"${")".repeat(n)}` },
  { group: "nest", name: "EQL not^n x", language: "eql", query: (n) => `process where ${"not ".repeat(n)}process.name == "x"` },
  { group: "nest", name: "KQL (((x))) depth n", language: "kuery", query: (n) => `event.category:process and ${"(".repeat(n)}process.name:x${")".repeat(n)}` },
  { group: "nest", name: "KQL not^n x", language: "kuery", query: (n) => `event.category:process and ${"not ".repeat(n)}process.name:x` },
].filter((s) => opts.only === null || s.group === opts.only);

const REQUESTS = Object.values(targets).map((t) => ({ target: t, profile: t.defaultProfile }));
const COLUMNS = ["parse", "pipeline", ...REQUESTS.map((r) => r.target.id)];

function best(fn, repeat) {
  let min = Infinity;
  let value;
  for (let i = 0; i < repeat; i++) {
    const s = performance.now();
    value = fn();
    min = Math.min(min, performance.now() - s);
  }
  return { ms: min, value };
}

// Warm the JIT once, so the first (smallest) size is not charged for compiling the compiler.
{
  const q = 'process where process.name in ("a", "b") and not (process.pid == 1)';
  const parsed = parseRule("warm.toml", ruleToml(q, "eql"));
  for (const req of REQUESTS) convertParsed(parsed, req, "warm");
  parseKql(standaloneSource("a:(b or c) and not d:e"));
}
console.log(`ruleport bench-limits: sizes ${opts.sizes.join(", ")}; budget ${opts.budget} s per cell; node ${process.version}`);
for (const shape of SHAPES) {
  const stopped = new Set();
  const rows = [];
  for (const n of opts.sizes) {
    const repeat = opts.repeat ?? (n > 20000 ? 1 : 3);
    const q = shape.query(n);
    const row = { n, cells: {}, notes: [] };
    const skip = (c) => stopped.has(c);
    if (!skip("parse")) {
      const parse = shape.language === "eql" ? parseEql : parseKql;
      const r = best(() => parse(standaloneSource(q)), repeat);
      row.cells.parse = r.ms;
      if (r.value.value === null) row.notes.push(`parse: ${r.value.diagnostics[0]?.code ?? "?"}`);
    }
    let parsed = null;
    if (!skip("pipeline")) {
      const r = best(() => parseRule("bench.toml", ruleToml(q, shape.language)), repeat);
      row.cells.pipeline = r.ms;
      parsed = r.value;
    }
    for (const req of REQUESTS) {
      const c = req.target.id;
      if (skip(c) || !parsed) continue;
      const r = best(() => convertParsed(parsed, req, "bench"), repeat);
      row.cells[c] = r.ms;
      if (r.value.status !== "ok") row.notes.push(`${c}: ${r.value.status} ${r.value.result.diagnostics.find((d) => d.severity === "error")?.code ?? ""}`);
    }
    for (const c of COLUMNS) if (row.cells[c] !== undefined && row.cells[c] > opts.budget * 1000) stopped.add(c);
    rows.push(row);
  }
  console.log(`\n${shape.name}  (milliseconds; k = growth exponent from the previous size, 1 = linear)`);
  console.log(["n".padStart(7), ...COLUMNS.map((c) => c.padStart(16))].join(" "));
  let prev = null;
  for (const row of rows) {
    const cells = COLUMNS.map((c) => {
      const ms = row.cells[c];
      if (ms === undefined) return "skip".padStart(16);
      const p = prev?.cells[c];
      const k = p !== undefined && p > 0.5 ? Math.log(ms / p) / Math.log(row.n / prev.n) : null;
      return `${ms.toFixed(ms < 10 ? 2 : 0)}${k === null ? "" : ` k=${k.toFixed(2)}`}`.padStart(16);
    });
    console.log([String(row.n).padStart(7), ...cells].join(" ") + (row.notes.length ? `   ${[...new Set(row.notes)].join("; ")}` : ""));
    prev = row;
  }
}
