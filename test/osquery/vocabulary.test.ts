/**
 * Value translation (emit.values) and the data source choice for file events:
 * ECS event.type / event.action become osquery's own `action` spellings, a value
 * outside a table's vocabulary matches no row (warned), and file.extension is the
 * end of the path. Expected verdicts come from the documented vocabularies
 * (osquery's kNTFSEventToStringMap, kMaskActions, the EndpointSecurity event types
 * osquery subscribes to) and ECS semantics, then SQLite must agree with the evaluator.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundledMapping, compileRule } from "../../src/compile.js";
import { osquery } from "../../targets/osquery/index.js";
import { openOsqueryDb } from "../../targets/osquery/testing/sqlite.js";
import { checkAgreement } from "../../targets/osquery/testing/semantics.js";
import { and, documentWith, eventRule, match, not, text, wild } from "./ir.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "osquery-windows-startup-shortcut-file.toml");
const mapping = bundledMapping(osquery, "events");
const convert = (rule: ReturnType<typeof eventRule>, tags: string[]) =>
  osquery.convert({ rule, document: documentWith(tags), mapping, profile: "events", outputStem: "t" });

const STARTUP = "C:\\Users\\bob\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\";
const file = (f: Record<string, unknown>) => ({ "event.category": "file", "host.os.type": "windows", ...f });

describe("osquery: file event vocabulary on ntfs_journal_events", () => {
  const c = compileRule("test/osquery/fixtures/osquery-windows-startup-shortcut-file.toml", readFileSync(FIXTURE, "utf8"), [{ target: osquery, profile: "events" }]);
  const o = c.outcomes[0];

  it("converts, naming osquery's action values", () => {
    expect(o?.status).toBe("ok");
    const sql = o?.result.text as string;
    expect(sql).toContain("FROM ntfs_journal_events AS e");
    expect(sql).toMatch(/e\.action IN \('FileCreation', 'DirectoryCreation', 'FileWrite'/);
    // not event.action in (deletion, ...): a negated query leaf, so a missing action satisfies it
    expect(sql).toContain("(e.action IS NULL OR e.action NOT IN ('FileDeletion', 'DirectoryDeletion'))");
    expect(sql).toContain("e.path LIKE '%.lnk'");
    // file_delete_event is not in the vocabulary: announced
    expect(o?.result.diagnostics.map((d) => d.code)).toContain("OSQUERY141");
  });

  it("SQLite returns exactly the events the evaluator matches", async () => {
    const events = [
      file({ "event.type": "creation", "event.action": "creation", "file.path": `${STARTUP}evil.lnk` }), // match
      file({ "event.type": "change", "event.action": "overwrite", "file.path": `${STARTUP}evil.URL` }), // match: `:` folds case
      file({ "event.type": "deletion", "event.action": "deletion", "file.path": `${STARTUP}evil.lnk` }), // deleted
      file({ "event.type": "creation", "event.action": "creation", "file.path": `${STARTUP}evil.lnk.txt` }), // extension txt
      file({ "event.type": "creation", "event.action": "creation", "file.path": "C:\\Temp\\evil.lnk" }), // elsewhere
      file({ "event.type": "change", "event.action": "rename", "file.path": `${STARTUP}a.lnk` }), // match
      file({ "event.type": "creation", "event.action": "file_create_event", "file.path": `${STARTUP}a.lnk` }), // no row has this action
    ];
    const db = await openOsqueryDb();
    const a = checkAgreement(db, o?.result.text as string, events, c.ir!, c.document!, mapping);
    expect(a.skipped.map((s) => s.index)).toEqual([6]);
    expect(a.expected).toEqual([0, 1, 5]);
    expect(a.got).toEqual(a.expected);
  });
});

describe("osquery: vocabulary edge cases", () => {
  it("a value the table never records makes the rule unsupported (OSQUERY013)", () => {
    // es_process_file_events has no deletions: osquery subscribes to create, write, rename, truncate only
    const r = convert(eventRule("file", and(match("host.os.type", [text("macos")], true), match("event.type", [text("deletion")], true))), ["OS: macOS"]);
    expect(r.text).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toContain("OSQUERY013");
  });

  it("socket_events: only connect rows are read; an accepted connection is not recorded there", () => {
    const lin = (c: Parameters<typeof and>[0]) => convert(eventRule("network", and(match("host.os.type", [text("linux")], true), c)), ["OS: Linux"]);
    const out = lin(match("event.action", [text("connection_attempted")], true));
    expect(out.text).toContain("WHERE e.action = 'connect'");
    // ECS source.* is the initiator: this host, whose address osquery does not record for a connect
    expect(lin(match("source.ip", [text("10.0.0.1")], true)).diagnostics.map((d) => d.code)).toContain("OSQUERY100");
    expect(lin(match("event.action", [text("connection_accepted")], true)).diagnostics.map((d) => d.code)).toContain("OSQUERY013");
  });

  it("a wildcard list that matches a value the source implies is guaranteed (OSQUERY101)", () => {
    const linux = (values: ReturnType<typeof wild>[]) =>
      convert(eventRule("process", and(match("host.os.type", [text("linux")], true), match("event.action", values, true), match("process.name", [text("gitleaks")], true))), ["OS: Linux"]);
    // process_events rows are all `exec` (implied): "exec" among the values holds on every row
    const ok = linux([text("exec"), wild("Process Create*")]);
    expect(ok.text).toContain("FROM process_events AS e");
    expect(ok.text).not.toContain("Process Create");
    expect(ok.diagnostics.filter((d) => d.code === "OSQUERY101").map((d) => d.message).join()).toContain("event.action");
    // no value matches `exec`: not guaranteed, and process_events has no column for other actions
    expect(linux([wild("Process Create*")]).diagnostics.map((d) => d.code)).toContain("OSQUERY100");
  });

  it("dns_lookup_events serves a Windows network rule only when it requires a DNS question (OSQUERY016)", () => {
    const win = (c: Parameters<typeof and>[0]) => convert(eventRule("network", and(match("host.os.type", [text("windows")], true), c)), ["OS: Windows"]);
    const dns = win(match("dns.question.name", [wild("*.onion")], false));
    expect(dns.text).toContain("FROM dns_lookup_events AS e");
    expect(dns.text).toContain("e.name LIKE '%.onion'");
    // a network rule about the process only would read just the DNS lookups of that process: refused
    const other = win(match("process.name", [text("certutil.exe")], false));
    expect(other.text).toBeNull();
    expect(other.diagnostics.map((d) => d.code)).toEqual(["OSQUERY011"]);
  });

  it("a wildcard value matches the vocabulary entries it matches", () => {
    const r = convert(eventRule("file", and(match("host.os.type", [text("linux")], true), match("event.action", [wild("*at*")], false))), ["OS: Linux"]);
    // creation, modification ("modific-at-ion") and attributes_modified hold "at"; deletion, rename, open do not
    expect(r.text).toContain("e.action IN ('CREATED', 'UPDATED', 'ATTRIBUTES_MODIFIED')");
  });

  it("a negated translation keeps rows whose value has no ECS counterpart", async () => {
    const rule = eventRule("file", and(match("host.os.type", [text("linux")], true), not(match("event.type", [text("creation")], true)), match("file.name", [text("passwd")], true)));
    const r = convert(rule, ["OS: Linux"]);
    expect(r.text).toContain("(e.action IS NULL OR e.action <> 'CREATED')");
    const evs = [
      { "event.category": "file", "host.os.type": "linux", "event.type": "creation", "file.path": "/etc/passwd" },
      { "event.category": "file", "host.os.type": "linux", "event.type": "change", "file.path": "/etc/passwd" },
      { "event.category": "file", "host.os.type": "linux", "file.path": "/etc/passwd" },
    ];
    const db = await openOsqueryDb();
    const a = checkAgreement(db, r.text as string, evs, rule, documentWith(["OS: Linux"]), mapping);
    expect(a.expected).toEqual([1, 2]);
    expect(a.got).toEqual(a.expected);
  });

  it("an EQL category the table cannot tell apart is unsupported (OSQUERY012)", () => {
    const r = convert(eventRule("iam", match("event.code", [text("4720")], true)), ["OS: Windows"]);
    expect(r.text).toBeNull();
  });
});

describe("osquery: Windows event logs on windows_events", () => {
  const anyRule = (condition: Parameters<typeof eventRule>[1]) => {
    const r = eventRule("any", condition, { index: ["winlogbeat-*", "logs-system.security*"] });
    return { ...r, query: { ...r.query, category: { kind: "any" as const } } };
  };
  const rule = anyRule(
    and(
      match("host.os.type", [text("windows")], true),
      match("event.code", [text("5137")], true),
      match("winlog.event_data.ObjectDN", [wild("DC=wpad,*")], false),
      not(match("winlog.event_data.SubjectUserName", [wild("*$")], false)),
    ),
  );
  const sec = (f: Record<string, unknown>) => ({ "host.os.type": "windows", "event.code": "5137", "winlog.channel": "Security", ...f });

  it("reads event data from the JSON `data` column", () => {
    const r = convert(rule, ["OS: Windows"]);
    expect(r.text).toContain("FROM windows_events AS e");
    expect(r.text).toContain("e.eventid = '5137'");
    expect(r.text).toContain("json_extract(e.data, '$.EventData.ObjectDN') LIKE 'DC=wpad,%'");
    expect(r.text).toContain("(json_extract(e.data, '$.EventData.SubjectUserName') IS NULL OR json_extract(e.data, '$.EventData.SubjectUserName') NOT LIKE '%$')");
  });

  it("SQLite returns exactly the events the evaluator matches", async () => {
    const r = convert(rule, ["OS: Windows"]);
    const events = [
      sec({ "winlog.event_data.ObjectDN": "DC=wpad,DC=corp,DC=local", "winlog.event_data.SubjectUserName": "alice" }), // match
      sec({ "winlog.event_data.ObjectDN": "dc=WPAD,DC=corp", "winlog.event_data.SubjectUserName": "alice" }), // match: `:` folds case
      sec({ "winlog.event_data.ObjectDN": "DC=wpad,DC=corp", "winlog.event_data.SubjectUserName": "DC01$" }), // machine account
      sec({ "winlog.event_data.ObjectDN": "DC=wpad,DC=corp" }), // no subject: the negation holds
      sec({ "event.code": "5136", "winlog.event_data.ObjectDN": "DC=wpad,DC=corp" }), // another event id
      sec({ "winlog.event_data.ObjectDN": "DC=other,DC=corp" }),
    ];
    const db = await openOsqueryDb();
    const a = checkAgreement(db, r.text as string, events, rule, documentWith(["OS: Windows"]), mapping);
    expect(a.skipped).toEqual([]);
    expect(a.expected).toEqual([0, 1, 3]);
    expect(a.got).toEqual(a.expected);
  });

  it("unnamed event data (Winlogbeat's paramN) is osquery's JSON array", async () => {
    const r2 = anyRule(and(match("winlog.channel", [text("Application")], true), match("winlog.event_data.param2", [wild("*FullControl*")], true)));
    const out = convert(r2, ["OS: Windows"]);
    expect(out.text).toContain("json_extract(e.data, '$.EventData[1]') GLOB '*FullControl*'");
    const events = [
      { "winlog.channel": "Application", "winlog.event_data.param1": "x", "winlog.event_data.param2": "mode FullControl" }, // match
      { "winlog.channel": "Application", "winlog.event_data.param1": "mode FullControl" }, // first element only
    ];
    const db = await openOsqueryDb();
    const a = checkAgreement(db, out.text as string, events, r2, documentWith(["OS: Windows"]), mapping);
    expect(a.inserted).toBe(2);
    expect(a.expected).toEqual([0]);
    expect(a.got).toEqual(a.expected);
  });

  it("an EQL category other than `any` is not told by windows_events", () => {
    // `alert` has no source of its own: windows_event_log is the only candidate and cannot check it
    const r = eventRule("alert", match("event.code", [text("4720")], true), { index: ["winlogbeat-*"] });
    const out = convert(r, ["OS: Windows"]);
    expect(out.text).toBeNull();
    expect(out.diagnostics.map((d) => d.code)).toContain("OSQUERY012");
    // `iam` names a category osquery has no table for: that is what the rule is told first
    const iam = convert(eventRule("iam", match("event.code", [text("4720")], true), { index: ["winlogbeat-*"] }), ["OS: Windows"]);
    expect(iam.diagnostics.map((d) => d.code)).toEqual(["OSQUERY011"]);
  });
});

describe("osquery: code signature booleans from the authenticode result", () => {
  const bool = (value: boolean) => ({ kind: "boolean" as const, value, span: { start: 0, end: 0 } });
  const rule = eventRule(
    "process",
    and(
      match("host.os.type", [text("windows")], true),
      match("process.name", [text("evil.exe")], false),
      { kind: "or", operands: [match("process.code_signature.trusted", [bool(false)], true), match("process.code_signature.exists", [bool(false)], true)], span: { start: 0, end: 0 } },
    ),
  );
  const proc = (f: Record<string, unknown>) => ({ "event.category": "process", "event.type": "start", "host.os.type": "windows", "process.name": "evil.exe", ...f });

  it("joins authenticode and compares its result", () => {
    const r = convert(rule, ["OS: Windows"]);
    expect(r.text).toContain("LEFT JOIN authenticode AS sig ON sig.path = e.path");
    expect(r.text).toContain("sig.result IN ('valid', 'invalid', 'distrusted', 'untrusted')");
    expect(r.text).toContain("sig.result = 'missing'");
    expect(r.diagnostics.map((d) => d.code)).toContain("OSQUERY120");
  });

  it("SQLite returns exactly the events the evaluator matches", async () => {
    const r = convert(rule, ["OS: Windows"]);
    const events = [
      proc({ "process.executable": "C:\\A\\evil.exe", "process.code_signature.exists": true, "process.code_signature.trusted": false }), // signed, untrusted: match
      proc({ "process.executable": "C:\\B\\evil.exe", "process.code_signature.exists": true, "process.code_signature.trusted": true }), // trusted
      proc({ "process.executable": "C:\\C\\evil.exe", "process.code_signature.exists": false }), // unsigned: match
      proc({ "process.executable": "C:\\D\\evil.exe" }), // no signature information: neither test holds
    ];
    const db = await openOsqueryDb();
    const a = checkAgreement(db, r.text as string, events, rule, documentWith(["OS: Windows"]), mapping);
    expect(a.skipped).toEqual([]);
    expect(a.expected).toEqual([0, 2]);
    expect(a.got).toEqual(a.expected);
  });
});
