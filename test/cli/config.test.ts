/**
 * ruleport.config.yaml (found upward from the working directory, or --config)
 * and --mapping overrides, through the CLI: what they set, that flags win,
 * that relative paths are the config file's, and that every problem is an
 * error at its file, line and column with exit 2 and nothing written.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { workdir } from "./output-tree.js";

const ROOT = join(import.meta.dirname, "..", "..");
const RULES = join(ROOT, "rules");
const SEED = join(RULES, "persistence_system_shells_via_services.toml");
const BIN = join(ROOT, "bin", "ruleport.js");
const built = existsSync(join(ROOT, "dist", "src", "cli", "main.js"));

async function run(args: string[]): Promise<{ code: number; err: string; out: string }> {
  const err: string[] = [];
  const out: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) }, { writerModule: null });
  return { code, err: err.join("\n"), out: out.join("\n") };
}

/** A rule reading a field the bundled Splunk CIM mapping does not know. */
const UNSIGNED = `[metadata]
creation_date = "2026/11/29"
maturity = "production"
updated_date = "2026/11/29"

[rule]
author = ["ruleport tests"]
description = "A process whose code signature is not trusted."
from = "now-9m"
index = ["logs-endpoint.events.process-*"]
language = "eql"
license = "Apache-2.0"
name = "Untrusted process"
risk_score = 21
rule_id = "6b1f3f0e-0c4e-4b8e-9a55-2f4b6f1d7a01"
severity = "low"
type = "eql"
query = '''
process where host.os.type == "windows" and event.type == "start" and process.code_signature.trusted == false
'''
`;

describe("ruleport.config.yaml", () => {
  it("sets targets, profiles, the output folder (relative to the file) and fail-on", async () => {
    const d = workdir("config");
    writeFileSync(join(d, "ruleport.config.yaml"), "targets: [sigma, splunk]\nprofiles: { splunk: sysmon }\nout: converted\nfail-on: unsupported\n");
    const r = await run(["convert", RULES, "--config", join(d, "ruleport.config.yaml"), "--report", join(d, "r.json"), "--quiet"]);
    const report = JSON.parse(readFileSync(join(d, "r.json"), "utf8"));
    expect(Object.keys(report.summary.targets)).toEqual(["sigma", "splunk"]);
    expect(report.summary.targets.splunk.profile).toBe("sysmon");
    expect(existsSync(join(d, "converted", "sigma"))).toBe(true);
    expect(existsSync(join(d, "converted", "sentinel"))).toBe(false);
    // rules/ holds a rule Sigma cannot express (new_terms): with fail-on unsupported that is exit 1
    expect(report.summary.targets.sigma.unsupported).toBeGreaterThan(0);
    expect(r.code).toBe(1);
  });

  it("flags win over the file", async () => {
    const d = workdir("config-flags");
    writeFileSync(join(d, "c.yaml"), "targets: [sigma, splunk]\nprofiles: { splunk: sysmon }\nout: converted\nfail-on: unsupported\n");
    const r = await run(["convert", RULES, "--config", join(d, "c.yaml"), "--target", "splunk", "--profile", "splunk=cim", "--out", join(d, "other"), "--fail-on", "error", "--report", join(d, "r.json"), "--quiet"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(d, "r.json"), "utf8"));
    expect(report.summary.targets).toEqual({ splunk: expect.objectContaining({ profile: "cim" }) });
    expect(existsSync(join(d, "other", "splunk"))).toBe(true);
    expect(existsSync(join(d, "converted"))).toBe(false);
  });

  it("a mapping override named in the file is read relative to the file", async () => {
    const d = workdir("config-mapping");
    mkdirSync(join(d, "in"));
    mkdirSync(join(d, "cfg"));
    writeFileSync(join(d, "in", "unsigned.toml"), UNSIGNED);
    writeFileSync(join(d, "cfg", "my-splunk.yaml"), "fields:\n  process.code_signature.trusted: Processes.process_signature_trusted\n");
    writeFileSync(join(d, "cfg", "ruleport.config.yaml"), "targets: splunk\nmappings: { splunk: my-splunk.yaml }\nout: ../out\n");
    const r = await run(["convert", join(d, "in"), "--config", join(d, "cfg", "ruleport.config.yaml"), "--quiet"]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(d, "out", "splunk", "unsigned.spl"), "utf8")).toContain("Processes.process_signature_trusted=false");
  });

  it("every problem is an error at its line and column (CLI020), exit 2, nothing written", async () => {
    const d = workdir("config-bad");
    const text = ["targets: [sigma, splnk]", "outs: x", "profiles:", "  splunk: bogus", "  nope: x", "mappings: { sentinel: nofile.yaml }", "templates: tpl", "fail-on: never", "out: converted", ""].join("\n");
    writeFileSync(join(d, "c.yaml"), text);
    const r = await run(["convert", RULES, "--config", join(d, "c.yaml")]);
    expect(r.code).toBe(2);
    const at = (line: number, column: number, message: string) => `${join(d, "c.yaml")}:${line}:${column}: error CLI020: ${message}`;
    expect(r.err.split("\n")).toEqual([
      at(1, 18, "unknown target `splnk` in `targets` (known: sigma, splunk, sentinel, osquery)"),
      at(2, 1, "unknown key `outs` (expected targets, profiles, out, mappings, templates, fail-on)"),
      at(4, 3, "target splunk has no profile `bogus` (profiles: cim, sysmon)"),
      at(5, 3, "unknown target `nope` in `profiles` (known: sigma, splunk, sentinel, osquery)"),
      at(6, 13, `no such mapping file: ${join(d, "nofile.yaml")}`),
      at(7, 1, `no such templates folder: ${join(d, "tpl")}`),
      at(8, 1, "`fail-on` must be one of error, unsupported, warning"),
    ]);
    expect(existsSync(join(d, "converted"))).toBe(false);
  });

  it("broken YAML is an error at the parser's position; check reads the config too", async () => {
    const d = workdir("config-yaml");
    writeFileSync(join(d, "c.yaml"), "targets: [sigma\nout: x\n");
    const r = await run(["check", RULES, "--config", join(d, "c.yaml")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^${join(d, "c.yaml").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2:\\d+: error CLI020: invalid YAML: `));
  });

  it.runIf(built)("is found upward from the working directory (needs the built dist/: npm ci or npm run build)", () => {
    const d = workdir("config-up");
    mkdirSync(join(d, "in"));
    writeFileSync(join(d, "in", "seed.toml"), readFileSync(SEED, "utf8"));
    writeFileSync(join(d, "ruleport.config.yaml"), "targets: [osquery]\nout: found-upward\n");
    const deep = join(d, "a", "b");
    mkdirSync(deep, { recursive: true });
    const r = spawnSync(process.execPath, [BIN, "convert", join(d, "in"), "--quiet"], { cwd: deep, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(join(d, "found-upward", "osquery", "seed.sql"), "utf8")).toContain("SELECT");
  });
});

describe("--mapping", () => {
  it("adds a field to the selected profile (the README's example shape), and without it the rule says why", async () => {
    const d = workdir("mapping");
    mkdirSync(join(d, "in"));
    writeFileSync(join(d, "in", "unsigned.toml"), UNSIGNED);
    const without = await run(["convert", join(d, "in"), "--target", "splunk", "--out", join(d, "a"), "--report", join(d, "a.json"), "--quiet"]);
    expect(without.code).toBe(0);
    const a = JSON.parse(readFileSync(join(d, "a.json"), "utf8")).rules[0].targets.splunk;
    expect(a.status).toBe("unsupported");
    expect(a.diagnostics.map((x: { code: string }) => x.code)).toContain("SPLUNK032");
    expect(existsSync(join(d, "a", "splunk", "unsigned.spl"))).toBe(false);

    writeFileSync(join(d, "my-splunk.yaml"), "fields:\n  process.code_signature.trusted: Processes.process_signature_trusted\n");
    const withIt = await run(["convert", join(d, "in"), "--target", "splunk", "--out", join(d, "b"), "--mapping", `splunk=${join(d, "my-splunk.yaml")}`, "--quiet"]);
    expect(withIt.code).toBe(0);
    expect(readFileSync(join(d, "b", "splunk", "unsigned.spl"), "utf8")).toContain("Processes.process_signature_trusted=false");
  });

  it("a bad override lists every problem at its line and column (MAP001), exit 2, nothing written", async () => {
    const d = workdir("mapping-bad");
    writeFileSync(join(d, "bad.yaml"), "fields:\n  process.name: 3\nbogus: 1\n");
    const r = await run(["convert", RULES, "--target", "splunk", "--out", join(d, "out"), "--mapping", `splunk=${join(d, "bad.yaml")}`]);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")).toEqual([
      `${join(d, "bad.yaml")}:3:1: error MAP001: unknown key \`bogus\` (expected description, unmapped, fields, sources)`,
      `${join(d, "bad.yaml")}:2:3: error MAP001: mapping of \`process.name\` must be a field name, a list of names, null, or { to, transform, separator, note }`,
    ]);
    expect(existsSync(join(d, "out"))).toBe(false);
  });
});
