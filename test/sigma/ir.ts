/**
 * Small IR factories for the Sigma tests (hand-built IR, independent of the
 * frontends). Spans are dummies unless a test cares.
 */
import type { Condition, EventQuery, FieldRef, Match, MatchValue, Pattern, PatternPart, RuleIR, Span } from "../../src/ir/nodes.js";
import type { RuleDocument } from "../../src/frontend/rule-document.js";

export const S: Span = { start: 0, end: 1 };

export const field = (path: string): FieldRef => ({ kind: "field", path, optional: false, wildcard: false, span: S });

/** A pattern from EQL-like text: `*` any run, `?` one character, everything else literal. */
export function pat(text: string): Pattern {
  const parts: PatternPart[] = [];
  let buf = "";
  const flush = () => {
    if (buf) parts.push({ kind: "text", value: buf });
    buf = "";
  };
  for (const ch of text) {
    if (ch === "*") {
      flush();
      parts.push({ kind: "any" });
    } else if (ch === "?") {
      flush();
      parts.push({ kind: "one" });
    } else buf += ch;
  }
  flush();
  return { kind: "pattern", parts, span: S };
}

/** A pattern with only literal text (no wildcards, even for `*` and `?`). */
export const lit = (text: string): Pattern => ({ kind: "pattern", parts: text === "" ? [] : [{ kind: "text", value: text }], span: S });

export const match = (path: string, values: readonly (string | MatchValue)[], caseSensitive = false): Match => ({
  kind: "match",
  subject: field(path),
  values: values.map((v) => (typeof v === "string" ? pat(v) : v)),
  caseSensitive,
  operator: caseSensitive ? "==" : ":",
  span: S,
});

export const and = (...operands: Condition[]): Condition => ({ kind: "and", operands, span: S });
export const or = (...operands: Condition[]): Condition => ({ kind: "or", operands, span: S });
export const not = (operand: Condition): Condition => ({ kind: "not", operand, span: S });

export const num = (value: number) => ({ kind: "number" as const, value, raw: String(value), integer: Number.isInteger(value), span: S });

export function eventQuery(category: string | null, condition: Condition): EventQuery {
  return { kind: "event", category: category ? { kind: "named", name: category } : { kind: "any" }, condition, span: S };
}

export function ruleOf(query: RuleIR["query"], extra: Partial<RuleIR> = {}): RuleIR {
  return {
    language: "eql",
    query,
    pipes: [],
    detection: { kind: "plain" },
    suppression: null,
    eventCategoryField: "event.category",
    timestampField: "@timestamp",
    index: ["logs-endpoint.events.*"],
    schedule: { from: "now-9m", interval: "5m" },
    ...extra,
  };
}

export function docOf(extra: Partial<RuleDocument> = {}): RuleDocument {
  return {
    path: "rules/test.toml",
    metadata: { creationDate: "2020/02/18", updatedDate: "2022/04/13", maturity: "production", deprecationDate: null, deprecatedReason: null, integration: ["endpoint"], minStackVersion: null },
    ruleId: "0022d47d-39c7-4f69-a232-4fe9dc7a3acd",
    name: "Test Rule",
    description: "A test rule for the Sigma target.\n",
    author: ["Elastic"],
    severity: "medium",
    riskScore: 47,
    tags: ["OS: Windows"],
    type: "eql",
    language: "eql",
    query: null,
    querySpan: null,
    index: ["logs-endpoint.events.*"],
    from: "now-9m",
    interval: null,
    maxSignals: null,
    references: [],
    falsePositives: [],
    note: null,
    setup: null,
    license: "Elastic License v2",
    timestampOverride: null,
    eventCategoryOverride: null,
    buildingBlockType: null,
    threat: [],
    threshold: null,
    newTerms: null,
    filters: [],
    threatIndex: [],
    threatQuery: null,
    threatLanguage: null,
    threatIndicatorPath: null,
    threatMapping: [],
    threatMappingSpan: null,
    alertSuppression: null,
    investigationFields: [],
    machineLearningJobId: [],
    requiredFields: [],
    relatedIntegrations: [],
    raw: {},
    keySpans: new Map(),
    ...extra,
  };
}

/** The seed rule (System Shells via Services) as hand-built IR. */
export function seedRule(): { rule: RuleIR; doc: RuleDocument } {
  const cond = and(
    match("event.type", [pat("start"), pat("process_started")], true),
    match("process.parent.name", ["services.exe"]),
    match("process.name", ["cmd.exe", "powershell.exe", "pwsh.exe", "powershell_ise.exe"]),
    not(match("process.args", ["NVDisplay.ContainerLocalSystem"])),
  );
  const rule = ruleOf(eventQuery("process", cond), { index: ["winlogbeat-*", "logs-endpoint.events.*", "logs-windows.*"], timestampField: "event.ingested" });
  const doc = docOf({
    name: "System Shells via Services",
    description: "Windows services typically run as SYSTEM and can be used as a privilege escalation opportunity.\n",
    tags: ["Elastic", "Host", "Windows", "Threat Detection", "Persistence"],
    threat: [
      {
        framework: "MITRE ATT&CK",
        tactic: { id: "TA0003", name: "Persistence", reference: "https://attack.mitre.org/tactics/TA0003/" },
        techniques: [
          {
            id: "T1543",
            name: "Create or Modify System Process",
            reference: "https://attack.mitre.org/techniques/T1543/",
            subtechniques: [{ id: "T1543.003", name: "Windows Service", reference: "https://attack.mitre.org/techniques/T1543/003/" }],
          },
        ],
      },
    ],
  });
  return { rule, doc };
}
