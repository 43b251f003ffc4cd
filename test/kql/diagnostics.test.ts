/** Diagnostics point into the rule file and render with a caret (graphql-js style). */
import { describe, expect, it } from "vitest";
import { render } from "../../src/diagnostics/index.js";
import { loadRule } from "../../src/frontend/load-rule.js";
import { lowerRule } from "../../src/frontend/lower.js";

const RULE = (query: string, filters = "") => `[metadata]
creation_date = "2026/11/27"
maturity = "production"
updated_date = "2026/11/27"

[rule]
author = ["ruleport"]
description = "d"
language = "kuery"
license = "Apache-2.0"
name = "n"
risk_score = 21
rule_id = "00000000-0000-0000-0000-000000000000"
severity = "low"
type = "query"
query = ${query}
${filters}`;

function lower(text: string) {
  const loaded = loadRule("rules/x.toml", text);
  const r = lowerRule(loaded.value.document!);
  return { source: loaded.value.source, ...r };
}

describe("KQL diagnostics in the rule file", () => {
  it("a syntax error in a multi-line literal string renders at its file line and column", () => {
    // line 17 is `process.name:cmd.exe and`, line 18 `  process.args:C\Windows`; the backslash is column 17 (2 spaces + `process.args:C` = 16 characters before it)
    const r = lower(RULE("'''\nprocess.name:cmd.exe and\n  process.args:C\\Windows\n'''"));
    expect(r.value).toBeNull();
    const d = r.diagnostics.find((x) => x.code === "KQL001")!;
    expect(render(d, r.source)).toBe(
      [
        `rules/x.toml:18:17: error KQL001: ${d.message}`,
        "    |",
        " 18 |   process.args:C\\Windows",
        `    | ${" ".repeat(16)}^`,
      ].join("\n"),
    );
  });
  it("offsets survive TOML escapes in a basic string", () => {
    // query = "a:\"x\" and b:(" : the error (end of query after `(`) is after the closing escape sequences
    const r = lower(RULE('"a:\\"x\\" and b:("'));
    const d = r.diagnostics.find((x) => x.code === "KQL001")!;
    const line = r.source.text.split("\n").findIndex((l) => l.startsWith("query = ")) + 1;
    const col = 'query = "a:\\"x\\" and b:('.length + 1;
    expect(r.source.position(d.span!.start)).toEqual({ line, column: col });
  });
  it("an unsupported filter is reported at [[rule.filters]]", () => {
    const r = lower(RULE('"a:b"', '\n[[rule.filters]]\n[rule.filters.meta]\nnegate = false\n[rule.filters.query.script.script]\nsource = "1"\n'));
    expect(r.value).toBeNull();
    const d = r.diagnostics.find((x) => x.code === "KQL301")!;
    expect(d.unsupported).toBe(true);
    const { line } = r.source.position(d.span!.start);
    expect(r.source.lineText(line)).toBe("[[rule.filters]]");
  });
});
