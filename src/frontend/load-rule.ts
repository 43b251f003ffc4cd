/**
 * The Elastic rule loader: TOML text -> RuleDocument, with diagnostics that
 * point into the file. Keys Elastic's library uses are typed and checked;
 * unknown keys are a warning, never a failure.
 */
import { parse as parseToml, TomlError } from "smol-toml";
import type { Span } from "../ir/nodes.js";
import { type Diagnostic, error, warning, type Result, SourceFile } from "../diagnostics/index.js";
import type { KibanaFilter, RuleDocument, Threat } from "./rule-document.js";
import { literalSource, mappedSource, type QuerySource } from "./source.js";
import { locateToml, type LocatedString, type TomlLocations } from "./toml-locate.js";
import { readTomlFast } from "./toml-read.js";

type Kind = "string" | "strings" | "integer" | "boolean" | "table" | "tables" | "any";

/**
 * Every key path Elastic's library uses (shared/reference/corpus-census.md,
 * section A) plus the documented ones it rarely uses, with the type it must
 * have. `*` matches one array element or any sub-key of an open table.
 */
const KNOWN: Readonly<Record<string, Kind>> = {
  metadata: "table",
  "metadata.bypass_bbr_timing": "boolean",
  "metadata.creation_date": "string",
  "metadata.updated_date": "string",
  "metadata.deprecation_date": "string",
  "metadata.deprecated_reason": "string",
  "metadata.integration": "any", // array of strings, or a string (3 rules)
  "metadata.maturity": "string",
  "metadata.min_stack_comments": "string",
  "metadata.min_stack_version": "string",
  "metadata.promotion": "boolean",
  "metadata.query_schema_validation": "boolean",
  "metadata.comments": "string",
  rule: "table",
  "rule.alert_suppression": "table",
  "rule.alert_suppression.duration": "table",
  "rule.alert_suppression.duration.unit": "string",
  "rule.alert_suppression.duration.value": "integer",
  "rule.alert_suppression.group_by": "strings",
  "rule.alert_suppression.missing_fields_strategy": "string",
  "rule.anomaly_threshold": "integer",
  "rule.author": "strings",
  "rule.building_block_type": "string",
  "rule.description": "string",
  "rule.enabled": "boolean",
  "rule.event_category_override": "string",
  "rule.exceptions_list": "tables",
  "rule.exceptions_list.*": "any",
  "rule.false_positives": "strings",
  "rule.filters": "tables",
  "rule.filters.*": "any",
  "rule.from": "string",
  "rule.index": "strings",
  "rule.interval": "string",
  "rule.investigation_fields": "table",
  "rule.investigation_fields.field_names": "strings",
  "rule.language": "string",
  "rule.license": "string",
  "rule.machine_learning_job_id": "any", // string or array of strings
  "rule.max_signals": "integer",
  "rule.name": "string",
  "rule.new_terms": "table",
  "rule.new_terms.field": "string",
  "rule.new_terms.value": "strings",
  "rule.new_terms.history_window_start": "tables",
  "rule.new_terms.history_window_start.*": "any",
  "rule.note": "string",
  "rule.query": "string",
  "rule.references": "strings",
  "rule.related_integrations": "tables",
  "rule.related_integrations.*": "any",
  "rule.required_fields": "tables",
  "rule.required_fields.*": "any",
  "rule.risk_score": "integer",
  "rule.risk_score_mapping": "tables",
  "rule.risk_score_mapping.*": "any",
  "rule.rule_id": "string",
  "rule.rule_name_override": "string",
  "rule.setup": "string",
  "rule.severity": "string",
  "rule.severity_mapping": "tables",
  "rule.severity_mapping.*": "any",
  "rule.tags": "strings",
  "rule.threat": "tables",
  "rule.threat.*": "any",
  "rule.threat_filters": "tables",
  "rule.threat_filters.*": "any",
  "rule.threat_index": "strings",
  "rule.threat_indicator_path": "string",
  "rule.threat_language": "string",
  "rule.threat_mapping": "tables",
  "rule.threat_mapping.*": "any",
  "rule.threat_query": "string",
  "rule.threshold": "table",
  "rule.threshold.field": "strings",
  "rule.threshold.value": "integer",
  "rule.threshold.cardinality": "tables",
  "rule.threshold.cardinality.*": "any",
  "rule.timeline_id": "string",
  "rule.timeline_title": "string",
  "rule.timestamp_override": "string",
  "rule.type": "string",
  "rule.version": "integer",
  transform: "table",
  "transform.*": "any",
  hunt: "table",
  "hunt.*": "any",
};

/** String values whose positions the loader needs (queries are parsed; dates are checked). */
const LOCATED_STRINGS: ReadonlySet<string> = new Set(["rule.query", "rule.threat_query", "metadata.creation_date", "metadata.updated_date", "metadata.deprecation_date"]);

/** Required in every rule; `language` and `query` are required by type below. */
const REQUIRED = ["rule.name", "rule.rule_id", "rule.type", "rule.description", "rule.severity", "rule.risk_score", "rule.author"];
const QUERY_TYPES = new Set(["query", "eql", "threshold", "new_terms", "threat_match", "esql", "saved_query"]);

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return v.length === 0 ? "an empty array" : v.every((x) => typeof x === "string") ? "an array of strings" : v.every((x) => isTable(x)) ? "an array of tables" : "an array";
  if (typeof v === "string") return "a string";
  if (typeof v === "number" || typeof v === "bigint") return Number.isInteger(Number(v)) ? "an integer" : "a number";
  if (typeof v === "boolean") return "a boolean";
  if (v instanceof Date || (typeof v === "object" && v !== null && "toISOString" in v)) return "a date";
  if (isTable(v)) return "a table";
  return typeof v;
}

function isTable(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
}

function matches(kind: Kind, v: unknown): boolean {
  switch (kind) {
    case "any":
      return true;
    case "string":
      return typeof v === "string";
    case "strings":
      return Array.isArray(v) && v.every((x) => typeof x === "string");
    case "integer":
      return (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint";
    case "boolean":
      return typeof v === "boolean";
    case "table":
      return isTable(v);
    case "tables":
      return Array.isArray(v) && v.every(isTable);
  }
}

const EXPECTED: Record<Kind, string> = {
  any: "any value",
  string: "a string",
  strings: "an array of strings",
  integer: "an integer",
  boolean: "a boolean",
  table: "a table",
  tables: "an array of tables",
};

function known(path: string): Kind | undefined {
  const k = KNOWN[path];
  if (k !== undefined) return k;
  // open tables: `a.b.*` covers every deeper key
  const parts = path.split(".");
  for (let n = parts.length - 1; n >= 1; n--) {
    const star = KNOWN[parts.slice(0, n).join(".") + ".*"];
    if (star !== undefined) return "any";
  }
  return undefined;
}

/** Position of the nearest located key: the path itself or its closest parent. */
function spanOf(loc: TomlLocations, path: string): Span | null {
  const parts = path.split(".");
  for (let n = parts.length; n >= 1; n--) {
    const s = loc.keys.get(parts.slice(0, n).join("."));
    if (s) return s;
  }
  return null;
}

function walkKeys(
  value: Record<string, unknown>,
  prefix: string,
  loc: TomlLocations,
  out: Diagnostic[],
): void {
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const kind = known(path);
    if (kind === undefined) {
      out.push(warning("RULE010", `unknown key \`${path}\`: it is kept but no target uses it`, spanOf(loc, path) ?? { start: 0, end: 0 }));
      continue;
    }
    if (!matches(kind, v)) {
      out.push(error("RULE002", `\`${path}\` must be ${EXPECTED[kind]}, found ${kindOf(v)}`, spanOf(loc, path) ?? { start: 0, end: 0 }));
      continue;
    }
    if (kind === "table" && isTable(v)) walkKeys(v, path, loc, out);
  }
}

function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split(".")) {
    if (!isTable(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : []);
const int = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "bigint" ? Number(v) : null);
const tables = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isTable) : []);

function toSource(s: LocatedString): QuerySource {
  return s.offsets ? mappedSource(s.value, s.offsets) : literalSource(s.value, s.base);
}

function offsetOf(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return Math.min(text.length, off + Math.max(0, column - 1));
}

export interface LoadedRule {
  readonly source: SourceFile;
  /** null when the file is not a rule at all (broken TOML, no [rule] table). */
  readonly document: RuleDocument | null;
}

/** Strips a UTF-8 byte-order mark; the rest of the text is taken as is. */
export function normaliseText(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Loads one rule from its text. Never throws on bad input. */
export function loadRule(path: string, rawText: string): Result<LoadedRule> {
  const text = normaliseText(rawText);
  const source = new SourceFile(path, text);
  const diagnostics: Diagnostic[] = [];
  // the one-pass reader covers rule files as they are written; anything else,
  // errors included, goes through smol-toml and the locator
  const fast = readTomlFast(text, LOCATED_STRINGS);
  let data: Record<string, unknown>;
  let loc: TomlLocations;
  if (fast) {
    data = fast.data;
    loc = fast.loc;
  } else {
    try {
      data = parseToml(text) as Record<string, unknown>;
    } catch (e) {
      if (e instanceof TomlError) {
        // a span inside the file: an error at the end of the file points at its last character
        const at = Math.max(0, Math.min(offsetOf(text, e.line, e.column), text.length - 1));
        const first = (e.message.split("\n")[0] ?? "invalid TOML").replace(/^Invalid TOML document: /, "");
        diagnostics.push(error("TOML001", `invalid TOML: ${first}`, { start: at, end: Math.min(at + 1, text.length) }));
      } else {
        diagnostics.push(error("TOML001", `invalid TOML: ${(e as Error).message}`, { start: 0, end: 0 }));
      }
      return { value: { source, document: null }, diagnostics };
    }
    loc = locateToml(text, LOCATED_STRINGS);
  }
  walkKeys(data, "", loc, diagnostics);

  const rule = data["rule"];
  if (!isTable(rule)) {
    diagnostics.push(error("RULE001", "missing the [rule] table: this is not an Elastic detection rule", { start: 0, end: 0 }));
    return { value: { source, document: null }, diagnostics };
  }
  if (!isTable(data["metadata"])) diagnostics.push(warning("RULE003", "missing the [metadata] table (creation_date, updated_date, maturity)", { start: 0, end: 0 }));
  for (const req of REQUIRED) {
    if (get(data, req) === undefined) diagnostics.push(error("RULE001", `missing required key \`${req}\``, spanOf(loc, "rule") ?? { start: 0, end: 0 }));
  }
  const type = str(rule["type"]) ?? "";
  if (QUERY_TYPES.has(type)) {
    if (rule["query"] === undefined && type !== "saved_query") diagnostics.push(error("RULE001", `missing required key \`rule.query\` for a rule of type "${type}"`, spanOf(loc, "rule.type")));
    if (rule["language"] === undefined && type !== "eql" && type !== "esql") diagnostics.push(error("RULE001", `missing required key \`rule.language\` for a rule of type "${type}"`, spanOf(loc, "rule.type")));
  }
  for (const d of ["metadata.creation_date", "metadata.updated_date", "metadata.deprecation_date"]) {
    const v = get(data, d);
    if (typeof v === "string" && !/^\d{4}\/\d{2}\/\d{2}$/.test(v)) diagnostics.push(warning("RULE004", `\`${d}\` should be a date in YYYY/MM/DD form, found "${v}"`, loc.strings.get(d)?.span ?? spanOf(loc, d)));
  }

  const queryLoc = loc.strings.get("rule.query");
  const query = typeof rule["query"] === "string" ? (queryLoc && queryLoc.value === rule["query"] ? toSource(queryLoc) : literalSource(rule["query"], spanOf(loc, "rule.query")?.start ?? 0)) : null;
  const tqLoc = loc.strings.get("rule.threat_query");
  const threatQuery = typeof rule["threat_query"] === "string" ? (tqLoc && tqLoc.value === rule["threat_query"] ? toSource(tqLoc) : literalSource(rule["threat_query"], spanOf(loc, "rule.threat_query")?.start ?? 0)) : null;

  const threat: Threat[] = tables(rule["threat"]).map((t) => {
    const tactic = isTable(t["tactic"]) ? t["tactic"] : {};
    return {
      framework: str(t["framework"]) ?? "",
      tactic: { id: str(tactic["id"]) ?? "", name: str(tactic["name"]) ?? "", reference: str(tactic["reference"]) ?? "" },
      techniques: tables(t["technique"]).map((te) => ({
        id: str(te["id"]) ?? "",
        name: str(te["name"]) ?? "",
        reference: str(te["reference"]) ?? "",
        subtechniques: tables(te["subtechnique"]).map((s) => ({ id: str(s["id"]) ?? "", name: str(s["name"]) ?? "", reference: str(s["reference"]) ?? "" })),
      })),
    };
  });

  const th = isTable(rule["threshold"]) ? rule["threshold"] : null;
  const nt = isTable(rule["new_terms"]) ? rule["new_terms"] : null;
  const sup = isTable(rule["alert_suppression"]) ? rule["alert_suppression"] : null;
  const supDur = sup && isTable(sup["duration"]) ? sup["duration"] : null;
  const meta = isTable(data["metadata"]) ? data["metadata"] : {};
  const filterList = (key: string): KibanaFilter[] => {
    const spans = loc.arrayTables.get(`rule.${key}`);
    return tables(rule[key]).map((f, i) => ({ raw: f, span: spans?.[i] ?? spanOf(loc, `rule.${key}`) }));
  };
  const filters = filterList("filters");

  const document: RuleDocument = {
    path,
    metadata: {
      creationDate: str(meta["creation_date"]),
      updatedDate: str(meta["updated_date"]),
      maturity: str(meta["maturity"]),
      deprecationDate: str(meta["deprecation_date"]),
      deprecatedReason: str(meta["deprecated_reason"]),
      integration: strs(meta["integration"]),
      minStackVersion: str(meta["min_stack_version"]),
    },
    ruleId: str(rule["rule_id"]) ?? "",
    name: str(rule["name"]) ?? "",
    description: str(rule["description"]) ?? "",
    author: strs(rule["author"]),
    severity: str(rule["severity"]) ?? "",
    riskScore: int(rule["risk_score"]),
    tags: strs(rule["tags"]),
    type,
    language: str(rule["language"]) ?? (type === "eql" ? "eql" : type === "esql" ? "esql" : null),
    query,
    querySpan: queryLoc?.span ?? spanOf(loc, "rule.query"),
    index: strs(rule["index"]),
    from: str(rule["from"]),
    interval: str(rule["interval"]),
    maxSignals: int(rule["max_signals"]),
    references: strs(rule["references"]),
    falsePositives: strs(rule["false_positives"]),
    note: str(rule["note"]),
    setup: str(rule["setup"]),
    license: str(rule["license"]),
    timestampOverride: str(rule["timestamp_override"]),
    eventCategoryOverride: str(rule["event_category_override"]),
    buildingBlockType: str(rule["building_block_type"]),
    threat,
    threshold: th
      ? {
          field: strs(th["field"]),
          value: int(th["value"]) ?? 0,
          cardinality: tables(th["cardinality"]).map((c) => ({ field: str(c["field"]) ?? "", value: int(c["value"]) ?? 0 })),
          span: spanOf(loc, "rule.threshold"),
        }
      : null,
    newTerms: nt
      ? {
          fields: strs(nt["value"]),
          historyWindowStart: str(tables(nt["history_window_start"])[0]?.["value"]) ?? "now-7d",
          span: spanOf(loc, "rule.new_terms"),
        }
      : null,
    filters,
    threatFilters: filterList("threat_filters"),
    threatIndex: strs(rule["threat_index"]),
    threatQuery,
    threatLanguage: str(rule["threat_language"]),
    threatIndicatorPath: str(rule["threat_indicator_path"]),
    threatMapping: tables(rule["threat_mapping"]).map((m) =>
      tables(m["entries"]).map((e) => ({ field: str(e["field"]) ?? "", type: str(e["type"]) ?? "mapping", value: str(e["value"]) ?? "" })),
    ),
    threatMappingSpan: spanOf(loc, "rule.threat_mapping"),
    alertSuppression: sup
      ? {
          groupBy: strs(sup["group_by"]),
          duration: supDur ? { value: int(supDur["value"]) ?? 0, unit: str(supDur["unit"]) ?? "m" } : null,
          missingFieldsStrategy: str(sup["missing_fields_strategy"]),
          span: spanOf(loc, "rule.alert_suppression"),
        }
      : null,
    investigationFields: strs(get(rule, "investigation_fields.field_names")),
    machineLearningJobId: strs(rule["machine_learning_job_id"]),
    requiredFields: tables(rule["required_fields"]).map((f) => ({ name: str(f["name"]) ?? "", type: str(f["type"]) ?? "" })),
    relatedIntegrations: tables(rule["related_integrations"]).map((f) => ({
      package: str(f["package"]) ?? "",
      version: str(f["version"]) ?? "",
      integration: str(f["integration"]),
    })),
    raw: data,
    keySpans: loc.keys,
  };
  return { value: { source, document }, diagnostics };
}
