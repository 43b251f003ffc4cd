/**
 * The osquery part of a mapping source (`emit:` in fields/*.yaml), validated.
 * The mapping loader keeps `emit` opaque; this module gives it a shape and
 * reports every malformed key as an error diagnostic (a broken mapping file is
 * broken input, not an unsupported rule).
 */
import { type Diagnostic, error } from "../../src/diagnostics/index.js";
import type { Span } from "../../src/ir/nodes.js";
import type { SourceSpec } from "../../src/mapping/index.js";
import { tableInfo } from "./schema.js";

export type Platform = "windows" | "linux" | "darwin" | "posix" | "all";
const PLATFORMS: readonly string[] = ["windows", "linux", "darwin", "posix", "all"];

export interface JoinSpec {
  readonly alias: string;
  readonly table: string;
  /** Joined column = base column. */
  readonly on: readonly (readonly [joined: string, base: string])[];
  readonly note: string | null;
}

export interface OsqueryEmit {
  readonly table: string;
  readonly alias: string;
  readonly platform: Platform | null;
  /** Fixed filters on base columns (column = value, or IN for a list). */
  readonly where: readonly (readonly [column: string, values: readonly string[]])[];
  readonly joins: readonly JoinSpec[];
  /** Base columns one of which the query must constrain (osquery's `file` table). */
  readonly requires: readonly string[];
  /** What the osquery agent needs for this table (flags, configuration), for the output's header. */
  readonly setup: string | null;
  /** Vocabulary translations: ECS field -> the base column that tells it and which column values mean which ECS value. */
  readonly values: ReadonlyMap<string, ValueTable>;
  /** ECS fields one of which the query must require (a top-level condition on it): the table records only such events (DNS lookups). */
  readonly needs: readonly string[];
  /** JSON columns: ECS field prefix -> `alias.column:$.json.path.` prefix (windows_events `data`). */
  readonly json: readonly (readonly [ecsPrefix: string, target: string])[];
}

/**
 * `emit.values.<ecs field>`: `{ column, map: { <ECS value>: [column values] } }`.
 * The map is the whole vocabulary: a row whose column value is X carries exactly
 * the ECS values whose list holds X (none when no list does).
 */
export interface ValueTable {
  /** `alias.column`: a base column or a joined one. */
  readonly column: string;
  readonly map: ReadonlyMap<string, readonly string[]>;
}

/** `emit.unsupported`: the source exists to say why osquery cannot see this data. */
export type ParsedEmit = { readonly kind: "table"; readonly emit: OsqueryEmit } | { readonly kind: "unsupported"; readonly message: string };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EMIT_KEYS = ["table", "alias", "platform", "where", "joins", "requires", "needs", "setup", "values", "json", "unsupported"];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function scalarList(v: unknown): string[] | null {
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return [String(v)];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string" || typeof x === "number" || typeof x === "boolean")) return v.map(String);
  return null;
}

/** Validates a source's emit block; every problem is one error diagnostic (code OSQUERY090). */
export function parseEmit(source: SourceSpec, file: string, span: Span | null): { value: ParsedEmit | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const bad = (message: string) => diagnostics.push(error("OSQUERY090", `${file}: source \`${source.id}\`: ${message}`, span, { target: "osquery" }));
  const e = source.emit;
  for (const k of Object.keys(e)) if (!EMIT_KEYS.includes(k)) bad(`unknown emit key \`${k}\` (expected ${EMIT_KEYS.join(", ")})`);
  if (e["unsupported"] !== undefined) {
    if (typeof e["unsupported"] !== "string") bad("`emit.unsupported` must be a message");
    return { value: diagnostics.length ? null : { kind: "unsupported", message: e["unsupported"] as string }, diagnostics };
  }
  const table = e["table"];
  if (typeof table !== "string" || !tableInfo(table)) {
    bad(`\`emit.table\` must name an osquery table (got ${JSON.stringify(table)})`);
    return { value: null, diagnostics };
  }
  const alias = e["alias"] ?? table;
  if (typeof alias !== "string" || !IDENT.test(alias)) bad("`emit.alias` must be an identifier");
  const platform = e["platform"] ?? null;
  if (platform !== null && (typeof platform !== "string" || !PLATFORMS.includes(platform))) bad(`\`emit.platform\` must be one of ${PLATFORMS.join(", ")}`);
  const hasColumn = (t: string, c: string) => tableInfo(t)?.columns.has(c) ?? false;

  const where: [string, string[]][] = [];
  if (e["where"] !== undefined) {
    if (!isRecord(e["where"])) bad("`emit.where` must map base columns to a value or a list of values");
    else
      for (const [col, v] of Object.entries(e["where"])) {
        const vals = scalarList(v);
        if (!hasColumn(table, col)) bad(`\`emit.where\`: \`${col}\` is not a column of ${table}`);
        if (!vals) bad(`\`emit.where.${col}\` must be a value or a non-empty list of values`);
        else where.push([col, vals]);
      }
  }
  const joins: JoinSpec[] = [];
  if (e["joins"] !== undefined) {
    if (!isRecord(e["joins"])) bad("`emit.joins` must map an alias to { table, on, note }");
    else
      for (const [jAlias, j] of Object.entries(e["joins"])) {
        if (!IDENT.test(jAlias) || jAlias === alias) bad(`join alias \`${jAlias}\` must be an identifier other than the base alias`);
        if (!isRecord(j)) {
          bad(`join \`${jAlias}\` must be { table, on, note }`);
          continue;
        }
        for (const k of Object.keys(j)) if (!["table", "on", "note"].includes(k)) bad(`unknown key \`${k}\` in join \`${jAlias}\``);
        const jt = j["table"];
        if (typeof jt !== "string" || !tableInfo(jt)) {
          bad(`join \`${jAlias}\`: \`table\` must name an osquery table`);
          continue;
        }
        const on: [string, string][] = [];
        if (!isRecord(j["on"]) || Object.keys(j["on"]).length === 0) bad(`join \`${jAlias}\`: \`on\` must map joined columns to base columns`);
        else
          for (const [jc, bc] of Object.entries(j["on"])) {
            if (typeof bc !== "string" || !hasColumn(table, bc)) bad(`join \`${jAlias}\`: \`${String(bc)}\` is not a column of ${table}`);
            else if (!hasColumn(jt, jc)) bad(`join \`${jAlias}\`: \`${jc}\` is not a column of ${jt}`);
            else on.push([jc, bc]);
          }
        joins.push({ alias: jAlias, table: jt, on, note: typeof j["note"] === "string" ? j["note"] : null });
      }
  }
  const requires: string[] = [];
  if (e["requires"] !== undefined) {
    const r = scalarList(e["requires"]);
    if (!r) bad("`emit.requires` must list base columns");
    else
      for (const c of r) {
        if (!hasColumn(table, c)) bad(`\`emit.requires\`: \`${c}\` is not a column of ${table}`);
        requires.push(c);
      }
  }
  const setup = e["setup"] ?? null;
  if (setup !== null && typeof setup !== "string") bad("`emit.setup` must be text");
  const values = new Map<string, ValueTable>();
  if (e["values"] !== undefined) {
    if (!isRecord(e["values"])) bad("`emit.values` must map ECS fields to { column, map }");
    else
      for (const [ecs, t] of Object.entries(e["values"])) {
        if (!isRecord(t) || typeof t["column"] !== "string" || !isRecord(t["map"])) {
          bad(`\`emit.values.${ecs}\` must be { column: base column, map: { ECS value: [column values] } }`);
          continue;
        }
        const column = t["column"];
        const dot = column.indexOf(".");
        const owner = dot < 0 ? (alias as string) : column.slice(0, dot);
        const col = dot < 0 ? column : column.slice(dot + 1);
        const ownerTable = owner === alias ? table : joins.find((j) => j.alias === owner)?.table;
        if (!ownerTable || !hasColumn(ownerTable, col)) bad(`\`emit.values.${ecs}.column\`: \`${column}\` is not a column of ${table} or of a join`);
        const map = new Map<string, string[]>();
        for (const [k, v] of Object.entries(t["map"])) {
          const l = v === null ? [] : Array.isArray(v) && v.length === 0 ? [] : scalarList(v);
          if (!l) bad(`\`emit.values.${ecs}.map.${k}\` must be a value or a list of values`);
          else map.set(k, l);
        }
        values.set(ecs, { column: `${owner}.${col}`, map });
      }
  }
  const needs: string[] = [];
  if (e["needs"] !== undefined) {
    const n = scalarList(e["needs"]);
    if (!n) bad("`emit.needs` must list ECS fields");
    else needs.push(...n);
  }
  const json: [string, string][] = [];
  if (e["json"] !== undefined) {
    if (!isRecord(e["json"])) bad("`emit.json` must map ECS field prefixes to `column:$.path.` prefixes");
    else
      for (const [prefix, target] of Object.entries(e["json"])) {
        const m = typeof target === "string" ? /^([A-Za-z_][A-Za-z0-9_]*):(\$(?:\.[A-Za-z_][A-Za-z0-9_]*)*\.)$/.exec(target) : null;
        if (!m || !prefix.endsWith(".")) bad(`\`emit.json.${prefix}\` must map a prefix ending in "." to \`column:$.path.\``);
        else if (!hasColumn(table, m[1] as string)) bad(`\`emit.json.${prefix}\`: \`${m[1]}\` is not a column of ${table}`);
        else json.push([prefix, `${alias as string}.${target}`]);
      }
  }
  if (diagnostics.length > 0) return { value: null, diagnostics };
  return { value: { kind: "table", emit: { table, alias: alias as string, platform: platform as Platform | null, where, joins, requires, needs, setup: setup as string | null, values, json } }, diagnostics };
}
