/** Field mapping: load, validate, merge, select a source, apply. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compiledPath, textDigest } from "../compiled-assets.js";
import { packageRoot } from "../package-root.js";
import { loadMappingYaml, mappingFromData, mergeMapping, parseMapping, type MappingSpec } from "./spec.js";

export * from "./spec.js";
export * from "./apply.js";

const cache = new Map<string, MappingSpec>();

/**
 * The data of a bundled mapping file: from its compiled JSON (src/compiled-assets.ts;
 * a tenth of the YAML's parse time, most of a small run's start-up) when that was
 * made from this very text, else from the YAML.
 */
export function bundledMappingData(file: string, text: string, compiled: string | null): unknown {
  if (compiled !== null) {
    const c = JSON.parse(compiled) as { digest?: unknown; data?: unknown };
    if (c.digest === textDigest(text)) return c.data;
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
    const json = compiledPath(root, file, ".json");
    spec = mappingFromData(file, bundledMappingData(file, text, existsSync(json) ? readFileSync(json, "utf8") : null), text);
    cache.set(file, spec);
  }
  return spec;
}

/** Loads a user mapping file and merges it over a bundled one. Throws MappingLoadError with every problem. */
export function loadOverride(base: MappingSpec, file: string, text: string): MappingSpec {
  return mergeMapping(base, parseMapping(file, text), text);
}
