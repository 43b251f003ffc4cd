#!/usr/bin/env node
/**
 * Self-consistency of the test-event generator and the reference evaluator:
 * for every EQL / KQL rule under a folder (default: the Elastic corpus next
 * to this checkout), generate events, evaluate them, and count positives
 * that alert, negatives that do not, rules where generation is impossible
 * (reasons grouped), and disagreements (listed).
 *
 * Usage: npm run build && node scripts/selfcheck.mjs [folder-or-file ...] [--seed N] [--json]
 * Exit 1 when any disagreement is found.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const { parseRule } = await import(join(root, "dist/src/compile.js"));
const { generateEvents } = await import(join(root, "dist/src/eval/generate.js"));
const { checkEvents } = await import(join(root, "dist/src/eval/check.js"));

const args = process.argv.slice(2);
let seed = 1;
let json = false;
let slow = false;
const inputs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--seed") seed = Number(args[++i]);
  else if (args[i] === "--json") json = true;
  else if (args[i] === "--slow") slow = true;
  else inputs.push(args[i]);
}
if (inputs.length === 0) inputs.push(resolve(root, "../shared/corpus/elastic-detection-rules"));

function* tomlFiles(p) {
  const st = statSync(p);
  if (st.isFile()) {
    if (p.endsWith(".toml")) yield p;
    return;
  }
  for (const e of readdirSync(p).sort()) yield* tomlFiles(join(p, e));
}

const started = performance.now();
const counts = {
  files: 0,
  eqlKql: 0,
  notParsed: 0,
  checked: 0,
  impossible: 0,
  positives: 0,
  positivesAlerting: 0,
  negatives: 0,
  negativesQuiet: 0,
};
const byKind = new Map();
const impossibleReasons = new Map();
const parseReasons = new Map();
const disagreements = [];
const addReason = (map, reason, file) => {
  const key = reason.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, "N");
  const entry = map.get(key) ?? { count: 0, examples: [] };
  entry.count++;
  if (entry.examples.length < 200) entry.examples.push(file);
  map.set(key, entry);
};

for (const input of inputs) {
  for (const file of tomlFiles(resolve(input))) {
    counts.files++;
    const text = readFileSync(file, "utf8");
    const rel = relative(process.cwd(), file);
    const lang = /^\s*language\s*=\s*"([^"]+)"/m.exec(text)?.[1] ?? (/^\s*type\s*=\s*"eql"/m.test(text) ? "eql" : null);
    if (lang !== "eql" && lang !== "kuery") continue;
    counts.eqlKql++;
    const t0 = performance.now();
    if (process.env.SELFCHECK_TRACE) process.stderr.write(`start ${rel}\n`);
    let parsed;
    try {
      parsed = parseRule(rel, text);
    } catch (e) {
      counts.notParsed++;
      addReason(parseReasons, `internal error: ${e.message}`, rel);
      continue;
    }
    if (!parsed.ir) {
      counts.notParsed++;
      const d = parsed.parseDiagnostics.find((x) => x.severity === "error");
      addReason(parseReasons, d ? `${d.code}: ${d.message}` : "no IR", rel);
      continue;
    }
    let gen;
    try {
      gen = generateEvents(parsed.ir, { seed });
    } catch (e) {
      counts.impossible++;
      addReason(impossibleReasons, `internal error in the generator: ${e.message}`, rel);
      continue;
    }
    if (gen.events.length === 0) {
      counts.impossible++;
      const d = gen.diagnostics.find((x) => x.code.startsWith("GEN")) ?? gen.diagnostics[0];
      addReason(impossibleReasons, d ? d.message : "no events", rel);
      continue;
    }
    counts.checked++;
    const kind = `${parsed.ir.language} ${parsed.ir.detection.kind} ${parsed.ir.query.kind}`;
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    let result;
    try {
      result = checkEvents(parsed.ir, gen.events);
    } catch (e) {
      disagreements.push({ file: rel, why: `internal error in the evaluator: ${e.stack}` });
      continue;
    }
    const ms = performance.now() - t0;
    if (slow && ms > 200) process.stderr.write(`slow: ${ms.toFixed(0)} ms ${rel}\n`);
    for (const v of result.verdicts) {
      if (v.expected) {
        counts.positives++;
        if (v.actual) counts.positivesAlerting++;
      } else {
        counts.negatives++;
        if (!v.actual) counts.negativesQuiet++;
      }
      if (v.expected !== v.actual) {
        const ev = gen.events[v.index];
        const streamEvents = v.stream ? gen.events.filter((e) => e._stream === v.stream) : [ev];
        disagreements.push({ file: rel, expected: v.expected, why: v.why, events: streamEvents });
      }
    }
  }
}
const seconds = (performance.now() - started) / 1000;

const sorted = (m) => [...m.entries()].sort((a, b) => b[1].count - a[1].count);
if (json) {
  console.log(JSON.stringify({ counts, byKind: Object.fromEntries(byKind), seconds, impossible: Object.fromEntries(sorted(impossibleReasons)), notParsed: Object.fromEntries(sorted(parseReasons)), disagreements }, null, 2));
} else {
  console.log(`files: ${counts.files}, EQL/KQL rules: ${counts.eqlKql}`);
  console.log(`not parsed (frontend diagnostics): ${counts.notParsed}`);
  for (const [r, e] of sorted(parseReasons).slice(0, 15)) console.log(`  ${e.count}  ${r}  (e.g. ${e.examples[0]})`);
  console.log(`rules checked: ${counts.checked}  (${[...byKind].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join(", ")})`);
  console.log(`positives alerting: ${counts.positivesAlerting}/${counts.positives}`);
  console.log(`negatives not alerting: ${counts.negativesQuiet}/${counts.negatives}`);
  console.log(`generation impossible: ${counts.impossible}`);
  for (const [r, e] of sorted(impossibleReasons)) console.log(`  ${e.count}  ${r}  (e.g. ${e.examples.slice(0, 3).join(", ")})`);
  console.log(`disagreements: ${disagreements.length}`);
  for (const d of disagreements.slice(0, 40)) {
    console.log(`  ${d.file}: expected ${d.expected ? "match" : "no match"} (${d.why})`);
    if (d.events) for (const e of d.events.slice(0, 4)) console.log(`    ${JSON.stringify(e).slice(0, 400)}`);
  }
  console.log(`total time: ${seconds.toFixed(1)} s`);
}
process.exitCode = disagreements.length > 0 ? 1 : 0;
