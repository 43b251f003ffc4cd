/** Test helpers: a rule file around a query, converted by the Splunk target through the real pipeline. */
import { bundledMapping, convertParsed, parseRule } from "../../src/compile.js";
import type { Diagnostic } from "../../src/diagnostics/index.js";
import { loadOverride } from "../../src/mapping/index.js";
import { splunk } from "../../targets/splunk/index.js";

export interface RuleOptions {
  readonly type?: "eql" | "query" | "threshold" | "new_terms";
  readonly language?: "eql" | "kuery";
  readonly index?: readonly string[];
  readonly tags?: readonly string[];
  readonly from?: string;
  readonly interval?: string;
  /** Extra TOML appended after the query (threshold / new_terms tables). */
  readonly extra?: string;
}

/** A minimal Elastic rule file holding `query` (TOML literal string, so backslashes stay as written). */
export function ruleToml(query: string, o: RuleOptions = {}): string {
  const type = o.type ?? "eql";
  const language = o.language ?? (type === "eql" ? "eql" : "kuery");
  return [
    "[metadata]",
    'creation_date = "2024/01/01"',
    'maturity = "production"',
    'updated_date = "2024/02/01"',
    "[rule]",
    'author = ["Test"]',
    'description = "test rule"',
    `from = "${o.from ?? "now-9m"}"`,
    ...(o.interval ? [`interval = "${o.interval}"`] : []),
    `index = [${(o.index ?? ["logs-endpoint.events.*"]).map((i) => `"${i}"`).join(", ")}]`,
    `language = "${language}"`,
    'license = "Elastic License v2"',
    'name = "Test Rule"',
    "risk_score = 47",
    'rule_id = "00000000-0000-0000-0000-000000000001"',
    'severity = "medium"',
    `tags = [${(o.tags ?? ["OS: Windows"]).map((t) => `"${t}"`).join(", ")}]`,
    `type = "${type}"`,
    `query = '''\n${query}\n'''`,
    o.extra ?? "",
  ].join("\n");
}

export interface Converted {
  readonly status: string;
  readonly text: string | null;
  readonly diagnostics: readonly Diagnostic[];
  readonly codes: readonly string[];
  readonly bundleEntry: unknown;
}

/** Converts a rule around `query`; `override` is the text of a --mapping file merged over the profile's mapping. */
export function convert(query: string, profile: "cim" | "sysmon" = "cim", o: RuleOptions = {}, override?: string): Converted {
  const parsed = parseRule("test.toml", ruleToml(query, o));
  if (parsed.parseStatus !== "ok") throw new Error(`test rule does not parse: ${parsed.parseDiagnostics.map((d) => d.message).join("; ")}`);
  const bundled = bundledMapping(splunk, profile);
  const mapping = override === undefined ? bundled : loadOverride(bundled, "override.yaml", override);
  const out = convertParsed(parsed, { target: splunk, profile, mapping }, "test");
  return {
    status: out.status,
    text: out.result.text,
    diagnostics: out.result.diagnostics,
    codes: out.result.diagnostics.map((d) => d.code),
    bundleEntry: out.result.bundleEntry,
  };
}
