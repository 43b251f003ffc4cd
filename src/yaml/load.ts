/**
 * js-yaml, loaded on first use. A conversion with the bundled mappings
 * (compiled to JSON by the build) and no config file reads no YAML, so the
 * CLI's start-up does not load the parser (about 20 ms of a one-rule run).
 * The reader is js-yaml's, for its YAML 1.2 core schema and its error
 * positions; ruleport writes YAML itself (dump.ts).
 */
import { createRequire } from "node:module";

type JsYaml = typeof import("js-yaml");

let lib: JsYaml | null = null;

export function jsYaml(): JsYaml {
  return (lib ??= createRequire(import.meta.url)("js-yaml") as JsYaml);
}
