/**
 * File safety through the CLI (`main(argv, io)`) on temporary folders:
 * output paths never escape the output folder, an output folder inside an
 * input folder is refused, a blocked output path is one clear error with exit
 * 1, no temporary or partial file remains, and batches go on after a bad rule
 * with the exit code following --fail-on.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { isInside, outputStem } from "../../src/cli/files.js";
import { convertParsed, parseRule } from "../../src/compile.js";
import type { Status } from "../../src/diagnostics/index.js";
import { caseArb, mutate } from "./fuzz-core.mjs";
import { ruleToml } from "./rule-text.js";
import { defaultRequests, FUZZ_SEED, ROOT, runs, seedRules } from "./settings.js";
import { workdir } from "../cli/output-tree.js";

const SEED = join(ROOT, "rules", "persistence_system_shells_via_services.toml");
const SEED_TEXT = readFileSync(SEED, "utf8");
const BAD_TOML = "[rule]\nname = \"unterminated\nquery = '''process where true'''\n";
const ESQL = ruleToml("from logs-* | where process.name == \"cmd.exe\"", { type: "esql" }).replace('language = "eql"', 'language = "esql"');

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** Every file (not folder) under `dir`, as absolute paths; symlinks are not followed. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop() as string;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else out.push(p);
    }
  }
  return out.sort();
}

function report(path: string) {
  return JSON.parse(readFileSync(path, "utf8")) as {
    summary: { rules: number };
    rules: { file: string; parse: { status: Status }; targets: Record<string, { status: Status; outputs: string[]; diagnostics: { code: string; severity: string }[] }> }[];
  };
}

/** Whether any default target converts the seed rule (the file tests need written outputs). */
const seedConverts = (() => {
  const parsed = parseRule("seed.toml", SEED_TEXT);
  return defaultRequests().some((r) => convertParsed(parsed, r, "seed").status === "ok");
})();

describe("outputStem and isInside (properties)", () => {
  const segment = fc.oneof(
    fc.constantFrom("..", ".", "...", "", "..foo", ".hidden", "a..b", "C:", "c:\\x", "\\\\server", "~", "$HOME", "%TEMP%", "con", "nul", "a\u0000b", "a\nb", "é", "😀", "x".repeat(300), "<>:\"|?*"),
    fc.string({ maxLength: 12 }),
  );
  const relPath = fc.array(segment, { minLength: 1, maxLength: 6 }).chain((segs) => fc.constantFrom("/", "\\", "//").map((sep) => segs.join(sep) + ".toml"));

  it(`a stem joined to the output folder never leaves it, has no dot-only or empty segment, and no control or reserved character (${runs(2000)} paths)`, () => {
    const out = resolve("/srv/ruleport-out");
    fc.assert(
      fc.property(relPath, fc.constantFrom("", "/", "../", "../../"), (p: string, prefix: string) => {
        const stem = outputStem(prefix + p);
        const dest = resolve(out, "sigma", stem + ".yml");
        expect(isInside(dest, join(out, "sigma"))).toBe(true);
        expect(relative(join(out, "sigma"), dest).split(/[\\/]/)[0]).not.toBe("..");
        for (const seg of stem.split("/")) {
          expect(seg).not.toBe("");
          expect(seg).not.toMatch(/^\.+$/);
          expect(seg).not.toMatch(/[\x00-\x1f<>:"|?*\\]/);
          // A name the file system can hold: at most 255 bytes with the longest extension a target uses (.conf.json).
          expect(Buffer.byteLength(seg + ".conf.json")).toBeLessThanOrEqual(255);
        }
      }),
      { seed: FUZZ_SEED, numRuns: runs(2000) },
    );
  });

  it("isInside: a folder is inside itself and its descendants are inside it; siblings and parents are not", () => {
    expect(isInside("/a/b", "/a/b")).toBe(true);
    expect(isInside("/a/b/c/d", "/a/b")).toBe(true);
    expect(isInside("/a/bc", "/a/b")).toBe(false);
    expect(isInside("/a", "/a/b")).toBe(false);
    expect(isInside("/a/b/../c", "/a/b")).toBe(false);
  });

  it("isInside: a child folder named `..out` is inside (fixed: was a prefix test on `..`)", () => {
    expect(isInside("/a/in/..out", "/a/in")).toBe(true);
  });
});

describe("CLI: output paths from odd input names stay inside the output folder", () => {
  const names = [
    "..dots.toml",
    "...toml",
    "a..b.toml",
    ".hidden.toml",
    "spaces and 'quotes' \"double\".toml",
    "back\\slash.toml",
    "colon:star*quest?.toml",
    "pipe|lt<gt>.toml",
    "tab\there.toml",
    "new\nline.toml",
    "ünïcödé-規則-😀.toml",
    `${"x".repeat(245)}.toml`,
    `${"é".repeat(120)}.toml`,
    "UPPER.TOML",
  ];

  it.runIf(seedConverts)("every written file is under --out, nothing else changes, and every rule is in the report", async () => {
    const d = workdir("rel");
    const input = join(d, "in");
    // Folders whose names start with a dot are skipped as hidden by discovery; `a..b` and `sub.` are not hidden.
    const nested = join(input, "a..b", "sub.", "deeper");
    mkdirSync(nested, { recursive: true });
    const placed: string[] = [];
    for (const n of names) {
      const p = join(input, n);
      writeFileSync(p, SEED_TEXT);
      placed.push(p);
    }
    writeFileSync(join(nested, "..x.toml"), SEED_TEXT);
    const before = filesUnder(d);
    const out = join(d, "out");
    const rep = join(d, "report.json");
    const r = await run(["convert", input, "--target", "all", "--out", out, "--report", rep]);
    // The exit code reflects the targets' statuses, which are not what this test is about.
    expect([0, 1]).toContain(r.code);
    const after = filesUnder(d);
    const created = after.filter((f) => !before.includes(f));
    for (const f of created) {
      const inside = isInside(f, out) || f === rep;
      if (!inside) throw new Error(`written outside the output folder: ${f}`);
      expect(f.endsWith(".tmp")).toBe(false);
    }
    // Inputs untouched.
    for (const p of placed) expect(readFileSync(p, "utf8")).toBe(SEED_TEXT);
    const rp = report(rep);
    expect(rp.summary.rules).toBe(names.length + 1);
    // Each rule's outputs are distinct files: no rule overwrote another's.
    const outputs = rp.rules.flatMap((x) => Object.values(x.targets).flatMap((t) => t.outputs.map((o) => resolve(o))));
    expect(new Set(outputs).size).toBe(outputs.length);
    for (const o of outputs) expect(isInside(o, out)).toBe(true);
  });

  it.runIf(seedConverts)("input paths given with `..` segments and as absolute paths stay inside the output folder", async () => {
    const d = workdir("rel");
    mkdirSync(join(d, "in", "sub"), { recursive: true });
    writeFileSync(join(d, "in", "sub", "r.toml"), SEED_TEXT);
    const out = join(d, "out");
    const r = await run(["convert", join(d, "in", "sub", "..", "sub", "..", "sub", "r.toml"), "--target", "all", "--out", out]);
    expect([0, 1]).toContain(r.code);
    const made = filesUnder(d).filter((f) => !f.startsWith(join(d, "in") + "/"));
    expect(made.length).toBeGreaterThan(0);
    for (const f of made) expect(isInside(f, out)).toBe(true);
  });

  it.runIf(seedConverts)("two input folders holding the same relative name: the clash is an error, never a silent overwrite", async () => {
    const d = workdir("rel");
    mkdirSync(join(d, "a"));
    mkdirSync(join(d, "b"));
    writeFileSync(join(d, "a", "same.toml"), SEED_TEXT);
    writeFileSync(join(d, "b", "same.toml"), SEED_TEXT.replace("System Shells via Services", "Second Rule With The Same File Name"));
    const out = join(d, "out");
    const rep = join(d, "r.json");
    const r = await run(["convert", join(d, "a"), join(d, "b"), "--target", "sigma", "--out", out, "--report", rep]);
    const rp = report(rep);
    const written = rp.rules.map((x) => x.targets["sigma"]?.outputs ?? []).flat();
    // Either both outputs exist as distinct files, or the clash is reported as an error (exit 1).
    const distinct = new Set(written.map((o) => resolve(o))).size === written.length && written.length === 2;
    const reported = r.code === 1 && rp.rules.some((x) => x.targets["sigma"]?.status === "error");
    expect({ distinct, reported }).not.toEqual({ distinct: false, reported: false });
  });

  it.runIf(seedConverts)("`a?b.toml` and `a*b.toml` (equal once made safe): the clash is an error, never a silent overwrite", async () => {
    const d = workdir("rel");
    const input = join(d, "in");
    mkdirSync(input);
    writeFileSync(join(input, "a?b.toml"), SEED_TEXT);
    writeFileSync(join(input, "a*b.toml"), SEED_TEXT.replace("System Shells via Services", "Another Rule"));
    const out = join(d, "out");
    const rep = join(d, "r.json");
    const r = await run(["convert", input, "--target", "sigma", "--out", out, "--report", rep]);
    const rp = report(rep);
    const written = rp.rules.map((x) => x.targets["sigma"]?.outputs ?? []).flat();
    const distinct = new Set(written.map((o) => resolve(o))).size === written.length && written.length === 2;
    const reported = r.code === 1 && rp.rules.some((x) => x.targets["sigma"]?.status === "error");
    expect({ distinct, reported }).not.toEqual({ distinct: false, reported: false });
  });
});

describe("CLI: an output folder that is, or is inside, an input folder is refused", () => {
  function setup() {
    const d = workdir("rel");
    const input = join(d, "in");
    mkdirSync(join(input, "sub"), { recursive: true });
    writeFileSync(join(input, "r.toml"), SEED_TEXT);
    return { d, input };
  }
  const refused = async (input: string, out: string) => {
    const r = await run(["convert", input, "--target", "all", "--out", out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/output folder/);
    return r;
  };

  it("the input folder itself, a child, a deeper child, and the input's parent (which contains it)", async () => {
    const { d, input } = setup();
    await refused(input, input);
    await refused(input, join(input, "out"));
    await refused(input, join(input, "sub", "deeper", "out"));
    await refused(input, d);
    // Nothing was written into the input folder.
    expect(filesUnder(input)).toEqual([join(input, "r.toml")]);
  });

  it("a relative --out spelled with `..` that lands inside the input folder", async () => {
    const { input } = setup();
    await refused(input, join(input, "sub", "..", "sub", "out"));
  });

  it("--out `in/..out` (a child whose name starts with two dots) is refused", async () => {
    const { input } = setup();
    await refused(input, join(input, "..out"));
    expect(existsSync(join(input, "..out"))).toBe(false);
  });

  it("--out through a symbolic link into the input folder is refused (real paths are compared)", async () => {
    const { d, input } = setup();
    const link = join(d, "link");
    symlinkSync(join(input, "sub"), link);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    await refused(input, link);
    expect(filesUnder(join(input, "sub"))).toEqual([]);
  });
});

describe("CLI: blocked output paths and temporary files", () => {
  it.runIf(seedConverts)("an output folder blocked by a regular file: a clear CLI010 error naming it, exit 1, no output, no .tmp", async () => {
    const d = workdir("rel");
    const out = join(d, "out");
    mkdirSync(out);
    // `out/sigma` is a regular file: the target folder cannot be made.
    for (const t of ["sigma", "splunk", "sentinel", "osquery"]) writeFileSync(join(out, t), "blocker");
    const input = join(d, "in");
    mkdirSync(input);
    for (const n of ["a", "b", "c"]) copyFileSync(SEED, join(input, `${n}.toml`));
    const rep = join(d, "r.json");
    const r = await run(["convert", input, "--target", "all", "--out", out, "--report", rep]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("CLI010");
    expect(r.err).toContain(join(out, "sigma"));
    for (const t of ["sigma", "splunk", "sentinel", "osquery"]) expect(readFileSync(join(out, t), "utf8")).toBe("blocker");
    expect(filesUnder(out).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const rp = report(rep);
    for (const rule of rp.rules) for (const t of Object.values(rule.targets)) expect(t.status).not.toBe("ok");
  });

  it.runIf(seedConverts)("an output folder blocked by a file gives one error, not one per rule and target", async () => {
    const d = workdir("rel");
    const out = join(d, "out");
    mkdirSync(out);
    writeFileSync(join(out, "sigma"), "blocker");
    const input = join(d, "in");
    mkdirSync(input);
    for (const n of ["a", "b", "c"]) copyFileSync(SEED, join(input, `${n}.toml`));
    const r = await run(["convert", input, "--target", "sigma", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.err.split("\n").filter((l) => l.includes("CLI010"))).toHaveLength(1);
  });

  it.runIf(seedConverts)("a rule's output path taken by a folder: that rule fails with CLI010, the others are written", async () => {
    const d = workdir("rel");
    const input = join(d, "in");
    mkdirSync(input);
    copyFileSync(SEED, join(input, "a.toml"));
    copyFileSync(SEED, join(input, "b.toml"));
    const out = join(d, "out");
    mkdirSync(join(out, "sigma", "a.yml"), { recursive: true });
    const rep = join(d, "r.json");
    const r = await run(["convert", input, "--target", "sigma", "--out", out, "--report", rep]);
    expect(r.code).toBe(1);
    const rp = report(rep);
    expect(rp.rules[0]?.targets["sigma"]?.diagnostics.map((x) => x.code)).toContain("CLI010");
    expect(rp.rules[1]?.targets["sigma"]?.status).toBe("ok");
    expect(existsSync(join(out, "sigma", "b.yml"))).toBe(true);
    expect(filesUnder(out).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("a report path blocked by a regular file is a CLI011 error and exit 1", async () => {
    const d = workdir("rel");
    writeFileSync(join(d, "blocker"), "x");
    const r = await run(["check", SEED, "--report", join(d, "blocker", "r.json")]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("CLI011");
  });
});

describe("CLI: batches go on after a bad rule; the exit code follows --fail-on", () => {
  /** The documented rule: exit 1 when some rule's status reaches the --fail-on level, else 0. */
  function expectedExit(statuses: { status: Status; warnings: boolean }[], failOn: "error" | "unsupported" | "warning"): number {
    const fails = statuses.some((s) => s.status === "error" || (failOn !== "error" && s.status === "unsupported") || (failOn === "warning" && s.warnings));
    return fails ? 1 : 0;
  }

  function libraryStatuses(files: { name: string; text: string }[]) {
    const out: { status: Status; warnings: boolean }[] = [];
    for (const f of files) {
      const parsed = parseRule(f.name, f.text);
      out.push({ status: parsed.parseStatus, warnings: parsed.parseDiagnostics.some((x) => x.severity === "warning") });
      if (!parsed.ir) continue;
      for (const req of defaultRequests()) {
        const o = convertParsed(parsed, req, f.name);
        out.push({ status: o.status, warnings: o.result.diagnostics.some((x) => x.severity === "warning") });
      }
    }
    return out;
  }

  it("good, broken TOML, ES|QL (unsupported) and good again: all four in the report, in order, each with its status", async () => {
    const d = workdir("rel");
    const input = join(d, "in");
    mkdirSync(input);
    const files = [
      { name: "1_good.toml", text: SEED_TEXT },
      { name: "2_broken.toml", text: BAD_TOML },
      { name: "3_esql.toml", text: ESQL },
      { name: "4_good.toml", text: SEED_TEXT },
    ];
    for (const f of files) writeFileSync(join(input, f.name), f.text);
    const out = join(d, "out");
    for (const failOn of ["error", "unsupported", "warning"] as const) {
      const rep = join(d, `r-${failOn}.json`);
      const r = await run(["convert", input, "--target", "all", "--out", out, "--report", rep, "--fail-on", failOn, "--quiet"]);
      const rp = report(rep);
      expect(rp.rules.map((x) => x.file.split("/").pop())).toEqual(files.map((f) => f.name));
      expect(rp.rules[1]?.parse.status).toBe("error");
      expect(rp.rules[2]?.parse.status).toBe("unsupported");
      // The good rule after the bad ones was still converted exactly like the first.
      expect(rp.rules[3]?.targets).toEqual(Object.fromEntries(Object.entries(rp.rules[0]?.targets ?? {}).map(([k, v]) => [k, { ...v, outputs: v.outputs.map((o) => o.replace("1_good", "4_good")) }])));
      expect(r.code).toBe(expectedExit(libraryStatuses(files), failOn));
    }
  });

  it("only unsupported rules: exit 0 by default, 1 with --fail-on unsupported", async () => {
    const d = workdir("rel");
    const input = join(d, "in");
    mkdirSync(input);
    writeFileSync(join(input, "esql.toml"), ESQL);
    expect((await run(["check", input, "--quiet"])).code).toBe(0);
    expect((await run(["check", input, "--quiet", "--fail-on", "unsupported"])).code).toBe(1);
  });

  // Found by scripts/fuzz.mjs: `a : b : c : ...` (a few thousand colons) once overflowed the EQL
  // parser's stack and killed the batch (exit 3, no report). Fixed: the parser counts that recursion
  // in its depth limit (EQL027), and parseRule turns any frontend exception into an INTERNAL
  // diagnostic on that rule. Through the built CLI, whose main thread has the real stack size.
  it.runIf(existsSync(join(ROOT, "dist", "src", "cli", "main.js")))("a rule that once overflowed the EQL parser's stack does not stop the batch", async () => {
    const d = workdir("rel");
    const input = join(d, "in");
    mkdirSync(input);
    const colon = ruleToml("", { rawQuery: `'''\nprocess where process.name : ${"x : ".repeat(3000)}"a"\n'''` });
    writeFileSync(join(input, "a_good.toml"), SEED_TEXT);
    writeFileSync(join(input, "b_colons.toml"), colon);
    writeFileSync(join(input, "c_good.toml"), SEED_TEXT);
    const rep = join(d, "r.json");
    const { spawnSync } = await import("node:child_process");
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "ruleport.js"), "check", input, "--report", rep, "--quiet"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    const rp = report(rep);
    expect(rp.rules.map((x) => x.file.split("/").pop())).toEqual(["a_good.toml", "b_colons.toml", "c_good.toml"]);
    expect(rp.rules[1]?.parse.status).toBe("error");
    expect(rp.rules[2]?.parse.status).toBe(rp.rules[0]?.parse.status);
  });

  it(`a batch of fuzzed rule files: every file is in the report, the exit code matches the library's statuses, no .tmp (${runs(40)} files)`, async () => {
    const d = workdir("rel");
    const input = join(d, "in");
    mkdirSync(input);
    const seeds = seedRules();
    const fc0 = await import("fast-check");
    const cases = fc0.default.sample(caseArb(seeds.length, 200), { seed: FUZZ_SEED, numRuns: runs(40) });
    const files = cases.map((c, i) => ({ name: `f${String(i).padStart(3, "0")}.toml`, text: mutate((seeds[c.seed] as { text: string }).text, c.ops, c.scope) }));
    // Files hold what a disk can: lone surrogates become U+FFFD when written as UTF-8.
    for (const f of files) writeFileSync(join(input, f.name), f.text);
    const reread = files.map((f) => ({ name: f.name, text: readFileSync(join(input, f.name), "utf8") }));
    const out = join(d, "out");
    const rep = join(d, "r.json");
    const r = await run(["convert", input, "--target", "all", "--out", out, "--report", rep, "--quiet"]);
    const rp = report(rep);
    expect(rp.rules.map((x) => x.file.split("/").pop())).toEqual(files.map((f) => f.name));
    expect(r.code).toBe(expectedExit(libraryStatuses(reread), "error"));
    expect(filesUnder(out).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    // Outputs exist exactly for ok results, and each is complete (equals what the library produced).
    for (const [i, rule] of rp.rules.entries()) {
      for (const [t, v] of Object.entries(rule.targets)) {
        if (v.status === "ok") expect(v.outputs.length).toBeGreaterThan(0);
        else expect(v.outputs).toEqual([]);
        for (const o of v.outputs) {
          const p = isAbsolute(o) ? o : resolve(o);
          const parsed = parseRule(rule.file, (reread[i] as { text: string }).text);
          const req = defaultRequests().find((x) => x.target.id === t);
          if (!req) continue;
          const expected = convertParsed(parsed, req, outputStem(`f${String(i).padStart(3, "0")}.toml`)).result.text;
          expect(readFileSync(p, "utf8")).toBe(expected);
        }
      }
    }
  });
});
