#!/usr/bin/env node
// Part of `npm run build`, after tsc: prepares bundled data so that a run does not
// parse it again (src/compiled-assets.ts: under dist/assets/, each with the digest of
// the text it was made from, used only while that text is unchanged).
// - Mapping files (targets/<id>/fields/*.yaml): their data as JSON. A file whose data
//   JSON cannot hold exactly (a YAML timestamp, say) gets none and is parsed from YAML
//   at run time. A bundled mapping that does not validate fails the build.
// - Templates (targets/<id>/templates/*.hbs): precompiled by Handlebars.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { compiledPath, textDigest } = await import(join(root, "dist/src/compiled-assets.js"));
const { loadMappingYaml, mappingFromData } = await import(join(root, "dist/src/mapping/index.js"));
const { TEMPLATE_OPTIONS } = await import(join(root, "dist/src/templates.js"));
const Handlebars = createRequire(import.meta.url)("handlebars");

function filesOf(target, folder, ext) {
  try {
    return readdirSync(join(root, "targets", target, folder)).filter((n) => n.endsWith(ext)).sort();
  } catch {
    return [];
  }
}

function writeNew(out, content) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.tmp`, content);
  renameSync(`${out}.tmp`, out);
}

let mappings = 0;
let templates = 0;
for (const target of readdirSync(join(root, "targets"), { withFileTypes: true })) {
  if (!target.isDirectory()) continue;
  for (const name of filesOf(target.name, "fields", ".yaml")) {
    const file = join("targets", target.name, "fields", name);
    const text = readFileSync(join(root, file), "utf8");
    const data = loadMappingYaml(file, text);
    mappingFromData(file, data, text);
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(data)), data)) {
      console.error(`build-assets: ${file} holds values JSON cannot carry; it is parsed from YAML at run time`);
      continue;
    }
    writeNew(compiledPath(root, file, ".json"), JSON.stringify({ digest: textDigest(text), data }));
    mappings++;
  }
  for (const name of filesOf(target.name, "templates", ".hbs")) {
    const file = join("targets", target.name, "templates", name);
    const text = readFileSync(join(root, file), "utf8");
    const spec = Handlebars.precompile(text, TEMPLATE_OPTIONS);
    writeNew(compiledPath(root, file, ".cjs"), `// precompiled by scripts/build-assets.mjs from ${file}\nmodule.exports = { digest: ${JSON.stringify(textDigest(text))}, spec: ${spec} };\n`);
    templates++;
  }
}
console.log(`build-assets: ${mappings} mapping files and ${templates} templates compiled into dist/`);
