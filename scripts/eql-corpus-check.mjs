#!/usr/bin/env node
// Parses every EQL rule of a corpus with the built EQL frontend (dist/) and
// checks the identity property parse(print(ir)) == ir (spans aside).
// Usage: node scripts/eql-corpus-check.mjs [corpus-dir]   (build first: npm run build)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { parseEql, printEql } = await import(join(root, "dist/src/frontend/eql/index.js"));
const { loadRule } = await import(join(root, "dist/src/frontend/load-rule.js"));
const { standaloneSource } = await import(join(root, "dist/src/frontend/source.js"));
const { render } = await import(join(root, "dist/src/diagnostics/index.js"));

const dir = resolve(process.argv[2] ?? join(root, "../shared/corpus/elastic-detection-rules"));
const files = [];
(function walk(d) {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".toml")) files.push(p);
  }
})(dir);

const strip = (x) => {
  if (Array.isArray(x)) return x.map(strip);
  if (x && typeof x === "object") {
    const o = {};
    for (const [k, v] of Object.entries(x)) if (k !== "span") o[k] = strip(v);
    return o;
  }
  return x;
};

let eql = 0, ok = 0, identity = 0, warnings = 0;
for (const f of files) {
  const loaded = loadRule(f, readFileSync(f, "utf8"));
  const doc = loaded.value.document;
  if (!doc || doc.language !== "eql" || !doc.query) continue;
  eql++;
  const r = parseEql(doc.query);
  warnings += r.diagnostics.filter((d) => d.severity === "warning").length;
  if (!r.value) {
    console.log(`FAIL ${f}`);
    for (const d of r.diagnostics) console.log(render(d, loaded.value.source));
    continue;
  }
  ok++;
  const printed = printEql(r.value.query, r.value.pipes);
  const again = parseEql(standaloneSource(printed));
  if (again.value && isDeepStrictEqual(strip(again.value), strip(r.value))) identity++;
  else {
    console.log(`IDENTITY ${f}\n${printed}`);
    for (const d of again.diagnostics) console.log(d.code, d.message);
  }
}
console.log(`EQL rules: ${eql}, parsed: ${ok}, identity: ${identity}, warnings: ${warnings}`);
process.exitCode = ok === eql && identity === eql ? 0 : 1;
