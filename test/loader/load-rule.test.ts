import { describe, expect, it } from "vitest";
import { loadRule } from "../../src/frontend/load-rule.js";
import { SourceFile } from "../../src/diagnostics/index.js";

const BASE = `[metadata]
creation_date = "2024/01/02"
integration = ["endpoint", "windows"]
maturity = "production"
updated_date = "2024/03/04"
min_stack_version = "8.14.0"
deprecation_date = "2025/01/01"
deprecated_reason = "replaced"

[rule]
author = ["Elastic", "Someone"]
description = "Detects a thing."
from = "now-9m"
index = ["logs-endpoint.events.process-*", "winlogbeat-*"]
interval = "5m"
language = "eql"
license = "Elastic License v2"
max_signals = 100
name = "A Rule"
note = "triage"
setup = "setup text"
references = ["https://example.com/a"]
false_positives = ["admins"]
risk_score = 47
rule_id = "11111111-2222-3333-4444-555555555555"
severity = "medium"
tags = ["OS: Windows", "Tactic: Execution"]
timestamp_override = "event.ingested"
event_category_override = "event.type"
type = "eql"
building_block_type = "default"
query = '''
process where process.name : "cmd.exe"
'''

[rule.investigation_fields]
field_names = ["process.name", "host.name"]

[rule.alert_suppression]
group_by = ["host.name"]
missing_fields_strategy = "suppress"

[rule.alert_suppression.duration]
unit = "m"
value = 5

[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1059"
name = "Command and Scripting Interpreter"
reference = "https://attack.mitre.org/techniques/T1059/"
[[rule.threat.technique.subtechnique]]
id = "T1059.003"
name = "Windows Command Shell"
reference = "https://attack.mitre.org/techniques/T1059/003/"

[rule.threat.tactic]
id = "TA0002"
name = "Execution"
reference = "https://attack.mitre.org/tactics/TA0002/"
`;

function load(text: string) {
  return loadRule("r.toml", text);
}

describe("rule loader: every key", () => {
  const r = load(BASE);
  const d = r.value.document!;
  it("loads without errors or warnings", () => {
    expect(r.diagnostics).toEqual([]);
  });
  it("metadata", () => {
    expect(d.metadata).toEqual({
      creationDate: "2024/01/02",
      updatedDate: "2024/03/04",
      maturity: "production",
      deprecationDate: "2025/01/01",
      deprecatedReason: "replaced",
      integration: ["endpoint", "windows"],
      minStackVersion: "8.14.0",
    });
  });
  it("rule keys", () => {
    expect(d.author).toEqual(["Elastic", "Someone"]);
    expect(d.description).toBe("Detects a thing.");
    expect(d.from).toBe("now-9m");
    expect(d.interval).toBe("5m");
    expect(d.index).toEqual(["logs-endpoint.events.process-*", "winlogbeat-*"]);
    expect(d.language).toBe("eql");
    expect(d.license).toBe("Elastic License v2");
    expect(d.maxSignals).toBe(100);
    expect(d.name).toBe("A Rule");
    expect(d.note).toBe("triage");
    expect(d.setup).toBe("setup text");
    expect(d.references).toEqual(["https://example.com/a"]);
    expect(d.falsePositives).toEqual(["admins"]);
    expect(d.riskScore).toBe(47);
    expect(d.ruleId).toBe("11111111-2222-3333-4444-555555555555");
    expect(d.severity).toBe("medium");
    expect(d.tags).toEqual(["OS: Windows", "Tactic: Execution"]);
    expect(d.timestampOverride).toBe("event.ingested");
    expect(d.eventCategoryOverride).toBe("event.type");
    expect(d.type).toBe("eql");
    expect(d.buildingBlockType).toBe("default");
    expect(d.investigationFields).toEqual(["process.name", "host.name"]);
    expect(d.alertSuppression).toMatchObject({ groupBy: ["host.name"], missingFieldsStrategy: "suppress", duration: { unit: "m", value: 5 } });
  });
  it("threat", () => {
    expect(d.threat).toEqual([
      {
        framework: "MITRE ATT&CK",
        tactic: { id: "TA0002", name: "Execution", reference: "https://attack.mitre.org/tactics/TA0002/" },
        techniques: [
          {
            id: "T1059",
            name: "Command and Scripting Interpreter",
            reference: "https://attack.mitre.org/techniques/T1059/",
            subtechniques: [{ id: "T1059.003", name: "Windows Command Shell", reference: "https://attack.mitre.org/techniques/T1059/003/" }],
          },
        ],
      },
    ]);
  });
  it("maps the query's offsets back to the file (literal string)", () => {
    const q = d.query!;
    expect(q.text).toBe('process where process.name : "cmd.exe"\n');
    const src = new SourceFile("r.toml", BASE);
    const at = src.position(q.toFile(q.text.indexOf('"cmd.exe"')));
    expect(src.lineText(at.line)).toBe('process where process.name : "cmd.exe"');
    expect(at.column).toBe(30);
  });
});

const THRESHOLD = `[metadata]
creation_date = "2024/01/02"
maturity = "production"
updated_date = "2024/01/02"
[rule]
author = ["Elastic"]
description = "d"
name = "n"
risk_score = 21
rule_id = "r1"
severity = "low"
type = "threshold"
language = "kuery"
index = ["logs-*"]
query = "event.category:authentication and event.outcome:failure"
[rule.threshold]
field = ["source.ip"]
value = 25
[[rule.threshold.cardinality]]
field = "user.name"
value = 5
`;

describe("rule loader: type-specific keys", () => {
  it("threshold with cardinality, basic-string query", () => {
    const r = load(THRESHOLD);
    expect(r.diagnostics).toEqual([]);
    const d = r.value.document!;
    expect(d.threshold).toMatchObject({ field: ["source.ip"], value: 25, cardinality: [{ field: "user.name", value: 5 }] });
    expect(d.query!.text).toBe("event.category:authentication and event.outcome:failure");
    const src = new SourceFile("r.toml", THRESHOLD);
    expect(src.position(d.query!.toFile(0))).toEqual({ line: 15, column: 10 });
  });
  it("basic strings with escapes map each character to its file offset", () => {
    const text = THRESHOLD.replace('query = "event.category:authentication and event.outcome:failure"', 'query = "a:\\"x\\\\y\\" and b:c"');
    const r = load(text);
    const d = r.value.document!;
    expect(d.query!.text).toBe('a:"x\\y" and b:c');
    const bAt = d.query!.text.indexOf("b:c");
    expect(text.slice(d.query!.toFile(bAt), d.query!.toFile(bAt) + 3)).toBe("b:c");
  });
  it("new_terms", () => {
    const text = THRESHOLD.replace('type = "threshold"', 'type = "new_terms"').replace(/\[rule\.threshold\][\s\S]*$/, `[rule.new_terms]
field = "new_terms_fields"
value = ["user.name", "host.id"]
[[rule.new_terms.history_window_start]]
field = "history_window_start"
value = "now-14d"
`);
    const r = load(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.value.document!.newTerms).toMatchObject({ fields: ["user.name", "host.id"], historyWindowStart: "now-14d" });
  });
  it("threat_match keys and filters", () => {
    const text = THRESHOLD.replace('type = "threshold"', 'type = "threat_match"').replace(/\[rule\.threshold\][\s\S]*$/, `threat_index = ["filebeat-*", "logs-ti_*"]
threat_indicator_path = "threat.indicator"
threat_language = "kuery"
threat_query = """
@timestamp >= "now-30d/d" and event.module:threatintel
"""
[[rule.threat_mapping]]
[[rule.threat_mapping.entries]]
field = "file.hash.sha256"
type = "mapping"
value = "threat.indicator.file.hash.sha256"
[[rule.filters]]
[rule.filters.meta]
negate = false
[rule.filters.query.exists]
field = "file.hash.sha256"
`);
    const r = load(text);
    expect(r.diagnostics).toEqual([]);
    const d = r.value.document!;
    expect(d.threatIndex).toEqual(["filebeat-*", "logs-ti_*"]);
    expect(d.threatIndicatorPath).toBe("threat.indicator");
    expect(d.threatLanguage).toBe("kuery");
    expect(d.threatQuery!.text).toBe('@timestamp >= "now-30d/d" and event.module:threatintel\n');
    expect(d.threatMapping).toEqual([[{ field: "file.hash.sha256", type: "mapping", value: "threat.indicator.file.hash.sha256" }]]);
    expect(d.filters).toHaveLength(1);
    expect(d.filters[0]!.raw).toMatchObject({ meta: { negate: false }, query: { exists: { field: "file.hash.sha256" } } });
  });
  it("machine_learning job ids as string or list; related integrations; required fields", () => {
    const text = THRESHOLD.replace('type = "threshold"\nlanguage = "kuery"\nindex = ["logs-*"]\nquery = "event.category:authentication and event.outcome:failure"', 'type = "machine_learning"\nanomaly_threshold = 50\nmachine_learning_job_id = "job_a"').replace(/\[rule\.threshold\][\s\S]*$/, `[[rule.related_integrations]]
package = "endpoint"
version = "^8.2.0"
[[rule.required_fields]]
name = "process.name"
type = "keyword"
`);
    const r = load(text);
    expect(r.diagnostics).toEqual([]);
    const d = r.value.document!;
    expect(d.machineLearningJobId).toEqual(["job_a"]);
    expect(d.language).toBeNull();
    expect(d.relatedIntegrations).toEqual([{ package: "endpoint", version: "^8.2.0", integration: null }]);
    expect(d.requiredFields).toEqual([{ name: "process.name", type: "keyword" }]);
  });
});

describe("rule loader: bad input", () => {
  it("broken TOML: one error at the line and column", () => {
    const r = load('[rule]\nname = "x\nseverity = "low"\n');
    expect(r.value.document).toBeNull();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.code).toBe("TOML001");
    const src = new SourceFile("r.toml", '[rule]\nname = "x\nseverity = "low"\n');
    expect(src.position(r.diagnostics[0]!.span!.start).line).toBe(2);
  });
  it("a string where a list belongs", () => {
    const r = load(THRESHOLD.replace('index = ["logs-*"]', 'index = "logs-*"'));
    const e = r.diagnostics.find((d) => d.code === "RULE002")!;
    expect(e.message).toBe("`rule.index` must be an array of strings, found a string");
    const src = new SourceFile("r.toml", THRESHOLD.replace('index = ["logs-*"]', 'index = "logs-*"'));
    expect(src.position(e.span!.start)).toEqual({ line: 14, column: 1 });
  });
  it("a number where a string belongs, and a string where an integer belongs", () => {
    const r = load(THRESHOLD.replace('name = "n"', "name = 5").replace("risk_score = 21", 'risk_score = "21"'));
    expect(r.diagnostics.map((d) => d.message)).toEqual(["`rule.name` must be a string, found an integer", "`rule.risk_score` must be an integer, found a string"]);
  });
  it("missing required keys are each reported", () => {
    const r = load(THRESHOLD.replace('name = "n"\n', "").replace('rule_id = "r1"\n', ""));
    expect(r.diagnostics.filter((d) => d.code === "RULE001").map((d) => d.message)).toEqual(["missing required key `rule.name`", "missing required key `rule.rule_id`"]);
  });
  it("missing query and language for a query rule", () => {
    const r = load(THRESHOLD.replace('language = "kuery"\n', "").replace(/query = .*\n/, ""));
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'missing required key `rule.query` for a rule of type "threshold"',
      'missing required key `rule.language` for a rule of type "threshold"',
    ]);
  });
  it("unknown keys warn, never fail", () => {
    const r = load(THRESHOLD.replace('severity = "low"', 'severity = "low"\nmystery = 1'));
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: "warning", code: "RULE010" });
    expect(r.value.document).not.toBeNull();
  });
  it("no [rule] table", () => {
    const r = load('[metadata]\nmaturity = "production"\n');
    expect(r.value.document).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toContain("RULE001");
  });
  it("dates must be YYYY/MM/DD", () => {
    const r = load(THRESHOLD.replace('creation_date = "2024/01/02"', 'creation_date = "2024-01-02"'));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["RULE004"]);
  });
  it("a BOM and CRLF line ends load the same", () => {
    const r = load("\ufeff" + THRESHOLD.replace(/\n/g, "\r\n"));
    expect(r.diagnostics).toEqual([]);
    expect(r.value.document!.threshold!.value).toBe(25);
  });
});

describe("SourceFile positions", () => {
  it("count lines ended by LF, CRLF and a lone CR alike", () => {
    const texts = ["a\nbc\n\nd", "a\r\nbc\r\n\r\nd", "a\rbc\r\rd", "a\r\nbc\n\rd"];
    for (const t of texts) {
      const f = new SourceFile("x", t);
      const d = t.lastIndexOf("d");
      expect([f.position(0), f.position(d), f.position(t.length)]).toEqual([
        { line: 1, column: 1 },
        { line: 4, column: 1 },
        { line: 4, column: 2 },
      ]);
    }
    expect(new SourceFile("x", "abc").position(2)).toEqual({ line: 1, column: 3 });
  });
});
