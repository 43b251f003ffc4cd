/**
 * osquery SQL target: one SQLite query per rule over osquery's tables, and one
 * osquery pack per platform.
 *
 * Pipeline per rule: rule-level checks (sequences, new_terms, pipes) -> facts ->
 * data source from the mapping (`emit`: table, alias, fixed filters, joins,
 * platform; see fields/events.yaml) -> field map -> capability check (check.ts)
 * -> print (sql.ts). Profiles: `events` reads osquery's evented tables, `live`
 * reads state tables (a snapshot replaces an event detection: info diagnostic).
 */
import type { Condition, EventQuery, FieldRef, RuleIR } from "../../src/ir/nodes.js";
import { type Diagnostic, hasErrors, info, unsupported, warning } from "../../src/diagnostics/index.js";
import { applyFieldMap, candidateSources, constantOf, factsOf, type MappingSpec, mapValue, type RuleFacts, type SourceSpec } from "../../src/mapping/index.js";
import type { RuleDocument } from "../../src/frontend/rule-document.js";
import type { ConvertInput, ConvertResult, OutputFile, TargetDefinition } from "../../src/target.js";
import { checkCondition } from "./check.js";
import { type OsqueryEmit, type Platform, parseEmit } from "./emit.js";
import { buildPacks, type PackEntry, packDescription, scheduleSeconds } from "./pack.js";
import { tableInfo } from "./schema.js";
import { printCondition, type PrintScope, sqlString } from "./sql.js";
import { sqlHeader } from "./header.js";
import { translateValues, withJsonFields } from "./vocab.js";

const T = { target: "osquery" } as const;
const OS_PLATFORM: Record<string, Platform> = { windows: "windows", linux: "linux", macos: "darwin" };

interface Resolved {
  readonly alias: string;
  readonly column: string;
  /** A JSON path inside the column (windows_events `data`). */
  readonly json?: string;
}

function sqlOf(r: Resolved): string {
  return r.json ? `json_extract(${r.alias}.${r.column}, ${sqlString(r.json)})` : `${r.alias}.${r.column}`;
}

/** Field resolution against a source's tables, remembering which joins and join columns are used. */
function makeScope(emit: OsqueryEmit) {
  const usedJoins = new Map<string, FieldRef>();
  const joinColumns: Resolved[] = [];
  const resolveOf = (path: string): Resolved | null => {
    const json = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*):(\$[A-Za-z0-9_.[\]]*)$/.exec(path);
    if (json) {
      // A JSON column (`e.data:$.EventData.X`): only on the base table.
      if (json[1] !== emit.alias || !tableInfo(emit.table)?.columns.has(json[2] as string)) return null;
      return { alias: emit.alias, column: json[2] as string, json: json[3] as string };
    }
    const dot = path.indexOf(".");
    const alias = dot < 0 ? emit.alias : path.slice(0, dot);
    const column = dot < 0 ? path : path.slice(dot + 1);
    const table = alias === emit.alias ? emit.table : emit.joins.find((j) => j.alias === alias)?.table;
    if (!table || !tableInfo(table)?.columns.has(column)) return null;
    return { alias, column };
  };
  return {
    usedJoins,
    joinColumns,
    resolve(field: FieldRef): string | null {
      const r = resolveOf(field.path);
      if (!r) return null;
      if (r.alias !== emit.alias) {
        if (!usedJoins.has(r.alias)) usedJoins.set(r.alias, field);
        if (!joinColumns.some((c) => c.alias === r.alias && c.column === r.column)) joinColumns.push(r);
      }
      return sqlOf(r);
    },
    column(path: string): string {
      const r = resolveOf(path);
      if (!r) throw new Error(`internal error: unresolved column ${path}`);
      return sqlOf(r);
    },
    isRequired(path: string): boolean {
      const r = resolveOf(path);
      return r !== null && r.alias === emit.alias && !r.json && emit.requires.includes(r.column);
    },
  };
}

function describeFacts(f: RuleFacts): string {
  const cat = f.category.size ? [...f.category].join("/") : "an unknown event category";
  const os = f.os.size ? [...f.os].join("/") : "an unknown platform (no host.os.type condition, OS tag or Windows index)";
  return `${cat} on ${os}`;
}

/** The top-level conjuncts of a condition. */
function conjuncts(c: Condition): readonly Condition[] {
  return c.kind === "and" ? c.operands : [c];
}

/** Whether a top-level conjunct holds only on events that have one of these ECS fields (a positive condition on it). */
function requiresField(c: Condition, fields: readonly string[]): boolean {
  switch (c.kind) {
    case "match":
    case "regex-match":
    case "exists":
      return c.subject.kind === "field" && fields.includes(c.subject.path);
    case "and":
      return c.operands.some((o) => requiresField(o, fields));
    case "or":
      return c.operands.every((o) => requiresField(o, fields));
    default:
      return false;
  }
}

/** Whether `c` constrains one of the required base columns with = / LIKE (osquery pushes those down to the table). */
function constrains(c: Condition, scope: ReturnType<typeof makeScope>): boolean {
  if (c.kind === "match") return c.subject.kind === "field" && scope.isRequired(c.subject.path);
  if (c.kind === "or") return c.operands.every((o) => constrains(o, scope));
  return false;
}

type Converted = { sql: string; platform: Platform; table: string; setup: string | null; os?: string };

/**
 * The data source a query reads: the first source whose `when` holds and on
 * which the query converts without errors; when none converts, the diagnostics
 * are those of the first source.
 */
function convertFor(input: ConvertInput, query: EventQuery, facts: RuleFacts, diagnostics: Diagnostic[]): Converted | null {
  const { mapping, profile } = input;
  const candidates = candidateSources(mapping, facts);
  if (candidates.length === 0) {
    diagnostics.push(unsupported("OSQUERY010", `no osquery table in profile \`${profile}\` for ${describeFacts(facts)}; the mapping ${mapping.file} has no source for it`, query.span, T));
    return null;
  }
  let first: Diagnostic[] | null = null;
  for (const source of candidates) {
    const d: Diagnostic[] = [];
    const r = convertOn(input, query, facts, source, d);
    if (r) {
      diagnostics.push(...d);
      return r;
    }
    first ??= d;
  }
  diagnostics.push(...(first ?? []));
  return null;
}

const OS_ORDER = ["windows", "linux", "macos"];

/**
 * One query, or one per operating system: a rule for several operating systems
 * that no single source covers or maps (its tables differ per platform) becomes
 * one query per platform, each in that platform's pack; every platform must convert.
 */
function convertEvent(input: ConvertInput, query: EventQuery, diagnostics: Diagnostic[]): Converted[] | null {
  const facts = factsOf(query, input.rule, input.document);
  if (facts.os.size < 2) {
    const r = convertFor(input, query, facts, diagnostics);
    return r ? [r] : null;
  }
  // Several operating systems: one source for all of them if one converts, else one per platform.
  if (candidateSources(input.mapping, facts).length > 0) {
    const d: Diagnostic[] = [];
    const r = convertFor(input, query, facts, d);
    if (r) {
      diagnostics.push(...d);
      return [r];
    }
    const sd: Diagnostic[] = [];
    const split = convertPerPlatform(input, query, facts, sd);
    if (split) {
      diagnostics.push(...sd);
      return split;
    }
    diagnostics.push(...d);
    return null;
  }
  return convertPerPlatform(input, query, facts, diagnostics);
}

function convertPerPlatform(input: ConvertInput, query: EventQuery, facts: RuleFacts, diagnostics: Diagnostic[]): Converted[] | null {
  const parts: Converted[] = [];
  const seen = new Set<string>();
  const oses = [...facts.os].sort((a, b) => OS_ORDER.indexOf(a) - OS_ORDER.indexOf(b));
  for (const os of oses) {
    const d: Diagnostic[] = [];
    const r = convertFor(input, query, { ...facts, os: new Set([os]) }, d);
    for (const x of d) {
      const key = `${x.code}:${x.span?.start}:${x.span?.end}:${x.message}`;
      if (!seen.has(key)) diagnostics.push(x);
      seen.add(key);
    }
    if (!r) return null;
    parts.push({ ...r, os });
  }
  diagnostics.push(info("OSQUERY015", `the rule covers ${oses.join(", ")}, whose osquery tables differ: one query per platform (${parts.map((p) => `${p.platform}: ${p.table}`).join("; ")}), each in its platform's pack`, query.span, T));
  return parts;
}

/** The source the target converts a query on (see convertEvent), with the JSON fields it uses; for the test harness. */
export function chosenSource(query: EventQuery, rule: RuleIR, document: RuleDocument, mapping: MappingSpec, profile: string, os?: string): SourceSpec | null {
  const all = factsOf(query, rule, document);
  const facts = os ? { ...all, os: new Set([os]) } : all;
  const input = { rule, document, mapping, profile, outputStem: "x" } as ConvertInput;
  for (const source of candidateSources(mapping, facts)) {
    if (!convertOn(input, query, facts, source, [])) continue;
    const parsed = parseEmit(source, mapping.file, null).value;
    return parsed?.kind === "table" ? withJsonFields(source, parsed.emit, query, rule.detection.kind === "threshold" ? [...rule.detection.fields, ...rule.detection.cardinality.map((c) => c.field)] : []) : source;
  }
  return null;
}

function convertOn(input: ConvertInput, query: EventQuery, facts: RuleFacts, declared: SourceSpec, diagnostics: Diagnostic[]): Converted | null {
  const { rule, mapping, profile } = input;
  const parsed = parseEmit(declared, mapping.file, query.span);
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.value) return null;
  if (parsed.value.kind === "unsupported") {
    diagnostics.push(unsupported("OSQUERY011", `${describeFacts(facts)}: ${parsed.value.message}`, query.span, T));
    return null;
  }
  const emit = parsed.value.emit;
  const thresholdFields = rule.detection.kind === "threshold" ? [...rule.detection.fields, ...rule.detection.cardinality.map((c) => c.field)] : [];
  const source = withJsonFields(declared, emit, query, thresholdFields);
  // A table that records only some events of its category (DNS lookups) serves only queries that require them.
  if (emit.needs.length > 0 && !conjuncts(query.condition).some((c) => requiresField(c, emit.needs))) {
    diagnostics.push(unsupported("OSQUERY016", `\`${emit.table}\` records only events with ${emit.needs.map((f) => `\`${f}\``).join(" or ")}, and the query does not require one; the data source \`${declared.id}\` would see only part of what it asks for`, query.span, T));
    return null;
  }
  // An EQL event category is a condition on the event too: the table must record only that category.
  if (query.category.kind === "named") {
    const cat = query.category.name.toLowerCase();
    if (!(source.implied.get(rule.eventCategoryField) ?? []).some((v) => v.toLowerCase() === cat)) {
      diagnostics.push(unsupported("OSQUERY012", `\`${emit.table}\` does not tell the event category \`${cat}\` (\`${cat} where\`) from the others it records; the data source \`${source.id}\` cannot check it`, query.span, T));
      return null;
    }
  }
  const mapped0 = applyFieldMap(query.condition, { spec: mapping, source, target: "osquery", code: "OSQUERY" });
  let mapDiagnostics = mapped0.diagnostics;
  let mapped = mapped0;
  if (emit.values.size > 0) {
    const v = translateValues(mapped0.condition, emit.values, diagnostics);
    // A field whose values were translated is no longer an unmapped field.
    mapDiagnostics = mapDiagnostics.filter((d) => !(d.code === "OSQUERY100" && v.handled.some((s) => d.span !== null && s.start === d.span.start && s.end === d.span.end)));
    mapped = { condition: v.condition, diagnostics: mapDiagnostics };
  }
  diagnostics.push(...mapDiagnostics);
  if (constantOf(mapped.condition) === false) {
    diagnostics.push(unsupported("OSQUERY013", `the query can never match \`${emit.table}\`: the values it asks for are ones this table never records`, query.span, T));
    return null;
  }
  const scope = makeScope(emit);
  // A field the mapping pass already refused (OSQUERY100, 105) is not reported again as a missing column.
  const reported = new Set(mapDiagnostics.filter((d) => d.severity === "error" && d.span).map((d) => `${d.span?.start}:${d.span?.end}`));
  const checked: Diagnostic[] = [];
  checkCondition(mapped.condition, { resolve: (f) => scope.resolve(f), sourceName: describeTables(emit) }, checked);
  diagnostics.push(...checked.filter((d) => !(d.code === "OSQUERY110" && d.span && reported.has(`${d.span.start}:${d.span.end}`))));

  // Threshold: group keys are mapped fields.
  const groupBy: string[] = [];
  const distinct: { column: string; value: number }[] = [];
  if (rule.detection.kind === "threshold") {
    const d = rule.detection;
    const field = (path: string): string | null => {
      const before = diagnostics.length;
      const m = mapValue({ kind: "field", path, optional: false, wildcard: false, span: d.span }, { spec: mapping, source, target: "osquery", code: "OSQUERY" }, diagnostics);
      if (diagnostics.length > before || m.kind !== "field") return null;
      const r = scope.resolve(m);
      if (r === null) diagnostics.push(unsupported("OSQUERY110", `threshold field \`${path}\` is not a column of ${describeTables(emit)}`, d.span, T));
      return r;
    };
    for (const f of d.fields) {
      const c = field(f);
      if (c) groupBy.push(c);
    }
    for (const c of d.cardinality) {
      const col = field(c.field);
      if (col) distinct.push({ column: col, value: c.value });
    }
  }

  // Joins: a warning at the first field that needs each one.
  for (const [alias, f] of scope.usedJoins) {
    const j = emit.joins.find((x) => x.alias === alias);
    diagnostics.push(warning("OSQUERY120", `\`${j?.table} AS ${alias}\` is joined on ${j?.on.map(([a, b]) => `${alias}.${a} = ${emit.alias}.${b}`).join(" AND ")}${j?.note ? `: ${j.note}` : ""}`, f.span, T));
  }

  // Tables that enumerate nothing without a constraint (osquery's `file`).
  if (emit.requires.length > 0) {
    const hit = conjuncts(mapped.condition).filter((c) => constrains(c, scope));
    if (hit.length === 0) {
      diagnostics.push(unsupported("OSQUERY130", `osquery's \`${emit.table}\` table lists nothing unless the query constrains ${emit.requires.map((r) => `\`${r}\``).join(" or ")} with = or LIKE, and this query does not`, query.span, T));
    } else if (hit.some((c) => JSON.stringify(c).includes('"kind":"any"')))
      diagnostics.push(warning("OSQUERY131", `osquery expands a % in a \`${emit.table}\` path constraint within one directory level (%% recurses), so matches deeper than the pattern's separators are missed`, hit[0]?.span ?? query.span, T));
  }

  if (profile === "live")
    diagnostics.push(info("OSQUERY300", `snapshot query: \`${emit.table}\` shows host state when the query runs, so it replaces the event detection with a hunt for what is present then`, query.span, T));

  if (hasErrors(diagnostics)) return null;

  const where: string[] = emit.where.map(([col, vals]) =>
    vals.length === 1 ? `${emit.alias}.${col} = ${sqlString(vals[0] as string)}` : `${emit.alias}.${col} IN (${vals.map(sqlString).join(", ")})`,
  );
  const k = constantOf(mapped.condition);
  if (k === false) where.push("0");
  else if (k === null) for (const c of conjuncts(mapped.condition)) where.push(printCondition(c, scope as PrintScope));
  for (const g of groupBy) where.push(`${g} IS NOT NULL`);

  const select =
    groupBy.length > 0 || rule.detection.kind === "threshold"
      ? [...groupBy, "count(*) AS count"]
      : [`${emit.alias}.*`, ...scope.joinColumns.map((c) => `${c.alias}.${c.column} AS ${c.alias}_${c.column}`)];
  const lines = [`SELECT ${select.join(", ")}`, `FROM ${emit.table} AS ${emit.alias}`];
  for (const j of emit.joins) {
    if (!scope.usedJoins.has(j.alias)) continue;
    lines.push(`LEFT JOIN ${j.table} AS ${j.alias} ON ${j.on.map(([a, b]) => `${j.alias}.${a} = ${emit.alias}.${b}`).join(" AND ")}`);
  }
  where.forEach((w, i) => lines.push(`${i === 0 ? "WHERE" : "  AND"} ${w}`));
  if (rule.detection.kind === "threshold") {
    if (groupBy.length > 0) lines.push(`GROUP BY ${groupBy.join(", ")}`);
    const having = [`count(*) >= ${rule.detection.value}`, ...distinct.map((d) => `count(DISTINCT ${d.column}) >= ${d.value}`)];
    lines.push(`HAVING ${having.join(" AND ")}`);
  }
  const platform = emit.platform ?? (facts.os.size === 1 ? (OS_PLATFORM[[...facts.os][0] as string] ?? "all") : "all");
  return { sql: `${lines.join("\n")};`, platform, table: emit.table, setup: emit.setup };
}

function describeTables(emit: OsqueryEmit): string {
  return [emit.table, ...emit.joins.map((j) => j.table)].filter((t, i, a) => a.indexOf(t) === i).map((t) => `\`${t}\``).join(" / ");
}

function ruleLevelChecks(rule: RuleIR, diagnostics: Diagnostic[]): void {
  const q = rule.query;
  if (q.kind === "sequence" || q.kind === "sample")
    diagnostics.push(unsupported("OSQUERY001", `${q.kind === "sequence" ? "sequences" : "samples"} correlate several events; an osquery query reads one table per run and keeps no state between runs`, q.span, T));
  const d = rule.detection;
  if (d.kind === "new_terms") diagnostics.push(unsupported("OSQUERY002", "new_terms rules compare against a history window; osquery queries keep no history", d.span, T));
  if (d.kind === "threat_match") diagnostics.push(unsupported("OSQUERY003", "threat_match rules join events with indicator indices, which osquery cannot read", d.span, T));
  for (const p of rule.pipes) diagnostics.push(unsupported("OSQUERY004", `the \`| ${p.kind}\` pipe needs events ordered by time across a search; osquery queries have no such order`, p.span, T));
}

export const osquery = {
  id: "osquery",
  title: "osquery SQL",
  extension: ".sql",
  profiles: [
    { name: "events", description: "evented tables (process_etw_events, process_events, es_process_events, file/socket/dns/powershell events)", mapping: "fields/events.yaml" },
    { name: "live", description: "state tables for live hunting (processes joined to their parent, process_open_sockets, registry, file)", mapping: "fields/live.yaml" },
  ],
  defaultProfile: "events",
  capabilities: { sequences: "no", regex: true, cidr: true, caseSensitiveMatch: true, oneCharWildcard: true, threshold: true, newTerms: false, threatMatch: false },
  convert(input: ConvertInput): ConvertResult {
    const diagnostics: Diagnostic[] = [];
    ruleLevelChecks(input.rule, diagnostics);
    if (hasErrors(diagnostics) || input.rule.query.kind !== "event") return { text: null, diagnostics };
    const parts = convertEvent(input, input.rule.query, diagnostics);
    if (!parts) return { text: null, diagnostics };
    const { interval, diagnostic } = scheduleSeconds(input.rule.schedule.interval, input.rule.query.span);
    if (diagnostic) diagnostics.push(diagnostic);
    const entries: PackEntry[] = parts.map((r) => ({
      name: input.outputStem.split("/").pop() as string,
      ruleId: input.document.ruleId,
      query: r.sql,
      interval,
      platform: r.platform,
      ...(r.os ? { os: r.os } : {}),
      description: input.document.name,
      snapshot: input.profile === "live",
      packDescription: packDescription(input.document),
    }));
    const header = sqlHeader(input.document, input.rule, { parts: parts.map((r) => ({ platform: r.platform, table: r.table, setup: r.setup })), profile: input.profile, interval });
    const body = parts.length === 1 ? (parts[0] as Converted).sql : parts.map((r) => `-- platform ${r.platform}: ${r.table}\n${r.sql}`).join("\n\n");
    return { text: `${header}${body}\n`, diagnostics, bundleEntry: entries.length === 1 ? entries[0] : entries };
  },
  bundle(entries: readonly { readonly outputStem: string; readonly entry: unknown }[], profile: string): readonly OutputFile[] {
    return buildPacks(entries.flatMap((e) => (Array.isArray(e.entry) ? (e.entry as PackEntry[]) : [e.entry as PackEntry])), profile);
  },
} satisfies TargetDefinition;

