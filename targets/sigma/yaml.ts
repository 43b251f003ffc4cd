/**
 * Sigma documents <-> YAML text. Written by ruleport's YAML writer
 * (src/yaml/dump.ts) in SigmaHQ's layout: 4-space indentation, and every
 * one-line string value of the `detection` section except `condition`
 * single-quoted (SigmaHQ's convention: "Strings values use single quotes").
 * A correlation and its rules become one multi-document stream.
 */
import { dumpYaml, type YamlMapping, type YamlStyle } from "../../src/yaml/dump.js";
import { jsYaml } from "../../src/yaml/load.js";

export type { YamlMapping } from "../../src/yaml/dump.js";

const SIGMA_STYLE: YamlStyle = { indent: 4, quotedSection: { key: "detection", except: "condition" } };

/** Dumps one or more Sigma documents (plain objects; mappings inside may be Maps) as YAML. */
export function dumpSigma(documents: readonly YamlMapping[]): string {
  return dumpYaml(documents, SIGMA_STYLE);
}

/** Loads Sigma YAML text (one or more documents). */
export function loadSigma(text: string): unknown[] {
  return jsYaml().loadAll(text);
}
