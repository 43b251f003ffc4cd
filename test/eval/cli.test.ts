/** runEvents / runEval: NDJSON out, alerts as 0-based line indexes, exit 1 on a disagreeing `_expect`. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runEval, runEvents } from "../../src/eval/cli.js";

const rulePath = join(import.meta.dirname, "../../rules/persistence_system_shells_via_services.toml");

function capture(): { out: () => string; restore: () => void } {
  let buf = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => {
    buf += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  return { out: () => buf, restore: () => (o.mockRestore(), e.mockRestore()) };
}

describe("eval CLI functions", () => {
  let cap: ReturnType<typeof capture> | null = null;
  afterEach(() => cap?.restore());

  it("events writes NDJSON with _expect on every event; eval agrees and exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ruleport-eval-"));
    const out = join(dir, "events.ndjson");
    cap = capture();
    expect(await runEvents(rulePath, { seed: 4, out })).toBe(0);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    const parsed = lines.map((l) => JSON.parse(l) as { _expect?: { match: boolean } });
    expect(parsed.every((e) => typeof e._expect?.match === "boolean")).toBe(true);
    expect(await runEval(rulePath, out, { json: true })).toBe(0);
    const report = JSON.parse(cap.out().trim().split("\n").pop() as string) as { alerts: { events: number[] }[] };
    const expected = parsed.flatMap((e, i) => (e._expect?.match ? [i] : []));
    expect(report.alerts.map((a) => a.events[0])).toEqual(expected);
  });

  it("eval exits 1 when an _expect disagrees, and counts lines including blank ones", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ruleport-eval-"));
    const p = join(dir, "e.ndjson");
    const hit = { "@timestamp": "2024-01-01T00:00:00Z", event: { category: "process", type: "start" }, process: { name: "CMD.exe", parent: { name: "services.exe" } } };
    writeFileSync(p, `${JSON.stringify({ ...hit, _expect: { match: false, why: "wrong on purpose" } })}\n\n${JSON.stringify(hit)}\n`);
    cap = capture();
    expect(await runEval(rulePath, p, { json: true })).toBe(1);
    expect(JSON.parse(cap.out().trim())).toEqual({ alerts: [{ events: [0] }, { events: [2] }] });
  });
});
