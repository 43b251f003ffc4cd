#!/usr/bin/env node
// Part of `npm run build`: writes the data of every bundled mapping file
// (targets/<id>/fields/*.yaml) as JSON under dist/mappings/, with the digest of
// the YAML text it came from. loadBundledMapping (src/mapping/index.ts) reads the
// JSON only when the digest matches the YAML beside it, so an edited mapping is
// never read stale. A file whose data JSON cannot hold exactly (a YAML timestamp,
// say) gets no JSON and is parsed from YAML at run time.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { compiledMappingPath, loadMappingYaml, mappingDigest, mappingFromData } = await import(join(root, "dist/src/mapping/index.js"));

let written = 0;
for (const target of readdirSync(join(root, "targets"), { withFileTypes: true })) {
  if (!target.isDirectory()) continue;
  let names;
  try {
    names = readdirSync(join(root, "targets", target.name, "fields")).filter((n) => n.endsWith(".yaml"));
  } catch {
    continue;
  }
  for (const name of names.sort()) {
    const file = join("targets", target.name, "fields", name);
    const text = readFileSync(join(root, file), "utf8");
    const data = loadMappingYaml(file, text);
    mappingFromData(file, data, text); // a bad bundled mapping fails the build
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(data)), data)) {
      console.error(`build-mappings: ${file} holds values JSON cannot carry; it is parsed from YAML at run time`);
      continue;
    }
    const out = compiledMappingPath(root, file);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(`${out}.tmp`, JSON.stringify({ digest: mappingDigest(text), data }));
    renameSync(`${out}.tmp`, out);
    written++;
  }
}
console.log(`build-mappings: ${written} mapping files compiled to dist/mappings`);
