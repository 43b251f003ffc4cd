/**
 * Validation of analytics rule YAML (tests and scripts/conformance-sentinel.mjs only):
 * the JSON schema transcribed from the Azure-Sentinel validator
 * (schema/sentinel-scheduled-rule.schema.json), with ajv, plus the cross-field
 * rules it lists under `x-crossFieldRules` that JSON Schema cannot express.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import * as yaml from "js-yaml";
import { packageRoot } from "../../src/package-root.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;
let validator: Any = null;
let schema: Any = null;

function load(): Any {
  if (validator) return validator;
  const require = createRequire(import.meta.url);
  const Ajv = require("ajv");
  const addFormats = require("ajv-formats");
  schema = JSON.parse(readFileSync(join(packageRoot(), "targets/sentinel/schema/sentinel-scheduled-rule.schema.json"), "utf8"));
  const ajv = new (Ajv.default ?? Ajv)({ allErrors: true, strict: false });
  (addFormats.default ?? addFormats)(ajv);
  validator = ajv.compile(schema);
  return validator;
}

function spanMs(text: string): number | null {
  const m = /^(\d+)([mhd])$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * ({ m: 60_000, h: 3_600_000, d: 86_400_000 } as Record<string, number>)[m[2] as string]!;
}

/** Problems of one analytics rule YAML text; empty when it is valid. */
export function checkRuleYaml(text: string): string[] {
  const validate = load();
  let doc: Any;
  try {
    doc = yaml.load(text);
  } catch (e) {
    return [`invalid YAML: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  if (!validate(doc)) for (const e of validate.errors ?? []) problems.push(`${e.instancePath || "/"} ${e.message}`);
  const f = spanMs(String(doc?.queryFrequency));
  const p = spanMs(String(doc?.queryPeriod));
  const min = 5 * 60_000;
  const max = 14 * 86_400_000;
  if (f === null || p === null) problems.push("queryFrequency/queryPeriod must be <n>m, <n>h or <n>d");
  else {
    if (f < min || f > max || p < min || p > max) problems.push("queryFrequency and queryPeriod must be within 5m..14d");
    if (p < f) problems.push("queryPeriod must be >= queryFrequency");
    if (p >= 2 * 86_400_000 && f < 3_600_000) problems.push("a queryPeriod of 2 days or more needs a queryFrequency of at least 1h");
  }
  const ids = schema["x-entityIdentifiers"] as Record<string, { identifiers: string[]; requiredIdentifiersAnyOf: string[][] }>;
  for (const m of doc?.entityMappings ?? []) {
    const spec = ids[m.entityType];
    if (!spec) continue;
    const used = (m.fieldMappings ?? []).map((x: Any) => x.identifier);
    for (const u of used) if (!spec.identifiers.includes(u)) problems.push(`entity ${m.entityType}: unknown identifier ${u}`);
    if (new Set(used).size !== used.length) problems.push(`entity ${m.entityType}: duplicate identifier`);
    if (!spec.requiredIdentifiersAnyOf.some((req) => req.every((r) => used.includes(r)))) problems.push(`entity ${m.entityType}: needs one of ${JSON.stringify(spec.requiredIdentifiersAnyOf)}`);
  }
  return problems;
}
