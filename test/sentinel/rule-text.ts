/** A small Elastic rule file around a query, and its conversion, for tests on the bundled mappings. */
import { expect } from "vitest";
import { compileRule } from "../../src/compile.js";
import { sentinel } from "../../targets/sentinel/index.js";
import { analyzeKql } from "../../targets/sentinel/kusto-check.js";

export interface RuleExtra {
  readonly language?: string;
  readonly type?: string;
  readonly index?: readonly string[];
  readonly tags?: readonly string[];
  /** `[metadata] integration`. */
  readonly integration?: readonly string[];
  /** `event_category_override`. */
  readonly override?: string;
  /** Extra TOML lines for the [rule] table (threshold, new_terms, ...). */
  readonly more?: string;
}

export function rule(query: string, extra: RuleExtra = {}): string {
  const language = extra.language ?? "eql";
  return `[metadata]
creation_date = "2025/01/01"
${extra.integration ? `integration = [${extra.integration.map((i) => `"${i}"`).join(", ")}]` : ""}
maturity = "production"
updated_date = "2025/01/01"

[rule]
author = ["ruleport"]
description = "Test rule."
from = "now-9m"
index = [${(extra.index ?? ["logs-*"]).map((i) => `"${i}"`).join(", ")}]
language = "${language}"
license = "Apache-2.0"
name = "Test rule"
risk_score = 21
rule_id = "00000000-0000-4000-8000-000000000001"
severity = "low"
tags = [${(extra.tags ?? []).map((t) => `"${t}"`).join(", ")}]
type = "${extra.type ?? (language === "eql" ? "eql" : "query")}"
${extra.override ? `event_category_override = "${extra.override}"` : ""}
query = '''
${query}
'''
${extra.more ?? ""}
`;
}

/** Converts; an `ok` query must pass the Kusto analysis. */
export function convert(text: string, profile: string) {
  const o = compileRule("rules/test.toml", text, [{ target: sentinel, profile }]).outcomes[0]!;
  if (o.status === "ok") expect(analyzeKql(o.result.text ?? "")).toEqual([]);
  return {
    status: o.status,
    text: o.result.text ?? "",
    codes: o.result.diagnostics.map((d) => d.code),
    messages: o.result.diagnostics.map((d) => `${d.code} ${d.message}`),
    errors: o.result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message),
  };
}
