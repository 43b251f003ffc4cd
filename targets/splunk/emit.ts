/**
 * The Splunk part of a mapping source (`emit:` in targets/splunk/fields/*.yaml),
 * validated here because the mapping loader treats it as opaque:
 *
 *   emit: { datamodel: Endpoint, dataset: Processes, by: [Processes.dest, ...] }   # | tstats ... from datamodel=Endpoint.Processes
 *   emit: { search: 'source="XmlWinEventLog:..." EventCode=1' }                     # a raw search
 *   warning: text                                                                    # optional, reported on every rule using the source
 *   requires: [dns.question.name]                                                    # optional: the source is only chosen for a query that reads one of these ECS fields
 *   values: { event.type: { field: Filesystem.action, map: { creation: created } } }  # optional: vocabulary of an ECS field the source has no field for
 */
import type { SourceSpec } from "../../src/mapping/index.js";
import type { ValueMap } from "./passes.js";
import { lintSpl } from "./spl-lint.js";
import { isSearchField } from "./syntax.js";

export type SplunkEmit = (
  | { readonly kind: "tstats"; readonly datamodel: string; readonly dataset: string; readonly by: readonly string[] }
  | { readonly kind: "search"; readonly search: string }
) & { readonly warning: string | null; readonly values: ReadonlyMap<string, ValueMap> };

const KEYS = new Set(["datamodel", "dataset", "by", "search", "warning", "requires", "values"]);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The ECS fields a source requires the query to read (`requires`), or null when it has no such condition. */
export function requiredFields(source: SourceSpec): readonly string[] | null {
  const r = source.emit["requires"];
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === "string") : null;
}

/** Validates a source's `emit`; returns the problems instead when it is malformed. */
export function parseEmit(source: SourceSpec): { emit: SplunkEmit } | { problems: string[] } {
  const e = source.emit;
  const problems: string[] = [];
  for (const k of Object.keys(e)) if (!KEYS.has(k)) problems.push(`unknown key \`${k}\` (expected datamodel, dataset, by, search, warning, requires, values)`);
  const warning = e["warning"] === undefined ? null : typeof e["warning"] === "string" ? e["warning"] : (problems.push("`warning` must be a string"), null);
  const values = parseValues(e["values"], problems);
  const requires = e["requires"];
  if (requires !== undefined && (!Array.isArray(requires) || !requires.every((r) => typeof r === "string"))) problems.push("`requires` must be a list of ECS field names");
  if (typeof e["search"] === "string") {
    if (e["datamodel"] !== undefined || e["dataset"] !== undefined || e["by"] !== undefined) problems.push("`search` cannot be combined with `datamodel`, `dataset` or `by`");
    const lint = lintSpl(e["search"]);
    if (lint.length > 0 || e["search"].includes("|")) problems.push(`\`search\` must be a plain search expression without pipes (${lint.map((p) => p.message).join("; ") || "has a pipe"})`);
    return problems.length > 0 ? { problems } : { emit: { kind: "search", search: e["search"].trim(), warning, values } };
  }
  const dm = e["datamodel"];
  const ds = e["dataset"];
  if (typeof dm !== "string" || !NAME.test(dm)) problems.push("`datamodel` must be a data model name (or give `search` instead)");
  if (typeof ds !== "string" || !NAME.test(ds)) problems.push("`dataset` must be a dataset name");
  const by = e["by"] ?? [];
  if (!Array.isArray(by) || !by.every((b) => typeof b === "string" && isSearchField(b))) problems.push("`by` must be a list of field names");
  if (problems.length > 0) return { problems };
  return { emit: { kind: "tstats", datamodel: dm as string, dataset: ds as string, by: by as string[], warning, values } };
}

function parseValues(raw: unknown, problems: string[]): ReadonlyMap<string, ValueMap> {
  const out = new Map<string, ValueMap>();
  if (raw === undefined) return out;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    problems.push("`values` must map ECS fields to { field, map }");
    return out;
  }
  for (const [ecs, spec] of Object.entries(raw)) {
    const s = spec as Record<string, unknown>;
    const isStr = (x: unknown) => x === undefined || typeof x === "string";
    const presence = s["map"] === undefined && (typeof s["exists"] === "string" || typeof s["missing"] === "string");
    if (typeof spec !== "object" || spec === null || typeof s["field"] !== "string" || Object.keys(s).some((k) => !["field", "map", "exists", "missing"].includes(k)) || !isStr(s["exists"]) || !isStr(s["missing"]) || (!presence && (typeof s["map"] !== "object" || s["map"] === null))) {
      problems.push(`\`values.${ecs}\` must be { field: name, map: { ecs value: value or [values] } } or { field: name, exists: ecs value, missing: ecs value }`);
      continue;
    }
    const map = new Map<string, readonly (string | number)[]>();
    for (const [k, v] of Object.entries((s["map"] ?? {}) as Record<string, unknown>)) {
      const list = Array.isArray(v) ? v : [v];
      if (list.length === 0 || !list.every((x) => typeof x === "string" || typeof x === "number")) {
        problems.push(`\`values.${ecs}.map.${k}\` must be a string, a number, or a list of them`);
        continue;
      }
      map.set(k, list as (string | number)[]);
    }
    out.set(ecs, { field: s["field"] as string, map, exists: (s["exists"] as string | undefined) ?? null, missing: (s["missing"] as string | undefined) ?? null });
  }
  return out;
}
