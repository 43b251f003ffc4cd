/**
 * A rule for several operating systems that no single source covers becomes
 * one query per platform (each platform's process table differs), one entry in
 * each platform's pack; every part prepares and agrees with the evaluator on the
 * events of its platform.
 */
import { describe, expect, it } from "vitest";
import { bundledMapping } from "../../src/compile.js";
import type { PackEntry } from "../../targets/osquery/pack.js";
import { osquery } from "../../targets/osquery/index.js";
import { openOsqueryDb, prepareError } from "../../targets/osquery/testing/sqlite.js";
import { checkAgreement } from "../../targets/osquery/testing/semantics.js";
import { documentWith, eventRule, match, text } from "./ir.js";

const mapping = bundledMapping(osquery, "events");
const TAGS = ["OS: Windows", "OS: Linux", "OS: macOS"];
const rule = eventRule("process", match("process.command_line", [text("qemu -netdev user,hostfwd=tcp::2222-:22")], true));
const document = documentWith(TAGS);

describe("osquery: one query per platform", () => {
  const out = osquery.convert({ rule, document, mapping, profile: "events", outputStem: "rules/qemu" });
  const entries = out.bundleEntry as PackEntry[];

  it("splits into the three platform tables, announced (OSQUERY015)", () => {
    expect(out.text).not.toBeNull();
    expect(entries.map((e) => [e.platform, e.os])).toEqual([["windows", "windows"], ["linux", "linux"], ["darwin", "macos"]]);
    expect(entries[0]?.query).toContain("FROM process_etw_events AS e");
    expect(entries[1]?.query).toContain("FROM process_events AS e");
    expect(entries[2]?.query).toContain("FROM es_process_events AS e");
    expect(out.text).toContain("-- platform linux: process_events");
    expect(out.diagnostics.map((d) => d.code)).toContain("OSQUERY015");
  });

  it("every statement prepares, and each platform's pack holds its query", async () => {
    const db = await openOsqueryDb();
    expect(prepareError(db, out.text as string)).toBeNull();
    const packs = osquery.bundle([{ outputStem: "rules/qemu", entry: out.bundleEntry }], "events");
    expect(packs.map((p) => p.path).sort()).toEqual(["packs/ruleport-events-darwin.json", "packs/ruleport-events-linux.json", "packs/ruleport-events-windows.json"]);
  });

  it("each part returns exactly the events of its platform the evaluator matches", async () => {
    const cmd = "qemu -netdev user,hostfwd=tcp::2222-:22";
    const events = [
      { "event.category": "process", "event.type": "start", "host.os.type": "windows", "process.command_line": cmd },
      { "event.category": "process", "event.type": "start", "event.action": "exec", "host.os.type": "linux", "process.command_line": cmd },
      { "event.category": "process", "event.type": "start", "event.action": "exec", "host.os.type": "macos", "process.command_line": cmd },
      { "event.category": "process", "event.type": "start", "event.action": "exec", "host.os.type": "linux", "process.command_line": "qemu -nographic" },
    ];
    const want: Record<string, number[]> = { windows: [0], linux: [1], macos: [2] };
    for (const e of entries) {
      const db = await openOsqueryDb();
      const a = checkAgreement(db, e.query, events, rule, document, mapping, e.os);
      expect(a.expected, e.os).toEqual(want[e.os as string]);
      expect(a.got, e.os).toEqual(a.expected);
    }
  });
});

describe("osquery live: a source for every platform that cannot map the rule gives way to one per platform", () => {
  const live = bundledMapping(osquery, "live");
  // processes.name means different things per platform, so the all-platform source leaves process.name unmapped
  const byName = eventRule("process", match("process.name", [text("qemu-system-x86_64")], false));

  it("splits, and each part agrees with the evaluator on its platform's events", async () => {
    const out = osquery.convert({ rule: byName, document, mapping: live, profile: "live", outputStem: "rules/qemu" });
    expect(out.text).not.toBeNull();
    const entries = out.bundleEntry as PackEntry[];
    expect(entries.map((e) => e.os)).toEqual(["windows", "linux", "macos"]);
    for (const e of entries) expect(e.query).toContain("FROM processes AS p");
    const events = [
      { "event.category": "process", "event.type": "start", "host.os.type": "linux", "process.name": "qemu-system-x86_64", "process.executable": "/usr/bin/qemu-system-x86_64" },
      { "event.category": "process", "event.type": "start", "host.os.type": "linux", "process.name": "bash", "process.executable": "/usr/bin/bash" },
    ];
    const linux = entries.find((e) => e.os === "linux") as PackEntry;
    const db = await openOsqueryDb();
    const a = checkAgreement(db, linux.query, events, byName, document, live, "linux");
    expect(a.expected).toEqual([0]);
    expect(a.got).toEqual(a.expected);
  });

  it("a rule the all-platform source converts stays one query", () => {
    const out = osquery.convert({ rule: eventRule("process", match("process.pid", [{ kind: "number", value: 4, raw: "4", integer: true, span: { start: 0, end: 0 } }], true)), document, mapping: live, profile: "live", outputStem: "r" });
    expect(Array.isArray(out.bundleEntry)).toBe(false);
  });
});
