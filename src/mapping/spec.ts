/**
 * Field-mapping files: YAML data in each target's folder (targets/<id>/fields/<profile>.yaml),
 * overridable by the user (`--mapping`). This module loads and validates them;
 * apply.ts applies one to the IR.
 *
 * Format (every key is checked; unknown keys are errors with their line):
 *
 *   description: text
 *   unmapped: error | warn | keep        # what a field with no mapping does
 *   fields:                              # defaults for every source
 *     <ecs.field>: <FieldMapping>
 *   sources:                             # data sources, first match wins
 *     - id: process_creation_windows
 *       when: { category: [process], os: [windows], index: ["logs-*"], index_only: [...], dataset: [...], integration: [...] }
 *         # index: some index pattern of the rule matches one of these globs;
 *         # index_only: every index pattern of the rule does (a rule that also reads other data does not match)
 *       implied: { <ecs.field>: [values] }  # conditions the source already guarantees
 *       emit: { ... }                     # target-specific data (table, logsource, data model), opaque here
 *       unmapped: keep                    # optional: this source's policy (e.g. Elastic's own data, where ECS names are the native names)
 *       fields: { <ecs.field>: <FieldMapping> }
 *
 * A field key may be a field pattern with `*` (as the query writes it, e.g.
 * `azure.auditlogs.properties.target_resources.*.display_name`): a condition on
 * that exact pattern maps to the named target field.
 *
 * FieldMapping is either a target field name, a list of names (one-to-many:
 * the condition holds on any of them), null (explicitly unmapped), or:
 *   { to: name | [names], transform: basename | extension | contains, separator: "\\" | "/", note: text }
 *   transform basename: the ECS value is the last path component of the target field
 *   transform extension: the ECS value is what follows the last "." of the target field (a file name or path)
 *   transform contains: lossy; an element of the ECS field becomes a substring of the target field
 *   note: why the target field is not quite the ECS field; without a transform, every use of
 *     the mapping is then a warning (<CODE>108, "approximation"), never a silent rename
 */
import { jsYaml } from "../yaml/load.js";
import { keyPosition, yamlErrorPosition } from "../yaml/positions.js";

export type UnmappedPolicy = "error" | "warn" | "keep";
export type Transform = "basename" | "extension" | "contains";

export interface FieldMapping {
  /** Target field names; empty means explicitly unmapped. */
  readonly to: readonly string[];
  readonly transform: Transform | null;
  readonly separator: string;
  readonly note: string | null;
}

export interface SourceCondition {
  readonly category?: readonly string[];
  readonly os?: readonly string[];
  readonly index?: readonly string[];
  readonly index_only?: readonly string[];
  readonly dataset?: readonly string[];
  readonly integration?: readonly string[];
}

export interface SourceSpec {
  readonly id: string;
  readonly when: SourceCondition;
  readonly implied: ReadonlyMap<string, readonly string[]>;
  readonly emit: Readonly<Record<string, unknown>>;
  /** The source's own unmapped policy, overriding the file's (null: the file's). */
  readonly unmapped: UnmappedPolicy | null;
  readonly fields: ReadonlyMap<string, FieldMapping>;
}

export interface MappingSpec {
  readonly file: string;
  readonly description: string;
  readonly unmapped: UnmappedPolicy;
  readonly fields: ReadonlyMap<string, FieldMapping>;
  readonly sources: readonly SourceSpec[];
}

export interface MappingError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export class MappingLoadError extends Error {
  readonly errors: readonly MappingError[];
  constructor(errors: readonly MappingError[]) {
    super(errors.map((e) => `${e.file}:${e.line}:${e.column}: error MAP001: ${e.message}`).join("\n"));
    this.errors = errors;
  }
}

const CONDITION_KEYS = ["category", "os", "index", "index_only", "dataset", "integration"] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isPolicy(v: unknown): v is UnmappedPolicy {
  return v === "error" || v === "warn" || v === "keep";
}

function strList(v: unknown): string[] | null {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number" || typeof x === "boolean")) return v.map(String);
  return null;
}

/** Parses and validates a mapping file's text. Throws MappingLoadError listing every problem. */
export function parseMapping(file: string, text: string): MappingSpec {
  return mappingFromData(file, loadMappingYaml(file, text), text);
}

/** The data of a mapping file's YAML text. Throws MappingLoadError when it is not YAML. */
export function loadMappingYaml(file: string, text: string): unknown {
  try {
    return jsYaml().load(text, { filename: file });
  } catch (e) {
    throw new MappingLoadError([{ file, ...yamlErrorPosition(e), message: `invalid YAML: ${(e as { reason?: string }).reason ?? String(e)}` }]);
  }
}

/**
 * Validates the data of a mapping file (`text` is the file's text, for the
 * lines of messages). Throws MappingLoadError with every problem.
 */
export function mappingFromData(file: string, data: unknown, text: string): MappingSpec {
  const errors: MappingError[] = [];
  const fail = (key: string, message: string) => errors.push({ file, ...keyPosition(text, key), message });
  if (!isRecord(data)) throw new MappingLoadError([{ file, line: 1, column: 1, message: "a mapping file must be a YAML mapping with `fields` and/or `sources`" }]);

  for (const k of Object.keys(data)) if (!["description", "unmapped", "fields", "sources"].includes(k)) fail(k, `unknown key \`${k}\` (expected description, unmapped, fields, sources)`);
  const unmapped = data["unmapped"] ?? "error";
  if (!isPolicy(unmapped)) fail("unmapped", "`unmapped` must be error, warn or keep");

  const fields = parseFields(data["fields"], "fields", fail);
  const sources: SourceSpec[] = [];
  const rawSources = data["sources"] ?? [];
  if (!Array.isArray(rawSources)) fail("sources", "`sources` must be a list");
  else {
    const seen = new Set<string>();
    rawSources.forEach((s, i) => {
      if (!isRecord(s)) {
        fail("sources", `source #${i + 1} must be a mapping`);
        return;
      }
      for (const k of Object.keys(s)) if (!["id", "when", "implied", "emit", "unmapped", "fields"].includes(k)) fail(k, `unknown key \`${k}\` in a source (expected id, when, implied, emit, unmapped, fields)`);
      const id = typeof s["id"] === "string" ? s["id"] : `source-${i + 1}`;
      if (typeof s["id"] !== "string") fail("sources", `source #${i + 1} needs an \`id\``);
      if (seen.has(id)) fail(id, `duplicate source id \`${id}\``);
      seen.add(id);
      const when: Record<string, readonly string[]> = {};
      if (s["when"] !== undefined) {
        if (!isRecord(s["when"])) fail("when", `\`when\` of source ${id} must be a mapping`);
        else
          for (const [k, v] of Object.entries(s["when"])) {
            if (!(CONDITION_KEYS as readonly string[]).includes(k)) fail(k, `unknown condition \`${k}\` in source ${id} (expected ${CONDITION_KEYS.join(", ")})`);
            const l = strList(v);
            if (!l) fail(k, `condition \`${k}\` of source ${id} must be a string or a list of strings`);
            else when[k] = l;
          }
      }
      const implied = new Map<string, readonly string[]>();
      if (s["implied"] !== undefined) {
        if (!isRecord(s["implied"])) fail("implied", `\`implied\` of source ${id} must be a mapping`);
        else
          for (const [k, v] of Object.entries(s["implied"])) {
            const l = strList(v);
            if (!l) fail(k, `implied values of \`${k}\` in source ${id} must be a list of strings`);
            else implied.set(k, l);
          }
      }
      const emit = s["emit"] ?? {};
      if (!isRecord(emit)) fail("emit", `\`emit\` of source ${id} must be a mapping`);
      const own = s["unmapped"] ?? null;
      if (own !== null && !isPolicy(own)) fail("unmapped", `\`unmapped\` of source ${id} must be error, warn or keep`);
      sources.push({ id, when, implied, emit: isRecord(emit) ? emit : {}, unmapped: isPolicy(own) ? own : null, fields: parseFields(s["fields"], `fields of source ${id}`, fail) });
    });
  }
  if (errors.length > 0) throw new MappingLoadError(errors);
  return {
    file,
    description: typeof data["description"] === "string" ? data["description"] : "",
    unmapped: unmapped as UnmappedPolicy,
    fields,
    sources,
  };
}

function parseFields(raw: unknown, where: string, fail: (key: string, message: string) => void): Map<string, FieldMapping> {
  const out = new Map<string, FieldMapping>();
  if (raw === undefined || raw === null) return out;
  if (!isRecord(raw)) {
    fail(where.split(" ")[0] ?? "fields", `\`${where}\` must be a mapping from ECS field to target field`);
    return out;
  }
  for (const [ecs, v] of Object.entries(raw)) {
    if (v === null) {
      out.set(ecs, { to: [], transform: null, separator: "\\", note: null });
      continue;
    }
    const names = strList(v);
    if (names) {
      out.set(ecs, { to: names, transform: null, separator: "\\", note: null });
      continue;
    }
    if (!isRecord(v)) {
      fail(ecs, `mapping of \`${ecs}\` must be a field name, a list of names, null, or { to, transform, separator, note }`);
      continue;
    }
    for (const k of Object.keys(v)) if (!["to", "transform", "separator", "note"].includes(k)) fail(k, `unknown key \`${k}\` in the mapping of \`${ecs}\` (expected to, transform, separator, note)`);
    const to = v["to"] === null ? [] : strList(v["to"]);
    if (!to) fail(ecs, `\`to\` of \`${ecs}\` must be a field name or a list of names`);
    const transform = v["transform"] ?? null;
    if (transform !== null && transform !== "basename" && transform !== "extension" && transform !== "contains") fail(ecs, `\`transform\` of \`${ecs}\` must be basename, extension or contains`);
    const separator = v["separator"] ?? "\\";
    if (separator !== "\\" && separator !== "/") fail(ecs, `\`separator\` of \`${ecs}\` must be "\\\\" or "/"`);
    const note = typeof v["note"] === "string" ? v["note"] : null;
    out.set(ecs, { to: to ?? [], transform: transform as Transform | null, separator: separator as string, note });
  }
  return out;
}

/**
 * Merges a user override into a bundled mapping: `fields` replace the bundled
 * ones key by key; a source with a bundled source's id replaces it whole (in
 * its place); other override sources come first, so they win selection.
 */
export function mergeMapping(base: MappingSpec, override: MappingSpec, overrideText: string): MappingSpec {
  const fields = new Map(base.fields);
  for (const [k, v] of override.fields) fields.set(k, v);
  const overrideIds = new Set(override.sources.map((s) => s.id));
  const baseIds = new Set(base.sources.map((s) => s.id));
  const sources = [
    ...override.sources.filter((s) => !baseIds.has(s.id)),
    ...base.sources.map((b) => (overrideIds.has(b.id) ? (override.sources.find((s) => s.id === b.id) as SourceSpec) : b)),
  ];
  return {
    file: `${base.file} + ${override.file}`,
    description: base.description,
    unmapped: /^unmapped\s*:/m.test(overrideText) ? override.unmapped : base.unmapped,
    fields,
    sources,
  };
}
