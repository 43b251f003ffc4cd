/** Field mapping: load, validate, merge, select a source, apply. */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../package-root.js";
import { loadMappingYaml, mappingFromData, mergeMapping, parseMapping, type MappingSpec } from "./spec.js";

export * from "./spec.js";
export * from "./apply.js";

const cache = new Map<string, MappingSpec>();

/**
 * Where `npm run build` (scripts/build-assets.mjs) keeps the data of a bundled
 * mapping file as JSON: reading JSON costs a tenth of parsing the YAML, which is
 * most of a small run's start-up.
 */
export function compiledMappingPath(root: string, file: string): string {
  return join(root, "dist", "mappings", `${file}.json`);
}

/** A mapping file's text digest, which its compiled JSON must carry to be used. */
export function mappingDigest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The data of a bundled mapping file: from its compiled JSON when that was made
 * from this very text (same digest), else from the YAML.
 */
export function bundledMappingData(file: string, text: string, compiled: string | null): unknown {
  if (compiled !== null) {
    const c = JSON.parse(compiled) as { digest?: unknown; data?: unknown };
    if (c.digest === mappingDigest(text)) return c.data;
  }
  return loadMappingYaml(file, text);
}

/** Loads a target's bundled mapping file (targets/<id>/<relPath>), once per process. Throws MappingLoadError on a bad file. */
export function loadBundledMapping(targetId: string, relPath: string): MappingSpec {
  const file = join("targets", targetId, relPath);
  let spec = cache.get(file);
  if (!spec) {
    const root = packageRoot();
    const text = readFileSync(join(root, file), "utf8");
    const json = compiledMappingPath(root, file);
    spec = mappingFromData(file, bundledMappingData(file, text, existsSync(json) ? readFileSync(json, "utf8") : null), text);
    cache.set(file, spec);
  }
  return spec;
}

/** Loads a user mapping file and merges it over a bundled one. Throws MappingLoadError with every problem. */
export function loadOverride(base: MappingSpec, file: string, text: string): MappingSpec {
  return mergeMapping(base, parseMapping(file, text), text);
}
