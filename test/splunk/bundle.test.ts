/**
 * savedsearches.conf: read back with the .conf rules (a trailing backslash
 * continues the value on the next line), every stanza must give back each
 * rule's search unchanged, its schedule and ATT&CK annotations.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splunk } from "../../targets/splunk/index.js";
import { confValue } from "../../targets/splunk/bundle.js";
import { cronOf, relativeTime } from "../../targets/splunk/syntax.js";
import { convert, ruleToml } from "./helpers.js";
import { bundledMapping, convertParsed, parseRule } from "../../src/compile.js";

/** A small .conf reader: stanzas of key = value, with backslash-newline continuations kept as newlines. */
function readConf(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | null = null;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] as string;
    if (line.startsWith("#") || line.trim() === "") continue;
    const st = /^\[(.*)\]$/.exec(line);
    if (st) {
      cur = new Map();
      out.set(st[1] as string, cur);
      continue;
    }
    while (line.endsWith("\\") && i + 1 < lines.length) line = `${line.slice(0, -1)}\n${lines[++i]}`;
    const m = /^([^=]+?) = (.*)$/s.exec(line);
    if (!m || !cur) throw new Error(`bad .conf line ${i + 1}: ${line}`);
    cur.set(m[1] as string, m[2] as string);
  }
  return out;
}

describe("savedsearches.conf", () => {
  const a = convert('process where host.os.type == "windows" and process.name : "a.exe" and not process.command_line : "*\\\\x\\\\*"', "sysmon", { interval: "10m", from: "now-15m" });
  const b = convert('sequence by host.id with maxspan=1m [process where host.os.type == "windows" and process.name : "a"] [process where host.os.type == "windows" and process.name : "b"]', "sysmon");
  const files = splunk.bundle([{ outputStem: "a", entry: a.bundleEntry }, { outputStem: "b", entry: { ...(b.bundleEntry as object), name: "Test Rule" } }], "sysmon");
  const conf = readConf(files[0]?.content ?? "");

  it("one stanza per rule, unique names", () => {
    expect(files.map((f) => f.path)).toEqual(["savedsearches.conf"]);
    expect([...conf.keys()]).toEqual(["ruleport - Test Rule", "ruleport - Test Rule (00000000-0000-0000-0000-000000000001)"]);
  });
  it("the search value reads back exactly as the .spl text (multi-line continuation)", () => {
    const stanzas = [...conf.values()];
    expect(stanzas[0]?.get("search")).toBe((a.text as string).replace(/\n$/, ""));
    expect(stanzas[1]?.get("search")).toBe((b.text as string).replace(/\n$/, ""));
    expect((b.text as string).split("\n").length).toBeGreaterThan(2);
  });
  it("schedule from interval and from; alert settings; ATT&CK annotations as JSON", () => {
    const s = [...conf.values()][0] as Map<string, string>;
    expect(s.get("cron_schedule")).toBe("*/10 * * * *");
    expect(s.get("dispatch.earliest_time")).toBe("-15m");
    expect(s.get("enableSched")).toBe("1");
    expect(s.get("description")).toBe("test rule");
    expect(JSON.parse(s.get("action.correlationsearch.annotations") as string)).toEqual({});
  });
  it("threat techniques and tactics go to the annotations", () => {
    const text = ruleToml('process where process.name : "a"') +
      '\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\nid = "T1543"\nname = "x"\nreference = "https://attack.mitre.org/techniques/T1543/"\n[[rule.threat.technique.subtechnique]]\nid = "T1543.003"\nname = "y"\nreference = "https://attack.mitre.org/techniques/T1543/003/"\n[rule.threat.tactic]\nid = "TA0003"\nname = "Persistence"\nreference = "https://attack.mitre.org/tactics/TA0003/"\n';
    const p = parseRule("t.toml", text);
    const o = convertParsed(p, { target: splunk, profile: "cim", mapping: bundledMapping(splunk, "cim") }, "t");
    const f = splunk.bundle([{ outputStem: "t", entry: o.result.bundleEntry }], "cim");
    const st = [...readConf(f[0]?.content ?? "").values()][0] as Map<string, string>;
    expect(JSON.parse(st.get("action.correlationsearch.annotations") as string)).toEqual({ mitre_attack: ["T1543", "T1543.003"], mitre_attack_tactics: ["TA0003"] });
    expect(st.get("cron_schedule")).toBe("*/5 * * * *");
    expect(st.get("dispatch.earliest_time")).toBe("-9m");
  });
  it("a multi-line description with a trailing backslash stays one value", () => {
    const v = confValue("line one\\\n\nline three");
    const back = readConf(`[s]\nk = ${v}\n`).get("s")?.get("k");
    expect(back).toBe("line one\\ \n\nline three");
  });
});

describe("conf values", () => {
  it("any multi-line value without carriage returns reads back unchanged (.conf trims leading blanks, which searches never start with)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom("a", " ", "\\", '"', "|", "=", "#", "[", "é") , maxLength: 12 }), { minLength: 1, maxLength: 5 }), (lines) => {
        const value = lines.map((l) => (l.endsWith("\\") ? `${l}x` : l)).join("\n").replace(/^ +/, "");
        const back = readConf(`[s]\nk = ${confValue(value)}\n`).get("s")?.get("k");
        expect(back).toBe(value);
      }),
      { numRuns: 300 },
    );
  });
});

describe("schedule helpers", () => {
  it.each([
    ["5m", "*/5 * * * *"],
    ["1m", "* * * * *"],
    ["60m", "0 * * * *"],
    ["1h", "0 * * * *"],
    ["6h", "0 */6 * * *"],
    ["24h", "0 0 * * *"],
    ["8m", null],
    ["7h", null],
  ])("cron of %s", (interval, cron) => expect(cronOf(interval)).toBe(cron));
  it.each([
    ["now-9m", "-9m"],
    ["now-1d/d", "-1d@d"],
    ["now", "now"],
    ["now-2M", "-2mon"],
    ["yesterday", null],
  ])("relative time of %s", (expr, rel) => expect(relativeTime(expr)).toBe(rel));
});
