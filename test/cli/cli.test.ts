/** The CLI end to end, in process (main(argv, io)), on temporary folders. */
import { existsSync, readdirSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pathToFileURL, fileURLToPath } from "node:url";
import { COMMANDS, main } from "../../src/cli/main.js";
import { fileUri } from "../../src/cli/report.js";
import { workdir } from "./output-tree.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SEED = join(ROOT, "rules", "persistence_system_shells_via_services.toml");
const BAD = join(ROOT, "test", "fixtures", "bad");

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("ruleport CLI", () => {
  it("no command prints help and exits 2; --help exits 0", async () => {
    expect((await run([])).code).toBe(2);
    const h = await run(["--help"]);
    expect(h.code).toBe(0);
    expect(h.out).toContain("ruleport convert");
  });

  it("every option of every command is in the command's --help and in the README, short forms included", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const all = (await run(["--help"])).out;
    for (const spec of Object.values(COMMANDS)) {
      const h = await run([spec.name, "--help"]);
      expect(h.code).toBe(0);
      expect(all).toContain(spec.usage);
      for (const flag of Object.keys(spec.flags)) {
        if (flag === "help") continue;
        expect(h.out, `${spec.name} --${flag}`).toMatch(new RegExp(`--${flag}\\b`));
        expect(readme, `${spec.name} --${flag} in the README`).toMatch(new RegExp(`ruleport ${spec.name}\\b[^\\n]*(\\n {17}[^\\n]*)*--${flag}\\b`));
      }
      for (const [short, long] of Object.entries(spec.aliases ?? {})) {
        expect(h.out).toContain(`-${short} for --${long}`);
        expect(readme).toContain(`\`-${short}\` for \`--${long}\``);
      }
    }
  });

  it("a bad flag exits 2 with a one-line hint and the usage", async () => {
    const r = await run(["check", "rules", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toBe("ruleport check: unknown option --bogus");
    expect(r.err).toContain("usage: ruleport check");
  });

  it("an unknown target, a missing path and a missing --out are usage errors", async () => {
    const d = workdir("cli");
    expect((await run(["convert", SEED, "--target", "nope", "--out", join(d, "o")])).code).toBe(2);
    expect((await run(["check", join(d, "does-not-exist")])).code).toBe(2);
    expect((await run(["convert", SEED, "--target", "all"])).code).toBe(2);
    expect((await run(["convert", SEED, "--target", "all", "--out", join(d, "o"), "--fail-on", "sometimes"])).code).toBe(2);
  });

  it("check: a broken rule gives file:line:column, exit 1, and the batch goes on", async () => {
    const d = workdir("cli");
    copyFileSync(SEED, join(d, "a_seed.toml"));
    copyFileSync(join(BAD, "broken_toml.toml"), join(d, "b_broken.toml"));
    copyFileSync(join(BAD, "unknown_language.toml"), join(d, "c_lang.toml"));
    const report = join(d, "report.json");
    const r = await run(["check", d, "--report", report]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/b_broken\.toml:9:\d+: error TOML001: invalid TOML/);
    expect(r.err).toMatch(/c_lang\.toml:14:1: error RULE022: unknown query language "sql"/);
    const rep = JSON.parse(readFileSync(report, "utf8"));
    expect(rep.tool.name).toBe("ruleport");
    expect(rep.summary.rules).toBe(3);
    expect(rep.rules.map((x: { file: string }) => x.file.split("/").pop())).toEqual(["a_seed.toml", "b_broken.toml", "c_lang.toml"]);
    const seed = rep.rules[0];
    expect(seed).toMatchObject({ rule_id: "0022d47d-39c7-4f69-a232-4fe9dc7a3acd", name: "System Shells via Services", type: "eql", language: "eql" });
    expect(rep.rules[1].parse.status).toBe("error");
    expect(rep.rules[1].parse.diagnostics[0]).toMatchObject({ severity: "error", code: "TOML001", line: 9 });
    expect(rep.rules[1].language).toBe("none");
    expect(rep.rules[2].parse.status).toBe("error");
    expect(rep.summary.parse.error).toBe(2);
  });

  it("ES|QL is unsupported, not an error: exit 0 by default, 1 with --fail-on unsupported", async () => {
    const f = join(BAD, "esql_rule.toml");
    const r = await run(["check", f]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("error RULE021: ES|QL queries are not supported");
    expect((await run(["check", f, "--fail-on", "unsupported"])).code).toBe(1);
  });

  it("convert refuses an output folder inside the input folder", async () => {
    const d = workdir("cli");
    copyFileSync(SEED, join(d, "seed.toml"));
    const r = await run(["convert", d, "--target", "all", "--out", join(d, "out")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("is, or is inside, or contains the input folder");
  });

  it("convert: broken rules produce no output file, the report says why, SARIF is valid JSON", async () => {
    const d = workdir("cli");
    const input = join(d, "in");
    mkdirSync(input);
    copyFileSync(join(BAD, "broken_toml.toml"), join(input, "broken.toml"));
    copyFileSync(join(BAD, "esql_rule.toml"), join(input, "esql.toml"));
    const out = join(d, "out");
    const r = await run(["convert", input, "--target", "all", "--out", out, "--report", join(d, "r.json")]);
    expect(r.code).toBe(1);
    const rep = JSON.parse(readFileSync(join(d, "r.json"), "utf8"));
    for (const t of ["sigma", "splunk", "sentinel", "osquery"]) {
      expect(rep.rules[0].targets[t].status).toBe("error");
      expect(rep.rules[1].targets[t].status).toBe("unsupported");
      expect(rep.rules[0].targets[t].outputs).toEqual([]);
    }
    const perRule = existsSync(out) ? readdirSync(out, { recursive: true }).filter((f) => /(broken|esql)\./.test(String(f))) : [];
    expect(perRule).toEqual([]);
    const s = await run(["check", input, "--report", join(d, "r.sarif"), "--format", "sarif"]);
    expect(s.code).toBe(1);
    const sarif = JSON.parse(readFileSync(join(d, "r.sarif"), "utf8"));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBe(9);
  });

  it("SARIF locations are URIs: a file name with a space, # or % is percent-encoded and reads back as the file", async () => {
    const d = workdir("cli");
    const input = join(d, "in dir");
    mkdirSync(input);
    const file = join(input, "broken #1 100%.toml");
    copyFileSync(join(BAD, "broken_toml.toml"), file);
    await run(["check", input, "--report", join(d, "r.sarif"), "--format", "sarif"]);
    const uri = JSON.parse(readFileSync(join(d, "r.sarif"), "utf8")).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri as string;
    // the input is outside the working directory: its absolute path, as a file: URL
    expect(uri).toBe(pathToFileURL(file).href);
    expect(uri).not.toMatch(/[ #]/);
    expect(fileURLToPath(uri)).toBe(file);
    // a path relative to the working directory stays relative, segment by segment
    expect(fileUri(join("rules", "a b", "x#%.toml"))).toBe("rules/a%20b/x%23%25.toml");
  });

  it("an output folder that cannot be created gives one clear error and exit 1", async () => {
    const d = workdir("cli");
    const blocker = join(d, "file");
    writeFileSync(blocker, "not a folder");
    const r = await run(["convert", SEED, "--target", "all", "--out", join(blocker, "out"), "--report", join(d, "r.json")]);
    expect(r.code).toBe(1);
    expect(r.err.split("\n").filter((l) => l.includes("error CLI010"))).toEqual([expect.stringContaining(`the output folder ${join(blocker, "out")} cannot be written`)]);
    const rep = JSON.parse(readFileSync(join(d, "r.json"), "utf8"));
    expect(rep.rules[0].parse.status).toBe("ok");
    for (const t of Object.values(rep.rules[0].targets as Record<string, { status: string; outputs: string[] }>)) {
      expect(t.status).not.toBe("ok");
      expect(t.outputs).toEqual([]);
    }
  });

  it("convert writes one file per target for a convertible rule, and the deploy files", async () => {
    const d = workdir("cli");
    const out = join(d, "out");
    const r = await run(["convert", SEED, "--target", "all", "--out", out, "--report", join(d, "r.json")]);
    expect(r.code).toBe(0);
    const rep = JSON.parse(readFileSync(join(d, "r.json"), "utf8"));
    for (const [t, ext] of [["sigma", ".yml"], ["splunk", ".spl"], ["sentinel", ".kql"], ["osquery", ".sql"]] as const) {
      expect(rep.rules[0].targets[t].status).toBe("ok");
      expect(existsSync(join(out, t, `persistence_system_shells_via_services${ext}`))).toBe(true);
    }
    expect(existsSync(join(out, "splunk", "savedsearches.conf"))).toBe(true);
    expect(rep.summary.targets.sigma).toEqual({ ok: 1, unsupported: 0, error: 0, profile: "default" });
  });

  it("--jobs is validated", async () => {
    expect((await run(["check", SEED, "--jobs", "0"])).code).toBe(2);
    expect((await run(["check", SEED, "--jobs", "two"])).code).toBe(2);
    expect((await run(["check", SEED, "--jobs", "2"])).code).toBe(0);
  });

  it("targets lists every target and profile", async () => {
    const r = await run(["targets"]);
    expect(r.code).toBe(0);
    for (const t of ["sigma", "splunk", "sentinel", "osquery"]) expect(r.out).toContain(t);
  });
});
