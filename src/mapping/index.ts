/** Field mapping: load, validate, merge, select a source, apply. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../package-root.js";
import { mergeMapping, parseMapping, type MappingSpec } from "./spec.js";

export * from "./spec.js";
export * from "./apply.js";

const cache = new Map<string, MappingSpec>();

/** Loads a target's bundled mapping file (targets/<id>/<relPath>), once per process. Throws MappingLoadError on a bad file. */
export function loadBundledMapping(targetId: string, relPath: string): MappingSpec {
  const file = join("targets", targetId, relPath);
  let spec = cache.get(file);
  if (!spec) {
    spec = parseMapping(file, readFileSync(join(packageRoot(), file), "utf8"));
    cache.set(file, spec);
  }
  return spec;
}

/** Loads a user mapping file and merges it over a bundled one. Throws MappingLoadError with every problem. */
export function loadOverride(base: MappingSpec, file: string, text: string): MappingSpec {
  return mergeMapping(base, parseMapping(file, text), text);
}
