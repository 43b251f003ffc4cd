/**
 * The progress bar (issue #10): on a terminal it shows rules done / total and
 * the run's phase; it is cleared before the messages and the summary; it is
 * silent with --quiet and when standard error is not a terminal.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Io, main, Progress } from "../../src/cli/main.js";
import { workdir } from "./output-tree.js";

const ROOT = join(import.meta.dirname, "..", "..");
const RULES = join(ROOT, "rules");
const BIN = join(ROOT, "bin", "ruleport.js");
const CLEAR = "\r\x1b[K";

/** An Io with a terminal; every write, to the terminal or as a line, in order. */
function terminalIo(): { io: Io; events: { to: "terminal" | "err" | "out"; text: string }[] } {
  const events: { to: "terminal" | "err" | "out"; text: string }[] = [];
  return {
    events,
    io: {
      out: (text) => events.push({ to: "out", text }),
      err: (text) => events.push({ to: "err", text }),
      terminal: (text) => events.push({ to: "terminal", text }),
    },
  };
}

/** The phase each drawing of the bar shows, without repeats. */
function phases(draws: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of draws) {
    const m = /\] \d+\/\d+ (\S+)$/.exec(d);
    if (m && out.at(-1) !== m[1]) out.push(m[1] as string);
  }
  return out;
}

describe("Progress", () => {
  it("draws done/total and the phase, redraws at once on a new phase, and clears its line", () => {
    const draws: string[] = [];
    const p = new Progress(4, "convert", (s) => draws.push(s));
    p.tick();
    expect(draws).toEqual([`${CLEAR}[${"#".repeat(8)}${" ".repeat(22)}] 1/4 convert`]);
    p.tick(3);
    // the last rule is always drawn, however soon after the one before
    expect(draws.at(-1)).toBe(`${CLEAR}[${"#".repeat(30)}] 4/4 convert`);
    p.phase("write");
    expect(draws.at(-1)).toBe(`${CLEAR}[${"#".repeat(30)}] 4/4 write`);
    const n = draws.length;
    p.phase("write");
    expect(draws.length).toBe(n);
    p.done();
    expect(draws.at(-1)).toBe(CLEAR);
  });

  it("does not draw every rule of a large batch", () => {
    const draws: string[] = [];
    const p = new Progress(5000, "parse", (s) => draws.push(s));
    for (let i = 0; i < 5000; i++) p.tick();
    expect(draws.length).toBeLessThan(5000);
    expect(draws.at(-1)).toMatch(/\] 5000\/5000 parse$/);
  });
});

describe("the CLI's progress bar", () => {
  it("shows convert, write, bundle and report in that order, and is cleared before the first message", async () => {
    const d = workdir("progress");
    const { io, events } = terminalIo();
    const code = await main(["convert", RULES, "--target", "all", "--out", join(d, "out"), "--report", join(d, "r.json")], io, { writerModule: null });
    expect(code).toBe(0);
    const draws = events.filter((e) => e.to === "terminal").map((e) => e.text);
    expect(phases(draws)).toEqual(["convert", "write", "bundle", "report"]);
    const rules = JSON.parse(readFileSync(join(d, "r.json"), "utf8")).rules.length;
    expect(draws).toContain(`${CLEAR}[${"#".repeat(30)}] ${rules}/${rules} convert`);
    // the bar's last drawing clears it, and nothing is printed as a line before that
    const lastDraw = events.findLastIndex((e) => e.to === "terminal");
    expect(events[lastDraw]?.text).toBe(CLEAR);
    expect(events.findIndex((e) => e.to !== "terminal")).toBeGreaterThan(lastDraw);
    expect(events.filter((e) => e.to === "err").at(-1)?.text).toMatch(/^target +profile/m);
  });

  it("shows parse then report for check, and nothing with --quiet", async () => {
    const d = workdir("progress-check");
    const run = async (extra: string[]) => {
      const { io, events } = terminalIo();
      expect(await main(["check", RULES, "--report", join(d, "r.json"), ...extra], io)).toBe(0);
      return events;
    };
    expect(phases((await run([])).filter((e) => e.to === "terminal").map((e) => e.text))).toEqual(["parse", "report"]);
    expect((await run(["--quiet"])).filter((e) => e.to === "terminal")).toEqual([]);
  });

  it("draws nothing for an Io without a terminal (standard error redirected)", async () => {
    const d = workdir("progress-none");
    const lines: string[] = [];
    const code = await main(["convert", RULES, "--target", "sigma", "--out", join(d, "out")], { out: (s) => lines.push(s), err: (s) => lines.push(s) }, { writerModule: null });
    expect(code).toBe(0);
    expect(lines.join("\n")).not.toContain("\r");
  });

  const script = spawnSync("script", ["--version"], { encoding: "utf8" });
  const hasScript = script.status === 0 && existsSync(join(ROOT, "dist", "src", "cli", "main.js"));
  it.runIf(hasScript)("draws on a real terminal and not when standard error is a file (skipped without util-linux `script` or the built dist/)", () => {
    const d = workdir("progress-tty");
    const command = (stderr: string) => `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} convert ${JSON.stringify(RULES)} --target sigma --out ${JSON.stringify(join(d, stderr))}${stderr === "file" ? ` 2>${JSON.stringify(join(d, "stderr.txt"))}` : ""}`;
    const onTerminal = spawnSync("script", ["-qec", command("tty"), "/dev/null"], { encoding: "utf8" });
    expect(onTerminal.status).toBe(0);
    expect(onTerminal.stdout).toMatch(/\] \d+\/\d+ convert/);
    const toFile = spawnSync("script", ["-qec", command("file"), "/dev/null"], { encoding: "utf8" });
    expect(toFile.status).toBe(0);
    const stderr = readFileSync(join(d, "stderr.txt"), "utf8");
    expect(stderr).toMatch(/^sigma +default/m);
    expect(stderr).not.toContain("\r");
    expect(toFile.stdout).not.toMatch(/\] \d+\/\d+/);
  });
});
