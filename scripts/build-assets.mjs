#!/usr/bin/env node
// Part of `npm run build`, after tsc: prepares bundled data so that a run does not
// parse it again.
// - Mapping files (targets/<id>/fields/*.yaml): their data as JSON under
//   dist/mappings/, with the digest of the YAML text it came from. loadBundledMapping
//   (src/mapping/index.ts) reads the JSON only when the digest matches the YAML beside
//   it, so an edited mapping is never read stale. A file whose data JSON cannot hold
//   exactly (a YAML timestamp, say) gets no JSON and is parsed from YAML at run time.
//   A bundled mapping that does not validate fails the build.
// - Templates (targets/<id>/templates/*.hbs): precompiled by Handlebars under
//   dist/templates/, with the digest of their text (src/templates.ts).
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { compiledMappingPath, loadMappingYaml, mappingDigest, mappingFromData } = await import(join(root, "dist/src/mapping/index.js"));
const { precompiledTemplatePath, templateDigest, TEMPLATE_OPTIONS } = await import(join(root, "dist/src/templates.js"));
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
    writeNew(compiledMappingPath(root, file), JSON.stringify({ digest: mappingDigest(text), data }));
    mappings++;
  }
  for (const name of filesOf(target.name, "templates", ".hbs")) {
    const text = readFileSync(join(root, "targets", target.name, "templates", name), "utf8");
    const spec = Handlebars.precompile(text, TEMPLATE_OPTIONS);
    writeNew(precompiledTemplatePath(root, target.name, name), `// precompiled by scripts/build-assets.mjs from targets/${target.name}/templates/${name}\nmodule.exports = { digest: ${JSON.stringify(templateDigest(text))}, spec: ${spec} };\n`);
    templates++;
  }
}
console.log(`build-assets: ${mappings} mapping files and ${templates} templates compiled into dist/`);
