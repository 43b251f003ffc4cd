/**
 * The command as installed: bin/ruleport.js loads the build's one-module CLI
 * (dist/src/cli/main.bundle.js, scripts/bundle-cli.mjs) while it is at least
 * as new as the compiled modules, and the modules otherwise. The bundle must
 * behave exactly as the CLI built from the sources does.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { reportOf, tree, withoutOut, workdir } from "./output-tree.js";
import { tunedFlags, userChoseTiering } from "../../bin/v8-flags.js";

const ROOT = join(import.meta.dirname, "..", "..");
const BUNDLE = join(ROOT, "dist", "src", "cli", "main.bundle.js");
const MODULES = join(ROOT, "dist", "src", "cli", "main.js");
const bundled = existsSync(BUNDLE);

/** Runs the CLI's `main` from `module` (the bundle or the compiled modules) in a process of its own. */
function runFrom(module: string, argv: readonly string[]) {
  const script = `import { main } from ${JSON.stringify(pathToFileURL(module).href)}; process.exitCode = await main(process.argv.slice(1));`;
  return spawnSync(process.execPath, ["--input-type=module", "-e", script, "--", ...argv], { encoding: "utf8" });
}

describe("the bundled CLI", () => {
  it.runIf(bundled)("converts the example rules to the same files, report, messages and exit code as the CLI from the sources (needs the built dist/: npm ci or npm run build)", async () => {
    const d = workdir("bin");
    const args = (out: string) => ["convert", join(ROOT, "rules"), join(ROOT, "test", "fixtures"), "--target", "all", "--out", out, "--report", `${out}.json`, "--verbose"];
    const lines: string[] = [];
    const code = await main(args(join(d, "src")), { out: (s) => lines.push(s), err: (s) => lines.push(s) }, { writerModule: null });
    const r = runFrom(BUNDLE, args(join(d, "bundle")));
    expect(r.stderr + r.stdout).not.toMatch(/internal error/);
    expect(r.status).toBe(code);
    const src = tree(join(d, "src"));
    expect(src.size).toBeGreaterThan(50);
    expect(tree(join(d, "bundle"))).toEqual(src);
    expect(reportOf(join(d, "bundle.json"), join(d, "bundle"))).toBe(reportOf(join(d, "src.json"), join(d, "src")));
    // the same diagnostics and summary, each on the stream the CLI gives it
    const printed = (r.stdout + r.stderr).split("\n").filter((l) => l !== "");
    expect(printed.map((l) => withoutOut(l, join(d, "bundle"))).sort()).toEqual(lines.flatMap((l) => l.split("\n")).filter((l) => l !== "").map((l) => withoutOut(l, join(d, "src"))).sort());
  });

  it.runIf(bundled)("runs `events` and `eval`, which load the evaluator's modules beside it, as the compiled modules do (needs the built dist/: npm ci or npm run build)", () => {
    const d = workdir("bin");
    const seed = join(ROOT, "rules", "persistence_system_shells_via_services.toml");
    const events = runFrom(BUNDLE, ["events", seed, "--out", join(d, "events.ndjson")]);
    expect(events.stderr).toBe("");
    expect(events.status).toBe(0);
    expect(runFrom(MODULES, ["events", seed, "--out", join(d, "again.ndjson")]).status).toBe(0);
    expect(readFileSync(join(d, "events.ndjson"), "utf8")).toBe(readFileSync(join(d, "again.ndjson"), "utf8"));
    const r = runFrom(BUNDLE, ["eval", seed, join(d, "events.ndjson")]);
    const m = runFrom(MODULES, ["eval", seed, join(d, "events.ndjson")]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(m.status);
    expect(r.stdout).toBe(m.stdout);
    expect(r.stdout).toMatch(/^[1-9]\d* alert\(s\)\n/);
  });
});

describe("bin/ruleport.js", () => {
  it.runIf(bundled)("a reader that goes away (`| head`): no crash; every file, the same report and the run's own exit code (needs the built dist/: npm ci or npm run build)", async () => {
    const d = workdir("bin");
    const args = (out: string) => [join(ROOT, "bin", "ruleport.js"), "convert", join(ROOT, "rules"), "--target", "all", "--out", out, "--report", `${out}.json`, "--verbose"];
    const whole = spawnSync(process.execPath, args(join(d, "whole")), { encoding: "utf8" });
    // a run that succeeds and prints (every info, the summary): a crash on the closed pipe would exit 1
    expect(whole.status).toBe(0);
    expect(whole.stdout.length + whole.stderr.length).toBeGreaterThan(1000);
    // both pipes closed by the reader before the CLI prints anything: every write gets EPIPE
    const child = spawn(process.execPath, args(join(d, "cut")), { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    child.stderr.destroy();
    const status = await new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    expect(status).toBe(whole.status);
    expect(tree(join(d, "cut"))).toEqual(tree(join(d, "whole")));
    expect(reportOf(join(d, "cut.json"), join(d, "cut"))).toBe(reportOf(join(d, "whole.json"), join(d, "whole")));
  });

  /** A package holding a copy of bin/ruleport.js and stand-ins for the compiled CLI that say which one ran. */
  function fakePackage(withBundle: boolean): { dir: string; cli: string; modules: string; bundle: string } {
    const dir = workdir("bin");
    mkdirSync(join(dir, "bin"));
    mkdirSync(join(dir, "dist", "src", "cli"), { recursive: true });
    for (const f of readdirSync(join(ROOT, "bin"))) copyFileSync(join(ROOT, "bin", f), join(dir, "bin", f));
    const standIn = (name: string) => `export async function main(argv) { process.stdout.write(${JSON.stringify(name)} + " " + argv.join(" ")); return 0; }\n`;
    const modules = join(dir, "dist", "src", "cli", "main.js");
    const bundle = join(dir, "dist", "src", "cli", "main.bundle.js");
    writeFileSync(modules, standIn("modules"));
    if (withBundle) writeFileSync(bundle, standIn("bundle"));
    return { dir, cli: join(dir, "bin", "ruleport.js"), modules, bundle };
  }
  const run = (cli: string) => spawnSync(process.execPath, [cli, "targets"], { encoding: "utf8" });
  const at = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

  it("runs the bundle when it is as new as the compiled modules or newer", () => {
    const p = fakePackage(true);
    at(p.modules, 1_700_000_000);
    at(p.bundle, 1_700_000_000);
    expect(run(p.cli).stdout).toBe("bundle targets");
    at(p.bundle, 1_700_000_100);
    expect(run(p.cli).stdout).toBe("bundle targets");
  });

  it("runs the compiled modules when the bundle is older (a build with tsc alone) or missing", () => {
    const p = fakePackage(true);
    at(p.modules, 1_700_000_100);
    at(p.bundle, 1_700_000_000);
    expect(run(p.cli).stdout).toBe("modules targets");
    const q = fakePackage(false);
    expect(run(q.cli).stdout).toBe("modules targets");
  });
});

describe("bin/v8-flags.js", () => {
  it("the flags for this Node's V8 are all flags it knows: setting them prints nothing (V8 prints an error for an unknown one)", () => {
    const flags = tunedFlags(process.versions.v8) as string;
    const script = `import { setFlagsFromString } from "node:v8"; setFlagsFromString(${JSON.stringify(flags)});`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    // and the CLI itself says nothing more than its output
    const cli = spawnSync(process.execPath, [join(ROOT, "bin", "ruleport.js"), "targets"], { encoding: "utf8" });
    expect(cli.stderr).toBe("");
  });

  it("a V8 version it was not measured on gets no flags; a user's own tier-up flags stand alone", () => {
    expect(tunedFlags("11.3.244.8-node.38")).toMatch(/--interrupt-budget=/);
    expect(tunedFlags("12.4.254.21-node.57")).toMatch(/--invocation-count-for-turbofan=/);
    expect(tunedFlags("99.1.0")).toBe("");
    expect(userChoseTiering([], undefined)).toBe(false);
    expect(userChoseTiering(["--max-old-space-size=4096"], "--enable-source-maps")).toBe(false);
    expect(userChoseTiering(["--turbo-inlining"], undefined)).toBe(true);
    expect(userChoseTiering([], "--invocation-count-for-turbofan=500")).toBe(true);
    expect(userChoseTiering([], "--interrupt-budget=1000")).toBe(true);
  });
});
