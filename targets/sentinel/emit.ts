/**
 * The `emit` block of a Sentinel mapping source: what a data source reads
 * from and what its rules deploy with. Validated here (the mapping loader
 * treats `emit` as opaque).
 *
 *   emit:
 *     table: DeviceProcessEvents            # a table, or
 *     function: imProcessCreate             # an ASIM parser function (called with `params`)
 *     params: { eventtype: "'Execute'" }    # optional: parser parameters, KQL literal text
 *     filter: 'ActionType == "DnsQueryResponse"'  # optional: a KQL predicate every event of this source meets
 *     extend: { EcsEventType: '"start"' }   # optional: computed columns, KQL expressions over the source's columns
 *     types: { EcsArgsCount: long }         # optional: KQL types of computed columns (default string; `string[]`: a
 *                                           # dynamic array holding a multi-valued ECS field, matched element-wise)
 *     notes: { EcsArgsCount: "..." }         # optional: computed columns that only approximate their ECS field (each use warns)
 *     requires: [dns.question.name]          # optional: the source is eligible only for queries that require one of these ECS fields
 *     caveat: "..."                          # optional: how this source only approximates the Elastic data (every use warns)
 *     exclusive: [data_stream.dataset]       # optional: `implied` fields holding one value per event, so that their implied
 *                                            # values are the only ones: a match of none of them is false (exclusive.ts)
 *     connectors: [{ connectorId: MicrosoftThreatProtection, dataTypes: [DeviceProcessEvents] }]
 *     entities: { Host: { HostName: DeviceName }, ... }  # Sentinel entity mappings (identifier: column)
 */
import type { Span } from "../../src/ir/nodes.js";
import { type Diagnostic, error } from "../../src/diagnostics/index.js";
import type { SourceSpec } from "../../src/mapping/index.js";

export interface Connector {
  readonly connectorId: string;
  readonly dataTypes: readonly string[];
}

export interface SentinelEmit {
  readonly sourceId: string;
  /** The table or function name. */
  readonly name: string;
  readonly isFunction: boolean;
  readonly params: Readonly<Record<string, string>>;
  /** A predicate that selects this source's events inside the table (KQL text), or null. */
  readonly filter: string | null;
  readonly extend: Readonly<Record<string, string>>;
  /** KQL types of computed columns (those not listed are strings). */
  readonly types: Readonly<Record<string, string>>;
  /** Computed columns that approximate their ECS field: column -> why (a warning whenever a query reads it). */
  readonly notes: Readonly<Record<string, string>>;
  /** How the source as a whole only approximates the Elastic data (a warning on every query that reads it), or null. */
  readonly caveat: string | null;
  /** `implied` fields whose implied values are the only values an event of the source has. */
  readonly exclusive: readonly string[];
  readonly connectors: readonly Connector[];
  readonly entities: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const KEYS = ["table", "function", "params", "filter", "extend", "types", "notes", "caveat", "exclusive", "requires", "connectors", "entities"];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function stringRecord(v: unknown): Record<string, string> | null {
  if (v === undefined) return {};
  if (!isRecord(v)) return null;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== "string") return null;
    out[k] = x;
  }
  return out;
}

/** Each source's `emit`, validated once (a source serves many queries). */
const validated = new WeakMap<SourceSpec, { emit: SentinelEmit | null; problems: readonly string[] }>();

/** Validates a source's `emit`; every problem is an error diagnostic (code SENTINEL002) at `span`. */
export function readEmit(source: SourceSpec, span: Span): { emit: SentinelEmit | null; diagnostics: Diagnostic[] } {
  let v = validated.get(source);
  if (!v) validated.set(source, (v = validateEmit(source)));
  return { emit: v.emit, diagnostics: v.problems.map((p) => error("SENTINEL002", `invalid \`emit\` in mapping source \`${source.id}\`: ${p}`, span, { target: "sentinel" })) };
}

function validateEmit(source: SourceSpec): { emit: SentinelEmit | null; problems: readonly string[] } {
  const e = source.emit;
  const problems: string[] = [];
  for (const k of Object.keys(e)) if (!KEYS.includes(k)) problems.push(`unknown key \`${k}\` (expected ${KEYS.join(", ")})`);
  const table = e["table"];
  const fn = e["function"];
  if ((typeof table === "string") === (typeof fn === "string")) problems.push("exactly one of `table` or `function` must be a name");
  const params = stringRecord(e["params"]);
  if (!params) problems.push("`params` must map parameter names to KQL literal text");
  const filter = e["filter"] ?? null;
  if (filter !== null && typeof filter !== "string") problems.push("`filter` must be a KQL predicate (a string)");
  const extend = stringRecord(e["extend"]);
  if (!extend) problems.push("`extend` must map column names to KQL expressions");
  const types = stringRecord(e["types"]);
  if (!types) problems.push("`types` must map computed column names to KQL types");
  else
    for (const [k, t] of Object.entries(types)) {
      if (!extend || !Object.hasOwn(extend, k)) problems.push(`\`types\` names \`${k}\`, which is not a computed column in \`extend\``);
      if (!["string", "long", "int", "real", "bool", "datetime", "dynamic", "string[]"].includes(t)) problems.push(`\`types\`: unknown KQL type \`${t}\``);
    }
  const notes = stringRecord(e["notes"]);
  if (!notes) problems.push("`notes` must map computed column names to explanations");
  else for (const k of Object.keys(notes)) if (!extend || !Object.hasOwn(extend, k)) problems.push(`\`notes\` names \`${k}\`, which is not a computed column in \`extend\``);
  const requires = e["requires"];
  if (requires !== undefined && !(Array.isArray(requires) && requires.every((x) => typeof x === "string"))) problems.push("`requires` must be a list of ECS field names");
  const caveat = e["caveat"] ?? null;
  if (caveat !== null && typeof caveat !== "string") problems.push("`caveat` must be a string");
  const exclusive = e["exclusive"] ?? [];
  if (!(Array.isArray(exclusive) && exclusive.every((x) => typeof x === "string"))) problems.push("`exclusive` must be a list of ECS field names");
  const connectors: Connector[] = [];
  const rawConn = e["connectors"] ?? [];
  if (!Array.isArray(rawConn)) problems.push("`connectors` must be a list");
  else
    for (const c of rawConn) {
      if (isRecord(c) && typeof c["connectorId"] === "string" && Array.isArray(c["dataTypes"]) && c["dataTypes"].every((x) => typeof x === "string"))
        connectors.push({ connectorId: c["connectorId"], dataTypes: c["dataTypes"] as string[] });
      else problems.push("each connector needs `connectorId` (a string) and `dataTypes` (a list of strings)");
    }
  const entities: Record<string, Record<string, string>> = {};
  const rawEnt = e["entities"] ?? {};
  if (!isRecord(rawEnt)) problems.push("`entities` must map entity types to { identifier: column }");
  else
    for (const [k, v] of Object.entries(rawEnt)) {
      const r = stringRecord(v);
      if (!r) problems.push(`entity \`${k}\` must map identifiers to column names`);
      else entities[k] = r;
    }
  if (problems.length > 0) return { emit: null, problems };
  return {
    emit: {
      sourceId: source.id,
      name: (typeof table === "string" ? table : fn) as string,
      isFunction: typeof fn === "string",
      params: params ?? {},
      filter: typeof filter === "string" ? filter : null,
      extend: extend ?? {},
      types: types ?? {},
      notes: notes ?? {},
      caveat: typeof caveat === "string" ? caveat : null,
      exclusive: exclusive as string[],
      connectors,
      entities,
    },
    problems: [],
  };
}
