/**
 * Whole rules through the pipeline (EQL/KQL frontends -> mapping -> Splunk).
 * Expectations come from the issue and from SPL semantics, not from the
 * printer: each test states the property it checks.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundledMapping, convertParsed, parseRule } from "../../src/compile.js";
import { splunk } from "../../targets/splunk/index.js";
import { lintSpl, stringValues } from "../../targets/splunk/spl-lint.js";
import { convert, ruleToml } from "./helpers.js";

const ROOT = join(import.meta.dirname, "..", "..");

function seed(profile: "cim" | "sysmon") {
  const file = "rules/persistence_system_shells_via_services.toml";
  const parsed = parseRule(file, readFileSync(join(ROOT, file), "utf8"));
  return convertParsed(parsed, { target: splunk, profile, mapping: bundledMapping(splunk, profile) }, "seed");
}

describe("the seed rule (issue 7, done-when)", () => {
  it("CIM: tstats over Endpoint.Processes with the parent, the four shells, and the NVIDIA argument excluded", () => {
    const o = seed("cim");
    expect(o.status).toBe("ok");
    const text = o.result.text as string;
    expect(lintSpl(text)).toEqual([]);
    expect(text).toMatch(/^\| tstats summariesonly=false allow_old_summaries=true count min\(_time\) as firstTime max\(_time\) as lastTime from datamodel=Endpoint\.Processes where /);
    expect(text).toContain('Processes.parent_process_name="services.exe"');
    expect(text).toContain('Processes.process_name IN ("cmd.exe", "powershell.exe", "pwsh.exe", "powershell_ise.exe")');
    // args -> a substring of the command line, excluded, with an approximation warning.
    expect(text).toContain('NOT Processes.process="*NVDisplay.ContainerLocalSystem*"');
    expect(o.result.diagnostics.find((d) => d.code === "SPLUNK103")?.severity).toBe("warning");
    // event.type start is what the Processes data set holds: left out, and said so.
    expect(o.result.diagnostics.some((d) => d.code === "SPLUNK101")).toBe(true);
  });
  it("sysmon: a raw Sysmon EventCode 1 search with native field names", () => {
    const o = seed("sysmon");
    expect(o.status).toBe("ok");
    const text = o.result.text as string;
    expect(lintSpl(text)).toEqual([]);
    expect(text.startsWith('source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 ')).toBe(true);
    // process.parent.name is the last path component of ParentImage.
    expect(stringValues(text)).toContain("*\\services.exe");
    expect(text).toContain('NOT CommandLine="*NVDisplay.ContainerLocalSystem*"');
  });
});

describe("case sensitivity", () => {
  it("EQL == on a cased value is checked case-sensitively in | where (search would fold case)", () => {
    const r = convert('process where host.os.type == "windows" and process.name == "Cmd.exe"');
    expect(r.status).toBe("ok");
    expect(r.text).toContain("Processes.process_name=\"Cmd.exe\""); // narrowing in tstats (case-insensitive)
    expect(r.text).toContain("| where 'Processes.process_name'==\"Cmd.exe\""); // the exact test
  });
  it("EQL : is case-insensitive: search alone, no | where", () => {
    const r = convert('process where host.os.type == "windows" and process.name : "Cmd.exe"');
    expect(r.text).toContain('Processes.process_name="Cmd.exe"');
    expect(r.text).not.toContain("| where");
  });
  it("a case-sensitive value without letters needs no | where", () => {
    const r = convert('process where host.os.type == "windows" and process.pid == 4 and process.command_line == "--1"');
    expect(r.text).not.toContain("| where");
  });
});

describe("wildcards", () => {
  it("EQL ? stays a one-character wildcard in | where; search only narrows with *", () => {
    const r = convert('process where host.os.type == "windows" and process.executable : "?:\\\\Windows\\\\cmd.exe"', "sysmon");
    expect(r.status).toBe("ok");
    const text = r.text as string;
    expect(stringValues(text)).toContain("*:\\Windows\\cmd.exe"); // wider, in search
    expect(text).toMatch(/\| where match\(Image, "\(\?si\)\^\(\?:\.:\\\\\\\\Windows\\\\\\\\cmd\\\\\.exe\)\\\\z"\)/);
  });
  it("EQL in (...) with a literal * compares exactly in | where", () => {
    const r = convert('process where host.os.type == "windows" and process.name in ("a*b.exe")');
    expect(r.text).toContain("'Processes.process_name'==\"a*b.exe\"");
  });
});

describe("null and missing fields", () => {
  it("!= null is field=*, == null is NOT field=*", () => {
    const a = convert('process where host.os.type == "windows" and process.parent.name != null', "sysmon");
    expect(a.text).toContain("ParentImage=*");
    const b = convert('process where host.os.type == "windows" and process.parent.executable == null', "sysmon");
    expect(b.text).toContain("NOT ParentImage=*");
  });
  it("a negated case-sensitive test also matches events without the field", () => {
    const r = convert('process where host.os.type == "windows" and not process.executable == "C:\\\\x.exe"', "sysmon");
    expect(r.text).toContain("| where isnull(Image) OR NOT (Image==\"C:\\\\x.exe\")");
  });
});

describe("functions, regex and cidr", () => {
  it("cidrMatch becomes cidrmatch() per block", () => {
    const r = convert('network where host.os.type == "windows" and cidrmatch(destination.ip, "10.0.0.0/8", "fd00::/8")', "sysmon");
    expect(r.text).toContain('(cidrmatch("10.0.0.0/8", DestinationIp) OR cidrmatch("fd00::/8", DestinationIp))');
  });
  it("regex~ becomes a case-insensitive anchored match()", () => {
    const r = convert('process where host.os.type == "windows" and process.command_line regex~ """.*mini(dump)?.*"""', "sysmon");
    expect(r.status).toBe("ok");
    expect(stringValues(r.text as string)).toContain("(?si)^(?:.*mini(?:dump)?.*)\\z");
  });
  it("a Lucene operator without PCRE counterpart is unsupported, with its span", () => {
    const r = convert('process where host.os.type == "windows" and process.command_line regex """a~b"""');
    expect(r.status).toBe("unsupported");
    expect(r.codes).toContain("SPLUNK021");
    expect(r.text).toBeNull();
  });
  it("length() and stringContains~ are eval functions", () => {
    const r = convert('process where host.os.type == "windows" and length(process.command_line) > 20 and stringContains~(process.command_line, "A.b")', "sysmon");
    expect(r.text).toContain("len(CommandLine) > 20");
    expect(stringValues(r.text as string)).toContain("(?si)A\\.b");
  });
});

describe("rule types", () => {
  it("threshold: stats count by the fields, where count >= value, dc() for cardinality", () => {
    const r = convert("event.category:authentication and host.os.type:windows and event.outcome:failure", "sysmon", {
      type: "threshold",
      extra: '[rule.threshold]\nfield = ["source.ip"]\nvalue = 10\n[[rule.threshold.cardinality]]\nfield = "user.name"\nvalue = 3\n',
    });
    expect(r.status).toBe("ok");
    expect(r.text).toContain("| stats count dc(TargetUserName) as cardinality1 by IpAddress\n| where count >= 10 AND cardinality1 >= 3");
  });
  it("new_terms: first-seen time per value since the history window, with an approximation warning", () => {
    const r = convert("event.category:process and host.os.type:windows and process.name:cmd.exe", "sysmon", {
      type: "new_terms",
      extra: '[rule.new_terms]\nfield = "new_terms_fields"\nvalue = ["process.parent.executable"]\n[[rule.new_terms.history_window_start]]\nfield = "history_window_start"\nvalue = "now-7d"\n',
    });
    expect(r.status).toBe("ok");
    expect(r.codes).toContain("SPLUNK006");
    expect(r.text).toContain('| stats min(_time) as firstTime by ParentImage\n| where firstTime >= relative_time(now(), "-9m")');
    expect((r.bundleEntry as { earliest: string }).earliest).toBe("-7d");
  });
  it("a grouping field mapped as a basename is computed exactly with split()/mvindex()", () => {
    const r = convert("event.category:process and host.os.type:windows and process.name:cmd.exe", "sysmon", {
      type: "new_terms",
      extra: '[rule.new_terms]\nfield = "new_terms_fields"\nvalue = ["host.name", "process.parent.name"]\n[[rule.new_terms.history_window_start]]\nfield = "history_window_start"\nvalue = "now-7d"\n',
    });
    expect(r.status).toBe("ok");
    expect(r.text).toContain('| eval term_k2=mvindex(split(ParentImage, "\\\\"), -1)\n| stats min(_time) as firstTime by Computer term_k2');
  });
  it("sequence: union of the terms, stats per join key, ordered, with a warning", () => {
    const r = convert(
      'sequence by process.entity_id with maxspan=30s [process where host.os.type == "windows" and process.name : "a.exe"] [network where host.os.type == "windows" and destination.port == 443]',
      "sysmon",
    );
    expect(r.status).toBe("ok");
    expect(r.codes).toContain("SPLUNK040");
    const text = r.text as string;
    expect(lintSpl(text)).toEqual([]);
    expect(text).toMatch(/^\| multisearch \[search .*EventCode=1 .*\| eval seq_term=1, .*seq_k1=ProcessGuid\] \[search .*EventCode=3 .*seq_term=2/);
    expect(text).toContain("| bin _time span=30s");
    expect(text).toContain("by _time seq_k1");
    expect(text).toContain("seq_first1 <= seq_last2");
  });
  it("a sequence with until is unsupported", () => {
    const r = convert('sequence by host.id with maxspan=1m [process where host.os.type == "windows" and process.name : "a"] [process where host.os.type == "windows" and process.name : "b"] until [process where host.os.type == "windows" and process.name : "c"]');
    expect(r.status).toBe("unsupported");
    expect(r.codes).toContain("SPLUNK041");
  });
});

describe("vocabulary and derived fields", () => {
  it("file.extension is the end of the file name (ECS defines it from file.name)", () => {
    const r = convert('file where host.os.type == "windows" and file.extension : ("js", "vbs")');
    expect(r.text).toContain('Filesystem.file_name IN ("*.js", "*.vbs")');
    expect(r.codes).toContain("SPLUNK014");
    expect(r.codes).not.toContain("SPLUNK100");
  });
  it("a wildcard extension is not rewritten (a wildcard could cross a dot)", () => {
    // raw search: kept under its ECS name, with a warning
    const raw = convert('file where host.os.type == "windows" and file.extension : "j*"', "sysmon");
    expect(raw.codes).not.toContain("SPLUNK014");
    expect(raw.codes).toContain("SPLUNK100");
    // tstats: a field outside the data model cannot be searched at all
    const dm = convert('file where host.os.type == "windows" and file.extension : "j*"');
    expect(dm.codes).not.toContain("SPLUNK014");
    expect(dm.status).toBe("unsupported");
    expect(dm.diagnostics.find((d) => d.code === "SPLUNK032")?.message).toContain("`file.extension` is not a field of the data model Endpoint.Filesystem");
  });
  it("event.type values become the data model's action values", () => {
    const r = convert('file where host.os.type == "windows" and event.type == "creation" and file.name : "x.txt"');
    expect(r.text).toContain('Filesystem.action="created"');
    expect(r.codes).not.toContain("SPLUNK100");
  });
  it("Windows logon actions become Security event codes; an unknown value has no counterpart (kept only under `unmapped: warn`)", () => {
    const a = convert('authentication where host.os.type == "windows" and event.action == "logon-failed"', "sysmon");
    expect(a.text).toContain("EventCode=4625");
    const b = convert('authentication where host.os.type == "windows" and event.action == "something-else"', "sysmon");
    expect(b.status).toBe("unsupported");
    expect(b.diagnostics.find((d) => d.code === "SPLUNK100")?.severity).toBe("error");
    const c = convert('authentication where host.os.type == "windows" and event.action == "something-else"', "sysmon", {}, "unmapped: warn\n");
    expect(c.diagnostics.find((d) => d.code === "SPLUNK100")?.severity).toBe("warning");
    expect(c.text).toContain('event.action="something-else"');
  });
});

describe("Windows event log values", () => {
  it("logon type names become the numbers the raw event holds; a name not in the table has no counterpart", () => {
    const r = convert('authentication where host.os.type == "windows" and winlog.logon.type : "RemoteInteractive"', "sysmon");
    expect(r.status).toBe("ok");
    expect(r.text).toContain("LogonType=10");
    expect(r.codes).toContain("SPLUNK015");
    // EQL == is case-sensitive: "network" is not the name Elastic gives type 3
    const cased = convert('authentication where host.os.type == "windows" and winlog.logon.type == "network"', "sysmon");
    expect(cased.status).toBe("unsupported");
    // no CIM field holds it: tstats cannot test it
    const cim = convert('authentication where host.os.type == "windows" and winlog.logon.type : "Network"');
    expect(cim.status).toBe("unsupported");
    expect(cim.text).toBeNull();
  });
  it("event.outcome success / failure is the action the Windows add-on and CIM record", () => {
    expect(convert('authentication where host.os.type == "windows" and event.outcome == "failure"', "sysmon").text).toContain('action="failure"');
    expect(convert('authentication where host.os.type == "windows" and event.outcome == "failure"').text).toContain('Authentication.action="failure"');
  });
  it("PowerShell script blocks: the event holds the user's SID, which is user.id; user.name has no counterpart", () => {
    const id = convert('process where host.os.type == "windows" and powershell.file.script_block_text : "*IEX*" and not user.id : "S-1-5-18"', "sysmon", { index: ["logs-windows.powershell*"] });
    expect(id.status).toBe("ok");
    expect(id.text).toContain('NOT UserID="S-1-5-18"');
    const name = convert('process where host.os.type == "windows" and powershell.file.script_block_text : "*IEX*" and user.name : "SYSTEM"', "sysmon", { index: ["logs-windows.powershell*"] });
    expect(name.status).toBe("unsupported");
    expect(name.diagnostics.find((d) => d.code === "SPLUNK100")?.message).toContain("`user.name`");
  });
  it("a host's name standing in for its id is announced (SPLUNK108)", () => {
    const r = convert('sequence by host.id with maxspan=1m [process where host.os.type == "windows" and process.name : "a.exe"] [process where host.os.type == "windows" and process.name : "b.exe"]', "sysmon");
    expect(r.status).toBe("ok");
    expect(r.diagnostics.find((d) => d.code === "SPLUNK108")?.message).toBe("approximation: `host.id` is matched as `Computer` (the event identifies the host by name)");
  });
});

describe("presence vocabularies", () => {
  it("CloudTrail success / failure is whether errorCode is present", () => {
    const ok = convert('event.dataset:aws.cloudtrail and event.action:ConsoleLogin and event.outcome:success', "cim", { type: "query", index: ["logs-aws.cloudtrail-*"] });
    expect(ok.text).toContain("NOT errorCode=*");
    const bad = convert('event.dataset:aws.cloudtrail and event.action:ConsoleLogin and event.outcome:failure', "cim", { type: "query", index: ["logs-aws.cloudtrail-*"] });
    expect(bad.text).toContain("errorCode=*");
    expect(bad.text).not.toContain("NOT errorCode");
    expect(bad.codes).not.toContain("SPLUNK100");
  });
});

describe("data sources", () => {
  it("a DNS query goes to Network_Resolution.DNS (requires: dns fields)", () => {
    const r = convert('network where host.os.type == "windows" and dns.question.name : "*.onion"');
    expect(r.text).toContain("from datamodel=Network_Resolution.DNS where DNS.query=\"*.onion\"");
  });
  it("data without a CIM model falls back to a raw search and says so", () => {
    const r = convert('library where host.os.type == "windows" and dll.name : "evil.dll"');
    expect(r.status).toBe("ok");
    expect(r.codes).toContain("SPLUNK012");
    expect(r.text?.startsWith('source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=7 ')).toBe(true);
  });
  it("a source type with its own field names: an unmapped field is unsupported (its ECS name is not in the events), at the field", () => {
    const query = 'process where host.os.type == "windows" and process.code_signature.trusted == false';
    const r = convert(query, "sysmon");
    expect(r.status).toBe("unsupported");
    expect(r.text).toBeNull();
    const d = r.diagnostics.find((x) => x.code === "SPLUNK100");
    expect(d?.severity).toBe("error");
    expect(d?.message).toContain("data source `sysmon_process_creation`");
    expect(d?.span && ruleToml(query).slice(d.span.start, d.span.end)).toBe("process.code_signature.trusted");
  });
  it("`unmapped: warn` in an override keeps ECS names in a raw search, with a warning (for Splunk data that carries them)", () => {
    const r = convert('process where host.os.type == "windows" and process.code_signature.trusted == false', "sysmon", {}, "unmapped: warn\n");
    expect(r.status).toBe("ok");
    expect(r.diagnostics.find((d) => d.code === "SPLUNK100")?.severity).toBe("warning");
    expect(r.text).toContain("process.code_signature.trusted=false");
  });
  it("the catch-all for ECS-shaped data keeps ECS names with a warning, in both profiles", () => {
    for (const profile of ["cim", "sysmon"] as const) {
      const r = convert("event.dataset:acme.audit and acme.audit.action:delete", profile, { type: "query", index: ["logs-acme.audit-*"], tags: [] });
      expect(r.status, profile).toBe("ok");
      expect(r.codes, profile).toContain("SPLUNK012");
      expect(r.diagnostics.find((d) => d.code === "SPLUNK100")?.severity, profile).toBe("warning");
      expect(r.text, profile).toMatch(/^index=\* .*acme\.audit\.action="delete"/);
    }
  });
  it("in a tstats search an unmapped field is unsupported (tstats reads only the data model's fields), at the field", () => {
    const query = 'process where host.os.type == "windows" and process.code_signature.trusted == false';
    const r = convert(query);
    expect(r.status).toBe("unsupported");
    expect(r.text).toBeNull();
    const d = r.diagnostics.find((x) => x.code === "SPLUNK032");
    expect(d?.severity).toBe("error");
    expect(d?.message).toContain("`process.code_signature.trusted` is not a field of the data model Endpoint.Processes");
    // the span is the field's, not the whole query's
    expect(d?.span && ruleToml(query).slice(d.span.start, d.span.end)).toBe("process.code_signature.trusted");
    // not also "kept under its ECS name": it is not kept
    expect(r.codes).not.toContain("SPLUNK100");
  });
  it("in a tstats search a join key outside the data model is unsupported, not an error", () => {
    const r = convert('sequence by process.code_signature.subject_name with maxspan=30s [process where host.os.type == "windows" and process.name : "a.exe"] [process where host.os.type == "windows" and process.name : "b.exe"]');
    expect(r.status).toBe("unsupported");
    // the reason, at the key, and not SPLUNK043 (an internal disagreement between the terms' key counts)
    expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toEqual(["SPLUNK032"]);
    expect(r.diagnostics.find((d) => d.code === "SPLUNK032")?.message).toContain("`process.code_signature.subject_name`");
  });
  it("a tstats search refuses a field outside the data model even under `unmapped: warn`", () => {
    const r = convert('process where host.os.type == "windows" and process.code_signature.trusted == false', "cim", {}, "unmapped: warn\n");
    expect(r.status).toBe("unsupported");
    expect(r.codes).toContain("SPLUNK032");
    expect(r.codes).not.toContain("SPLUNK100");
    // and a field an override maps outside the data set
    const o = convert('process where host.os.type == "windows" and process.code_signature.trusted == false', "cim", {}, "fields:\n  process.code_signature.trusted: signature_trusted\n");
    expect(o.status).toBe("unsupported");
    expect(o.diagnostics.find((d) => d.code === "SPLUNK032")?.message).toContain("`signature_trusted` is not a field of the data model Endpoint.Processes");
  });
  it("a threshold field outside the data model is unsupported in a tstats search", () => {
    const r = convert("event.category:process and host.os.type:windows and process.name:cmd.exe", "cim", { type: "threshold", extra: '[rule.threshold]\nfield = ["process.code_signature.subject_name"]\nvalue = 5' });
    expect(r.status).toBe("unsupported");
    expect(r.codes).toContain("SPLUNK032");
  });
});
