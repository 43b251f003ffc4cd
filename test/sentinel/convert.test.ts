/**
 * Whole rules through the pipeline (rules/*.toml, both profiles): every query passes
 * Microsoft's Kusto parser and analyser against the table/function schemas, every
 * analytics rule validates against the Sentinel schema, and the seed reads as the
 * issue states.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { compileRule } from "../../src/compile.js";
import { sentinel } from "../../targets/sentinel/index.js";
import { analyzeKql } from "../../targets/sentinel/kusto-check.js";
import { checkRuleYaml } from "../../targets/sentinel/rule-check.js";
import { sentinelTactic, uuidV5 } from "../../targets/sentinel/rule-yaml.js";
import { fitSchedule } from "../../targets/sentinel/schedule.js";

const ROOT = join(import.meta.dirname, "..", "..");
const rules = readdirSync(join(ROOT, "rules")).filter((f) => f.endsWith(".toml")).sort();
const run = (file: string, profile: string) => {
  const path = `rules/${file}`;
  const r = compileRule(path, readFileSync(join(ROOT, path), "utf8"), [{ target: sentinel, profile }]);
  return { parsed: r, outcome: r.outcomes[0]! };
};

/** The analytics rule a conversion deploys, read back from its YAML. */
const analyticsRule = (outcome: ReturnType<typeof run>["outcome"]) => yaml.load(outcome.result.deployFiles?.[0]?.content ?? "") as Record<string, unknown>;

describe("the seed rule", () => {
  it("mde: DeviceProcessEvents, parent name =~, names in~, args as a command-line substring with a warning", () => {
    const { outcome } = run("persistence_system_shells_via_services.toml", "mde");
    expect(outcome.status).toBe("ok");
    const q = outcome.result.text ?? "";
    expect(q.startsWith("DeviceProcessEvents\n")).toBe(true);
    expect(q).toContain('InitiatingProcessFileName =~ "services.exe"');
    expect(q).toContain('FileName in~ ("cmd.exe", "powershell.exe", "pwsh.exe", "powershell_ise.exe")');
    expect(q).toContain('not(ProcessCommandLine contains "NVDisplay.ContainerLocalSystem")');
    // event.type in ("start", "process_started") is what DeviceProcessEvents holds: left out.
    expect(q).not.toContain("start");
    const warnings = outcome.result.diagnostics.filter((d) => d.severity === "warning").map((d) => d.code);
    expect(warnings).toEqual(["SENTINEL103"]);
  });
  it("asim: imProcessCreate with the acting process as the parent, names as path suffixes", () => {
    const { outcome } = run("persistence_system_shells_via_services.toml", "asim");
    const q = outcome.result.text ?? "";
    expect(q.startsWith("imProcessCreate()\n")).toBe(true);
    expect(q).toContain('ActingProcessName endswith @"\\services.exe"');
    expect(q).toContain('TargetProcessName endswith @"\\cmd.exe"');
  });
});

describe.each(["asim", "mde"])("every rule in rules/ (%s)", (profile) => {
  it.each(rules)("%s: KQL analyses cleanly, the analytics rule validates", (file) => {
    const { outcome } = run(file, profile);
    if (outcome.status !== "ok") {
      // Not converted: every error must say why in a sentinel diagnostic.
      const errors = outcome.result.diagnostics.filter((d) => d.severity === "error");
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.every((d) => d.code.startsWith("SENTINEL") && d.unsupported)).toBe(true);
      return;
    }
    const q = outcome.result.text as string;
    expect(analyzeKql(q)).toEqual([]);
    const files = outcome.result.deployFiles ?? [];
    expect(files.map((f) => f.path)).toEqual([`rules/${file.replace(/\.toml$/, "")}.yaml`]);
    expect(checkRuleYaml(files[0]!.content)).toEqual([]);
    const doc = yaml.load(files[0]!.content) as Record<string, unknown>;
    expect(doc["query"]).toBe(q.replace(/\n$/, ""));
    expect(doc["kind"]).toBe("Scheduled");
  });
});

describe("analytics rule metadata", () => {
  it("seed: deterministic id per profile, tactics without spaces, techniques with sub-techniques, schedule from interval/from", () => {
    const a = run("persistence_system_shells_via_services.toml", "mde").outcome;
    const b = run("persistence_system_shells_via_services.toml", "mde").outcome;
    const c = run("persistence_system_shells_via_services.toml", "asim").outcome;
    const ea = analyticsRule(a);
    expect(ea["id"]).toBe(analyticsRule(b)["id"]);
    expect(ea["id"]).not.toBe(analyticsRule(c)["id"]);
    expect(ea["name"]).toBe("System Shells via Services");
    expect(ea["severity"]).toBe("Medium");
    expect(ea["tactics"]).toEqual(["Persistence"]);
    expect(ea["relevantTechniques"]).toEqual(["T1543", "T1543.003"]);
    // interval defaults to 5m; from = now-9m.
    expect([ea["queryFrequency"], ea["queryPeriod"]]).toEqual(["5m", "9m"]);
    expect(ea["triggerOperator"]).toBe("gt");
    expect(ea["triggerThreshold"]).toBe(0);
    expect(ea["requiredDataConnectors"]).toEqual([{ connectorId: "MicrosoftThreatProtection", dataTypes: ["DeviceProcessEvents"] }]);
    const types = (ea["entityMappings"] as { entityType: string }[]).map((e) => e.entityType);
    expect(types).toEqual(["Host", "Account", "Process", "File"]);
  });
  it("tactic names and UUIDs", () => {
    expect(sentinelTactic("Command and Control")).toBe("CommandAndControl");
    expect(sentinelTactic("Privilege Escalation")).toBe("PrivilegeEscalation");
    // RFC 4122 appendix-style check: version 5, variant 10xx.
    expect(uuidV5("x", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org") == 886313e1-3b8a-5372-9b90-0c9aee199e5d
    expect(uuidV5("python.org", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("886313e1-3b8a-5372-9b90-0c9aee199e5d");
  });
  it("schedules are fitted into Sentinel's limits, with a note for every change", () => {
    expect(fitSchedule(60_000, 120_000)).toMatchObject({ frequencyMs: 300_000, periodMs: 300_000 });
    expect(fitSchedule(60_000, 120_000).adjustments.length).toBeGreaterThan(0);
    expect(fitSchedule(300_000, 540_000)).toEqual({ frequencyMs: 300_000, periodMs: 540_000, adjustments: [] });
    const long = fitSchedule(300_000, 540_000, 10 * 86_400_000);
    expect(long).toMatchObject({ frequencyMs: 3_600_000, periodMs: 10 * 86_400_000 });
    expect(fitSchedule(300_000, 30 * 86_400_000).periodMs).toBe(14 * 86_400_000);
  });
});

describe("computed columns", () => {
  it("typed and approximate ones: process.args_count is a long counted from the command line, with a warning", async () => {
    const { parseRule, convertParsed } = await import("../../src/compile.js");
    const text = readFileSync(join(ROOT, "rules/persistence_system_shells_via_services.toml"), "utf8").replace(
      'not process.args : "NVDisplay.ContainerLocalSystem"',
      "process.args_count >= 2",
    );
    const p = parseRule("x.toml", text);
    for (const profile of ["asim", "mde"]) {
      const o = convertParsed(p, { target: sentinel, profile }, "x");
      expect(o.status).toBe("ok");
      expect(o.result.text).toMatch(/EcsArgsCount >= 2/);
      expect(o.result.text).not.toMatch(/EcsArgsCount >= "2"|strcmp\(EcsArgsCount/);
      expect(o.result.diagnostics.map((d) => d.code)).toContain("SENTINEL203");
      expect(analyzeKql(o.result.text!)).toEqual([]);
    }
  });
});

describe("rule forms", () => {
  it("sequence by host.id with maxspan=1m: ordered inner joins on the key within 1m of the first event, with a warning", () => {
    const { outcome } = run("lateral_movement_remote_service_then_shell.toml", "mde");
    const q = outcome.result.text ?? "";
    expect(q).toContain("_k0 = tostring(DeviceId)");
    expect(q).toContain("join kind=inner");
    expect(q).toContain("_time2 > _time1 and _time2 - _time1 <= 1m");
    expect(outcome.result.diagnostics.map((d) => d.code)).toContain("SENTINEL210");
  });
  it("threshold value 10 by source.ip with cardinality: count >= 10 and distinct >= the cardinality value, events without the field excluded", () => {
    const { outcome } = run("credential_access_windows_logon_failures_threshold.toml", "mde");
    const q = outcome.result.text ?? "";
    expect(q).toContain("| where isnotempty(IpAddress)");
    expect(q).toMatch(/\| summarize ThresholdCount = count\(\), DistinctCount = count_distinct\(TargetUserName\) by IpAddress\n\| where ThresholdCount >= 10 and DistinctCount >= \d+/);
  });
  it("new_terms: events of the rule's window without a match in the history the query reads", () => {
    const { outcome } = run("persistence_new_terms_linux_systemd_service_created.toml", "asim");
    const q = outcome.result.text ?? "";
    expect(q).toContain("join kind=leftanti (_history)");
    expect(q).toContain("TimeGenerated >= ago(9m)");
    const rule = analyticsRule(outcome);
    // history now-10d: each run reads 10 days, so Sentinel needs at least an hourly frequency.
    expect([rule["queryPeriod"], rule["queryFrequency"]]).toEqual(["10d", "1h"]);
  });
});
