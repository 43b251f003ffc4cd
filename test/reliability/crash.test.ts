/**
 * A run that dies while writing leaves no partial file under a final name.
 *
 * In process: node:fs is wrapped so that a chosen write dies half-way (the
 * first half of the bytes reach the disk, then the call throws, as on a full
 * disk or a crash), or the rename after it fails. Out of process: the built
 * CLI (dist/) is killed with SIGKILL at several moments of a batch, and every
 * file left under a final name must be complete.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as realFs from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ROOT } from "./settings.js";
import { workdir } from "../cli/output-tree.js";

/** Which writes die: `write` = the temporary file's write half-way, `rename` = the rename after it. */
const fault: { mode: "none" | "write" | "rename" | "readonly"; match: RegExp } = { mode: "none", match: /$^/ };

/** A read-only file system under `fault.match` (tests run as root, so chmod cannot make one). */
function readOnly(path: unknown): void {
  if (fault.mode === "readonly" && typeof path === "string" && fault.match.test(path)) {
    throw Object.assign(new Error(`EROFS: read-only file system, open '${path}'`), { code: "EROFS" });
  }
}

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const mkdirSync = (path: realFs.PathLike, options?: realFs.MakeDirectoryOptions) => {
    readOnly(String(path));
    return fs.mkdirSync(path, options);
  };
  const writeFileSync = (file: realFs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, options?: realFs.WriteFileOptions) => {
    readOnly(file);
    if (fault.mode === "write" && typeof file === "string" && fault.match.test(file)) {
      const text = typeof data === "string" ? data : Buffer.from(data.buffer).toString("utf8");
      fs.writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: "ENOSPC" });
    }
    return fs.writeFileSync(file, data, options);
  };
  const renameSync = (from: realFs.PathLike, to: realFs.PathLike) => {
    if (fault.mode === "rename" && fault.match.test(String(to))) throw Object.assign(new Error(`EIO: i/o error, rename '${String(from)}'`), { code: "EIO" });
    return fs.renameSync(from, to);
  };
  return { ...fs, default: { ...fs, writeFileSync, renameSync, mkdirSync }, writeFileSync, renameSync, mkdirSync };
});

const { main } = await import("../../src/cli/main.js");
const { writeAtomic } = await import("../../src/cli/files.js");

const SEED = join(ROOT, "rules", "persistence_system_shells_via_services.toml");

afterEach(() => {
  fault.mode = "none";
});

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as realFs.Dirent[]).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
}

async function run(argv: string[]) {
  const err: string[] = [];
  const code = await main(argv, { out: () => {}, err: (s) => err.push(s) });
  return { code, err: err.join("\n") };
}

describe("writeAtomic under faults", () => {
  it("a write that dies half-way leaves neither the final file nor the temporary one", () => {
    const d = workdir("crash");
    const f = join(d, "x", "out.yml");
    fault.mode = "write";
    fault.match = /\.tmp$/;
    expect(() => writeAtomic(f, "complete content\n".repeat(100))).toThrow(/ENOSPC/);
    expect(filesUnder(d)).toEqual([]);
  });

  it("a failed rename leaves the previous complete file untouched and no temporary file", () => {
    const d = workdir("crash");
    const f = join(d, "out.yml");
    writeAtomic(f, "old complete\n");
    fault.mode = "rename";
    fault.match = /out\.yml$/;
    expect(() => writeAtomic(f, "new complete\n")).toThrow(/EIO/);
    expect(readFileSync(f, "utf8")).toBe("old complete\n");
    expect(filesUnder(d)).toEqual([f]);
  });
});

describe("the CLI under faults", () => {
  it("a write dying half-way on one rule: that rule fails (CLI010, exit 1), the other rules' files are complete, nothing partial remains", async () => {
    const d = workdir("crash");
    const input = join(d, "in");
    mkdirSync(input);
    for (const n of ["a", "b", "c"]) copyFileSync(SEED, join(input, `${n}.toml`));
    // A clean run first, for the complete contents.
    const clean = join(d, "clean");
    expect([0, 1]).toContain((await run(["convert", input, "--target", "all", "--out", clean, "--quiet"])).code);
    const expected = new Map(filesUnder(clean).map((f) => [f.slice(clean.length), readFileSync(f, "utf8")]));
    expect(expected.size).toBeGreaterThan(0);

    const out = join(d, "out");
    fault.mode = "write";
    fault.match = /[\\/]b\.[^\\/]*\.tmp$/;
    const r = await run(["convert", input, "--target", "all", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("CLI010");
    const got = filesUnder(out);
    expect(got.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(got.filter((f) => /[\\/]b\.[^\\/]+$/.test(f))).toEqual([]);
    for (const f of got) expect(readFileSync(f, "utf8")).toBe(expected.get(f.slice(out.length)));
  });
});

describe("a read-only output folder", () => {
  async function readOnlyRun() {
    const d = workdir("crash");
    const input = join(d, "in");
    mkdirSync(input);
    for (const n of ["a", "b", "c"]) copyFileSync(SEED, join(input, `${n}.toml`));
    const out = join(d, "out");
    mkdirSync(out);
    fault.mode = "readonly";
    fault.match = new RegExp(`^${out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[\\/]`);
    const r = await run(["convert", input, "--target", "all", "--out", out]);
    fault.mode = "none";
    return { r, out };
  }

  it("exit 1, CLI010 naming the cause, nothing written", async () => {
    const { r, out } = await readOnlyRun();
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/CLI010[^\n]*EROFS/);
    expect(filesUnder(out)).toEqual([]);
  });

  it("one error for the read-only folder, not one per rule and target", async () => {
    const { r } = await readOnlyRun();
    expect(r.err.split("\n").filter((l) => l.includes("CLI010"))).toHaveLength(1);
  });
});

describe("the built CLI killed with SIGKILL", () => {
  const bin = join(ROOT, "bin", "ruleport.js");
  const built = existsSync(join(ROOT, "dist", "src", "cli", "main.js"));

  it.runIf(built)("at any moment of a batch, every file under a final name is complete (only *.tmp may be left)", async () => {
    const d = workdir("crash");
    const input = join(d, "in");
    mkdirSync(input);
    const text = readFileSync(SEED, "utf8");
    for (let i = 0; i < 400; i++) writeFileSync(join(input, `r${String(i).padStart(3, "0")}.toml`), text);
    /** Runs the CLI; with `killAt`, sends SIGKILL as soon as that many files exist under `out`. */
    const runCli = (out: string, killAt: number | null) =>
      new Promise<void>((done) => {
        const child = spawn(process.execPath, [bin, "convert", input, "--target", "all", "--out", out, "--quiet"], { stdio: "ignore" });
        const timer =
          killAt === null
            ? null
            : setInterval(() => {
                if (filesUnder(out).length >= killAt) child.kill("SIGKILL");
              }, 5);
        child.on("exit", () => {
          if (timer) clearInterval(timer);
          done();
        });
      });
    const clean = join(d, "clean");
    await runCli(clean, null);
    const expected = new Map(filesUnder(clean).map((f) => [f.slice(clean.length), readFileSync(f, "utf8")]));
    expect(expected.size).toBeGreaterThan(400);
    // Kill once 10%, 40% and 70% of the files exist, so each kill lands while files are being written.
    let partial = 0;
    for (const [k, frac] of [0.1, 0.4, 0.7].entries()) {
      const out = join(d, `killed-${k}`);
      await runCli(out, Math.ceil(expected.size * frac));
      const left = filesUnder(out).filter((f) => !f.endsWith(".tmp"));
      if (left.length > 0 && left.length < expected.size) partial++;
      for (const f of left) expect(readFileSync(f, "utf8")).toBe(expected.get(f.slice(out.length)));
    }
    // The kills landed mid-batch (otherwise this test proved nothing).
    expect(partial).toBeGreaterThan(0);
  });
});
