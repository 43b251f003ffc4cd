/**
 * The Sentinel scheduled analytics rule (Azure-Sentinel repository format,
 * validated against schema/sentinel-scheduled-rule.schema.json in the tests),
 * built as an object and written by ruleport's YAML writer (src/yaml/dump.ts)
 * in js-yaml's default layout.
 */
import { createHash } from "node:crypto";
import type { RuleIR, Span } from "../../src/ir/nodes.js";
import { type Diagnostic, info, warning } from "../../src/diagnostics/index.js";
import type { RuleDocument } from "../../src/frontend/rule-document.js";
import { dumpYaml } from "../../src/yaml/dump.js";
import type { BuiltQuery } from "./query.js";
import { durationMs, fitSchedule, formatSpan, lookbackMs } from "./schedule.js";

const T = { target: "sentinel" } as const;

export interface AnalyticsRule {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly severity: "Informational" | "Low" | "Medium" | "High";
  readonly requiredDataConnectors: readonly { readonly connectorId: string; readonly dataTypes: readonly string[] }[];
  readonly queryFrequency: string;
  readonly queryPeriod: string;
  readonly triggerOperator: "gt";
  readonly triggerThreshold: 0;
  readonly tactics: readonly string[];
  readonly relevantTechniques: readonly string[];
  readonly query: string;
  readonly entityMappings?: readonly { readonly entityType: string; readonly fieldMappings: readonly { readonly identifier: string; readonly columnName: string }[] }[];
  readonly version: string;
  readonly kind: "Scheduled";
}

/** Sentinel's tactic names (AttackTactic enum of the Azure-Sentinel validator). */
const TACTICS = new Set([
  "InitialAccess", "Execution", "Persistence", "PrivilegeEscalation", "DefenseEvasion", "CredentialAccess", "Discovery",
  "LateralMovement", "Collection", "Exfiltration", "CommandAndControl", "Impact", "Reconnaissance", "ResourceDevelopment",
  "ImpairProcessControl", "InhibitResponseFunction",
]);

/** `Command and Control` -> `CommandAndControl`. */
export function sentinelTactic(name: string): string {
  return name
    .split(/[\s-]+/)
    .filter((w) => w.length > 0)
    .map((w) => (w[0] as string).toUpperCase() + w.slice(1).toLowerCase())
    .join("");
}

/** RFC 4122 version-5 UUID (SHA-1, name-based): the same rule always gets the same id. */
export function uuidV5(name: string, namespace: string): string {
  const h = createHash("sha1").update(namespace.replace(/-/g, ""), "hex").update(name, "utf8").digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
/** ruleport's namespace for Sentinel rule ids (a fixed random UUID). */
const NAMESPACE = "6f3c2f0e-8d1a-4c55-9b7e-2a41d0c9e7b3";

const SEVERITY: Record<string, AnalyticsRule["severity"]> = { low: "Low", medium: "Medium", high: "High", critical: "High", informational: "Informational" };
const MAX_QUERY = 10_000;

function shorten(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + "…";
}

/** The analytics rule for a converted query, or null (with a warning) when Sentinel's limits rule it out. */
export function buildAnalyticsRule(rule: RuleIR, doc: RuleDocument, profile: string, built: BuiltQuery, query: string, out: Diagnostic[]): AnalyticsRule | null {
  const span: Span | null = doc.keySpans.get("rule") ?? null;
  if (query.length > MAX_QUERY) {
    out.push(warning("SENTINEL310", `the query has ${query.length} characters, above the 10,000 a Sentinel analytics rule accepts; only the .kql is written`, span, T));
    return null;
  }
  const interval = durationMs(rule.schedule.interval);
  const lookback = lookbackMs(rule.schedule.from);
  const intervalSpan = doc.keySpans.get("rule.interval") ?? span;
  const fromSpan = doc.keySpans.get("rule.from") ?? span;
  if (interval === null) out.push(warning("SENTINEL311", `interval \`${rule.schedule.interval}\` is not a plain duration; the rule runs every 5m`, intervalSpan, T));
  if (lookback === null) out.push(warning("SENTINEL311", `from \`${rule.schedule.from}\` is not \`now-<duration>\`; each run reads the run interval`, fromSpan, T));
  const freq = interval ?? 5 * 60_000;
  const sched = fitSchedule(freq, lookback ?? freq, built.minPeriodMs);
  for (const a of sched.adjustments) out.push(warning("SENTINEL312", `schedule: ${a}`, intervalSpan, T));

  const severity = SEVERITY[doc.severity.toLowerCase()] ?? "Medium";
  if (doc.severity.toLowerCase() === "critical") out.push(info("SENTINEL313", "severity `critical` becomes `High`, Sentinel's highest", doc.keySpans.get("rule.severity") ?? span, T));

  const tactics: string[] = [];
  const techniques: string[] = [];
  for (const t of doc.threat) {
    const name = sentinelTactic(t.tactic.name);
    if (TACTICS.has(name)) {
      if (!tactics.includes(name)) tactics.push(name);
    } else out.push(info("SENTINEL314", `tactic \`${t.tactic.name}\` has no Sentinel counterpart; left out`, doc.keySpans.get("rule.threat") ?? span, T));
    for (const tech of t.techniques) {
      for (const id of [tech.id, ...tech.subtechniques.map((s) => s.id)]) if (/^T[0-9]{4}(\.[0-9]{3})?$/.test(id) && !techniques.includes(id)) techniques.push(id);
    }
  }

  const entityMappings: { entityType: string; fieldMappings: { identifier: string; columnName: string }[] }[] = [];
  for (const [entityType, ids] of Object.entries(built.first.emit.entities)) {
    const cols = Object.entries(ids);
    const available = (c: string) => (built.outputColumns === "all" ? built.first.ctx.columns === null || Object.hasOwn(built.first.ctx.columns, c) : built.outputColumns.has(c));
    // All of an entity's identifiers or none: a partial set may miss the one Sentinel requires.
    if (!cols.every(([, c]) => available(c))) continue;
    const fm = cols.map(([identifier, columnName]) => ({ identifier, columnName }));
    if (fm.length > 0 && entityMappings.length < 5) entityMappings.push({ entityType, fieldMappings: fm.slice(0, 3) });
  }

  const connectors = new Map<string, Set<string>>();
  for (const t of built.terms) for (const c of t.emit.connectors) {
    const s = connectors.get(c.connectorId) ?? new Set<string>();
    for (const d of c.dataTypes) s.add(d);
    connectors.set(c.connectorId, s);
  }
  const version = doc.raw["rule"] && typeof (doc.raw["rule"] as Record<string, unknown>)["version"] === "number" ? `${(doc.raw["rule"] as Record<string, unknown>)["version"]}.0.0` : "1.0.0";
  const description = doc.description.trim() || doc.name;
  if (description.length > 5000) out.push(warning("SENTINEL315", "the description is longer than Sentinel's 5,000 characters; shortened", doc.keySpans.get("rule.description") ?? span, T));
  return {
    id: uuidV5(`${profile}:${doc.ruleId}`, NAMESPACE),
    name: shorten(doc.name, 256),
    description: shorten(description, 5000),
    severity,
    requiredDataConnectors: [...connectors].map(([connectorId, d]) => ({ connectorId, dataTypes: [...d] })),
    queryFrequency: formatSpan(sched.frequencyMs),
    queryPeriod: formatSpan(sched.periodMs),
    triggerOperator: "gt",
    triggerThreshold: 0,
    tactics,
    relevantTechniques: techniques,
    query,
    ...(entityMappings.length > 0 ? { entityMappings } : {}),
    version,
    kind: "Scheduled",
  };
}

/** YAML text of an analytics rule: 2-space indentation, fixed key order, a literal block for a multi-line query, no line folding. */
export function dumpAnalyticsRule(r: AnalyticsRule): string {
  return dumpYaml([r as unknown as Readonly<Record<string, unknown>>], { indent: 2 });
}
