/** Small IR factories for hand-built osquery target tests (spans are 0). */
import type { Condition, FieldRef, MatchValue, Pattern, PatternPart, RuleIR, Span, Value } from "../../src/ir/nodes.js";

export const S: Span = { start: 0, end: 0 };

export function field(path: string): FieldRef {
  return { kind: "field", path, optional: false, wildcard: false, span: S };
}
export function str(value: string): Value {
  return { kind: "string", value, span: S };
}
export function num(value: number): Value & MatchValue {
  return { kind: "number", value, raw: String(value), integer: Number.isInteger(value), span: S };
}
export function text(value: string): Pattern {
  return { kind: "pattern", parts: value === "" ? [] : [{ kind: "text", value }], span: S };
}
/** EQL wildcard syntax: `*` any run, `?` one character, everything else literal. */
export function wild(p: string): Pattern {
  const parts: PatternPart[] = [];
  let buf = "";
  for (const ch of p) {
    if (ch === "*" || ch === "?") {
      if (buf) parts.push({ kind: "text", value: buf });
      buf = "";
      parts.push(ch === "*" ? { kind: "any" } : { kind: "one" });
    } else buf += ch;
  }
  if (buf) parts.push({ kind: "text", value: buf });
  return { kind: "pattern", parts, span: S };
}
export function match(path: string | Value, values: readonly MatchValue[], caseSensitive: boolean): Condition {
  return { kind: "match", subject: typeof path === "string" ? field(path) : path, values, caseSensitive, operator: caseSensitive ? "==" : ":", span: S };
}
export function and(...operands: Condition[]): Condition {
  return { kind: "and", operands, span: S };
}
export function or(...operands: Condition[]): Condition {
  return { kind: "or", operands, span: S };
}
export function not(operand: Condition): Condition {
  return { kind: "not", operand, span: S };
}
export function regex(path: string, source: string, caseSensitive = true): Condition {
  return { kind: "regex-match", subject: field(path), patterns: [{ kind: "regex", dialect: "lucene", source, span: S }], caseSensitive, span: S };
}
export function exists(path: string): Condition {
  return { kind: "exists", subject: field(path), span: S };
}

export function eventRule(category: string, condition: Condition, extra: Partial<RuleIR> = {}): RuleIR {
  return {
    language: "eql",
    query: { kind: "event", category: { kind: "named", name: category }, condition, span: S },
    pipes: [],
    detection: { kind: "plain" },
    suppression: null,
    eventCategoryField: "event.category",
    timestampField: "@timestamp",
    index: [],
    schedule: { from: "now-9m", interval: "5m" },
    ...extra,
  };
}

import type { RuleDocument } from "../../src/frontend/rule-document.js";
import { loadRule } from "../../src/frontend/load-rule.js";

/** A real rule document from a minimal TOML rule with these tags. */
export function documentWith(tags: readonly string[], name = "Test rule"): RuleDocument {
  const toml = [
    "[metadata]",
    'creation_date = "2024/01/01"',
    'updated_date = "2024/01/01"',
    "[rule]",
    'author = ["ruleport"]',
    'description = "test"',
    `name = ${JSON.stringify(name)}`,
    "risk_score = 21",
    'rule_id = "00000000-0000-0000-0000-000000000000"',
    'severity = "low"',
    `tags = ${JSON.stringify(tags)}`,
    'type = "eql"',
    'language = "eql"',
    "query = 'any where true'",
  ].join("\n");
  const doc = loadRule("test.toml", toml).value.document;
  if (!doc) throw new Error("test document did not load");
  return doc;
}
