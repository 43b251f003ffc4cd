/**
 * The writer thread (threadWriter, write-worker.ts): the built CLI writes its
 * output files there. It must give the same files, report and diagnostics as
 * writing in the main thread (which the in-process tests use), and a file
 * that cannot be written must stay one CLI010 on that rule and target.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { reportOf, tree, workdir } from "./output-tree.js";
import { syncWriter, threadWriter } from "../../src/cli/files.js";

const ROOT = join(import.meta.dirname, "..", "..");
const RULES = join(ROOT, "rules");
const BIN = join(ROOT, "bin", "ruleport.js");
const WRITE_WORKER = join(ROOT, "dist", "src", "cli", "write-worker.js");
const built = existsSync(WRITE_WORKER) && existsSync(join(ROOT, "dist", "src", "cli", "main.js"));

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
}

describe("threadWriter", () => {
  it.runIf(built)("writes each file atomically, and reports exactly the tickets that failed, with the reason (needs the built dist/: npm ci or npm run build)", async () => {
    const d = workdir("writer");
    mkdirSync(join(d, "x", "taken.yml"), { recursive: true });
    const w = threadWriter(pathToFileURL(WRITE_WORKER));
    const tickets = [w.write(join(d, "x", "a.yml"), "a\n"), w.write(join(d, "x", "taken.yml"), "lost\n"), w.write(join(d, "y", "b.yml"), "b\n".repeat(10_000))];
    const failures = await w.finish();
    expect([...failures.keys()]).toEqual([tickets[1]]);
    expect(failures.get(tickets[1] as number)).toMatch(/EISDIR|directory/i);
    expect(readFileSync(join(d, "x", "a.yml"), "utf8")).toBe("a\n");
    expect(readFileSync(join(d, "y", "b.yml"), "utf8")).toBe("b\n".repeat(10_000));
    // nothing but the two complete files and the folder that was in the way
    expect([...tree(d).keys()].sort()).toEqual([join("x", "a.yml"), join("y", "b.yml")]);
  });

  it.runIf(built)("more output than the writer's queue holds (8 M characters): the converting thread waits, every file is written in full (needs the built dist/: npm ci or npm run build)", async () => {
    const d = workdir("writer");
    const w = threadWriter(pathToFileURL(WRITE_WORKER));
    const big = (i: number) => `${i}`.repeat(3_000_000);
    for (let i = 1; i <= 5; i++) w.write(join(d, `${i}.txt`), big(i));
    expect((await w.finish()).size).toBe(0);
    w.close();
    for (let i = 1; i <= 5; i++) expect(readFileSync(join(d, `${i}.txt`), "utf8") === big(i)).toBe(true);
  });

  for (const [name, make, runs] of [
    ["syncWriter", () => syncWriter(), true],
    ["threadWriter (needs the built dist/: npm ci or npm run build)", () => threadWriter(pathToFileURL(WRITE_WORKER)), built],
  ] as const) {
    it.runIf(runs)(`${name}: a write made \`after\` a failed one is not made and fails too; after one that succeeded it is made`, async () => {
      const d = workdir("writer");
      mkdirSync(join(d, "taken.kql"));
      const w = make();
      const bad = w.write(join(d, "taken.kql"), "lost\n");
      const dependent = w.write(join(d, "taken.yaml"), "deploy\n", bad);
      const good = w.write(join(d, "ok.kql"), "q\n");
      const after = w.write(join(d, "ok.yaml"), "deploy\n", good);
      const failures = await w.finish();
      w.close();
      expect([...failures.keys()].sort()).toEqual([bad, dependent].sort());
      expect(failures.get(dependent)).toMatch(/not written/);
      expect(failures.has(after)).toBe(false);
      expect([...tree(d).keys()].sort()).toEqual(["ok.kql", "ok.yaml"]);
    });
  }

  it("syncWriter gives the same tickets and failures", async () => {
    const d = workdir("writer");
    mkdirSync(join(d, "taken.yml"));
    const w = syncWriter();
    const tickets = [w.write(join(d, "a.yml"), "a\n"), w.write(join(d, "taken.yml"), "lost\n")];
    const failures = await w.finish();
    expect([...failures.keys()]).toEqual([tickets[1]]);
    expect(readFileSync(join(d, "a.yml"), "utf8")).toBe("a\n");
  });
});

const quietIo = { out: () => {}, err: () => {} };

interface Report {
  rules: { file: string; targets: Record<string, { status: string; outputs: string[]; diagnostics: { code: string }[] }> }[];
}

describe("convert with a writer thread against writing in the main thread (in process)", () => {
  it.runIf(built)("the example rules: byte-identical output files and report (needs the built dist/: npm ci or npm run build)", async () => {
    const d = workdir("writer");
    const a = join(d, "a");
    const b = join(d, "b");
    const codeA = await main(["convert", RULES, "--target", "all", "--out", a, "--report", join(d, "a.json"), "--quiet"], quietIo, { writerModule: null });
    const codeB = await main(["convert", RULES, "--target", "all", "--out", b, "--report", join(d, "b.json"), "--quiet"], quietIo, { writerModule: pathToFileURL(WRITE_WORKER) });
    expect(codeB).toBe(codeA);
    const expected = tree(a);
    expect(expected.size).toBeGreaterThan(20);
    expect(tree(b)).toEqual(expected);
    expect(reportOf(join(d, "b.json"), b)).toBe(reportOf(join(d, "a.json"), a));
  });

  it.runIf(built)("an output path taken by a folder: CLI010 on that rule and target only, printed once; the same messages, report and files as in the main thread (needs the built dist/: npm ci or npm run build)", async () => {
    const first = readdirSync(RULES).filter((f) => f.endsWith(".toml")).sort()[0] as string;
    const runs = await Promise.all(
      [null, pathToFileURL(WRITE_WORKER)].map(async (writerModule, i) => {
        const d = workdir("writer");
        const out = join(d, "out");
        mkdirSync(join(out, "sigma", first.replace(/\.toml$/, ".yml")), { recursive: true });
        const rep = join(d, "r.json");
        const err: string[] = [];
        const code = await main(["convert", RULES, "--target", "all", "--out", out, "--report", rep], { out: () => {}, err: (s) => err.push(s.split(out).join("<out>")) }, { writerModule });
        return { i, code, err, files: tree(out), report: reportOf(rep, out), parsed: JSON.parse(readFileSync(rep, "utf8")) as Report };
      }),
    );
    const [main_, thread] = runs as [(typeof runs)[number], (typeof runs)[number]];
    expect(thread.code).toBe(1);
    expect(thread.err.join("\n").split("\n").filter((l) => l.includes("CLI010"))).toHaveLength(1);
    const rp = thread.parsed;
    const bad = rp.rules.find((x) => x.file.endsWith(first));
    expect(bad?.targets["sigma"]?.status).toBe("error");
    expect(bad?.targets["sigma"]?.outputs).toEqual([]);
    const withCli010 = rp.rules.flatMap((x) => Object.entries(x.targets).filter(([, v]) => v.diagnostics.some((g) => g.code === "CLI010")).map(([t]) => `${x.file} ${t}`));
    expect(withCli010).toEqual([`${bad?.file} sigma`]);
    expect(rp.rules.filter((x) => x !== bad).flatMap((x) => Object.values(x.targets)).filter((t) => t.status === "ok").length).toBeGreaterThan(10);
    for (const rule of rp.rules) for (const v of Object.values(rule.targets)) if (v.status === "ok") for (const o of v.outputs) expect(existsSync(o)).toBe(true);
    expect([...thread.files.keys()].filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect({ code: thread.code, err: thread.err, files: thread.files, report: thread.report }).toEqual({ code: main_.code, err: main_.err, files: main_.files, report: main_.report });
  });
});

/**
 * Converts the example rules for `targets` twice, writing in the main thread
 * and in a writer thread, each time with a folder in the way of the output
 * file `blocked` (relative to the output folder).
 */
async function convertBothWays(targets: string, blocked: string) {
  const runs = await Promise.all(
    [null, pathToFileURL(WRITE_WORKER)].map(async (writerModule) => {
      const d = workdir("writer");
      const out = join(d, "out");
      mkdirSync(join(out, blocked), { recursive: true });
      const err: string[] = [];
      const code = await main(["convert", RULES, "--target", targets, "--out", out, "--report", join(d, "r.json")], { out: () => {}, err: (x) => err.push(x.split(out).join("<out>")) }, { writerModule });
      const report = JSON.parse(readFileSync(join(d, "r.json"), "utf8")) as Report & { bundles: Record<string, string[]> };
      return { code, err, out, files: [...tree(out).keys()].sort(), report, text: reportOf(join(d, "r.json"), out) };
    }),
  );
  return runs as [(typeof runs)[number], (typeof runs)[number]];
}

describe("a rule's deploy file (Sentinel's analytics rule) that cannot be written", () => {
  it.runIf(built)("CLI010 on that rule and target only; its query file is removed too; the report lists the other deploy files; the same with a writer thread (needs the built dist/: npm ci or npm run build)", async () => {
    const clean = workdir("writer");
    await main(["convert", RULES, "--target", "sentinel", "--out", join(clean, "out"), "--report", join(clean, "r.json"), "--quiet"], quietIo, { writerModule: null });
    const deployed = (JSON.parse(readFileSync(join(clean, "r.json"), "utf8")) as { bundles: Record<string, string[]> }).bundles["sentinel"] ?? [];
    expect(deployed.length).toBeGreaterThan(5);
    const victim = relative(join(clean, "out", "sentinel"), deployed[0] as string);
    const [mainThread, thread] = await convertBothWays("sentinel", join("sentinel", victim));
    expect(thread.code).toBe(1);
    const stem = victim.replace(/\.yaml$/, "");
    const bad = thread.report.rules.find((x) => x.targets["sentinel"]?.diagnostics.some((g) => g.code === "CLI010"));
    expect(bad?.targets["sentinel"]?.status).toBe("error");
    expect(bad?.targets["sentinel"]?.outputs).toEqual([]);
    expect(thread.report.rules.filter((x) => x.targets["sentinel"]?.diagnostics.some((g) => g.code === "CLI010"))).toHaveLength(1);
    expect(thread.files).not.toContain(join("sentinel", `${stem}.kql`));
    expect(thread.files.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(thread.report.bundles["sentinel"]).toHaveLength(deployed.length - 1);
    for (const f of thread.report.bundles["sentinel"] ?? []) expect(existsSync(f)).toBe(true);
    expect({ code: thread.code, err: thread.err, files: thread.files, report: thread.text }).toEqual({ code: mainThread.code, err: mainThread.err, files: mainThread.files, report: mainThread.text });
  });
});

describe("a run's bundle file (Splunk's savedsearches.conf) that cannot be written", () => {
  it.runIf(built)("one CLI010 naming the file, exit 1, the report's bundles leave it out, every rule's own outputs still written; the same with a writer thread (needs the built dist/: npm ci or npm run build)", async () => {
    const [mainThread, thread] = await convertBothWays("splunk,osquery", join("splunk", "savedsearches.conf"));
    expect(thread.code).toBe(1);
    const cli010 = thread.err.join("\n").split("\n").filter((l) => l.includes("CLI010"));
    expect(cli010).toEqual([expect.stringMatching(/^ruleport: error CLI010: cannot write <out>\/splunk\/savedsearches\.conf: .*(EISDIR|directory)/i)]);
    expect(thread.report.bundles["splunk"]?.some((f) => f.endsWith("savedsearches.conf"))).toBe(false);
    // the other target's bundle and every rule's outputs are written
    expect(thread.report.bundles["osquery"]?.length).toBeGreaterThan(0);
    for (const f of thread.report.bundles["osquery"] ?? []) expect(existsSync(f)).toBe(true);
    const outputs = thread.report.rules.flatMap((r) => Object.values(r.targets).flatMap((t) => t.outputs));
    expect(outputs.length).toBeGreaterThan(20);
    for (const f of outputs) expect(existsSync(f)).toBe(true);
    expect(thread.files.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect({ code: thread.code, err: thread.err, files: thread.files, report: thread.text }).toEqual({ code: mainThread.code, err: mainThread.err, files: mainThread.files, report: mainThread.text });
  });
});

describe("the built CLI", () => {
  it.runIf(built)("--jobs 1 and --jobs 2 write byte-identical files and reports (needs the built dist/: npm ci or npm run build)", () => {
    const d = workdir("writer");
    const runs = ["1", "2"].map((jobs) => {
      const out = join(d, `o${jobs}`);
      const r = cli(["convert", RULES, "--target", "all", "--out", out, "--report", join(d, `r${jobs}.json`), "--quiet", "--jobs", jobs]);
      return { code: r.status, files: tree(out), report: reportOf(join(d, `r${jobs}.json`), out) };
    });
    expect(runs[0]?.files.size).toBeGreaterThan(20);
    expect(runs[1]).toEqual(runs[0]);
  });
});
