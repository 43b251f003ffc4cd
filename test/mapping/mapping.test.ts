import { describe, expect, it } from "vitest";
import { applyFieldMap, factsOf, MappingLoadError, mergeMapping, parseMapping, selectSource } from "../../src/mapping/index.js";
import { parseEql } from "../../src/frontend/eql/index.js";
import { parseKql } from "../../src/frontend/kql/index.js";
import { translateLuceneRegex } from "../../src/eval/lucene-regex.js";
import { standaloneSource } from "../../src/frontend/source.js";
import type { Condition, EventQuery, RuleIR } from "../../src/ir/nodes.js";

const SPEC = `
description: test mapping
unmapped: error
fields:
  process.command_line: CommandLine
  process.args: { to: CommandLine, transform: contains, note: args joined }
  host.name: [Computer, Hostname]
  host.id: { to: Computer, note: the event names the host }
  user.id: null
sources:
  - id: proc_win
    when: { category: [process], os: [windows] }
    implied: { event.type: [start], host.os.type: [windows] }
    emit: { table: ProcessEvents }
    fields:
      process.name: { to: Image, transform: basename, separator: "\\\\" }
      file.extension: { to: TargetFilename, transform: extension }
  - id: fallback
`;

function eqlQuery(q: string): EventQuery {
  const r = parseEql(standaloneSource(q));
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.value!.query as EventQuery;
}
function rule(query: EventQuery, index: string[] = []): RuleIR {
  return { language: "eql", query, pipes: [], detection: { kind: "plain" }, suppression: null, eventCategoryField: "event.category", timestampField: "@timestamp", index, schedule: { from: "now-9m", interval: "5m" } };
}
function strip(c: unknown): unknown {
  return JSON.parse(JSON.stringify(c, (k, v) => (k === "span" ? undefined : v)));
}

describe("mapping files", () => {
  it("loads a valid file", () => {
    const m = parseMapping("m.yaml", SPEC);
    expect(m.unmapped).toBe("error");
    expect(m.sources.map((s) => s.id)).toEqual(["proc_win", "fallback"]);
    expect(m.fields.get("host.name")!.to).toEqual(["Computer", "Hostname"]);
    expect(m.fields.get("user.id")!.to).toEqual([]);
    expect(m.sources[0]!.fields.get("process.name")).toEqual({ to: ["Image"], transform: "basename", separator: "\\", note: null });
  });
  it("reports every problem with its line", () => {
    const bad = "unmapped: sometimes\nfeilds:\n  a: b\nsources:\n  - id: x\n    when: { colour: [red] }\n";
    let err: MappingLoadError | null = null;
    try {
      parseMapping("bad.yaml", bad);
    } catch (e) {
      err = e as MappingLoadError;
    }
    expect(err).toBeInstanceOf(MappingLoadError);
    expect(err!.errors.map((e) => [e.line, e.message])).toEqual([
      [2, "unknown key `feilds` (expected description, unmapped, fields, sources)"],
      [1, "`unmapped` must be error, warn or keep"],
      [6, "unknown condition `colour` in source x (expected category, os, index, index_only, dataset, integration)"],
    ]);
  });
  it("merges an override: fields by key, sources by id, new sources first", () => {
    const base = parseMapping("base.yaml", SPEC);
    const text = "fields:\n  process.command_line: Cmd\nsources:\n  - id: extra\n  - id: fallback\n    emit: { table: Other }\n";
    const m = mergeMapping(base, parseMapping("o.yaml", text), text);
    expect(m.fields.get("process.command_line")!.to).toEqual(["Cmd"]);
    expect(m.fields.get("host.name")!.to).toEqual(["Computer", "Hostname"]);
    expect(m.sources.map((s) => s.id)).toEqual(["extra", "proc_win", "fallback"]);
    expect(m.sources[2]!.emit).toEqual({ table: "Other" });
    expect(m.unmapped).toBe("error");
  });
});

describe("source selection", () => {
  const spec = parseMapping("m.yaml", SPEC);
  it("category and OS from the query", () => {
    const q = eqlQuery('process where host.os.type == "windows" and process.name : "x"');
    expect(selectSource(spec, factsOf(q, rule(q), null))!.id).toBe("proc_win");
  });
  it("OS from index patterns when the query and tags say nothing; several OSes are unknown", () => {
    const q = eqlQuery('process where process.name : "x"');
    expect(factsOf(q, rule(q, ["winlogbeat-*"]), null).os).toEqual(new Set(["windows"]));
    expect(factsOf(q, rule(q, ["winlogbeat-*", "auditbeat-*"]), null).os).toEqual(new Set());
    expect(selectSource(spec, factsOf(q, rule(q, ["logs-windows.sysmon_operational-*"]), null))!.id).toBe("proc_win");
  });
  it("remembered choices are per facts, whatever characters the facts hold", () => {
    const text = "sources:\n  - id: ab\n    when: { index: [\"a\", \"b\"] }\n  - id: nul\n    when: { index: [\"a\\0b\"] }\n";
    const m = parseMapping("m.yaml", text);
    const facts = (index: string[]) => ({ category: new Set<string>(), os: new Set<string>(), dataset: new Set<string>(), index, integration: [] });
    // asked in both orders: the first answer must not be reused for the other facts
    expect(selectSource(m, facts(["a", "b"]))!.id).toBe("ab");
    expect(selectSource(m, facts(["a\0b"]))!.id).toBe("nul");
    expect(selectSource(m, facts(["a", "b"]))!.id).toBe("ab");
    expect(selectSource(m, facts(["c"]))).toBeNull();
    // another mapping with the same facts chooses among its own sources
    expect(selectSource(spec, facts(["a", "b"]))!.id).toBe("fallback");
  });
  it("facts from nested conditions: an and takes what its constraining operands share, an or the union when every branch constrains", () => {
    const cat = (q: string) => factsOf(eqlQuery(q), rule(eqlQuery(q)), null).category;
    expect(cat('any where event.category : ("library", "driver") or (event.category == "process" and process.name : "x")')).toEqual(new Set(["library", "driver", "process"]));
    // one branch says nothing about the category: unknown
    expect(cat('any where event.category : "library" or process.name : "x"')).toEqual(new Set());
    // and: the values both constraining operands allow
    expect(cat('any where event.category : ("file", "process") and (event.category : "process" or event.category : "network")')).toEqual(new Set(["process"]));
    // a negation constrains nothing
    expect(cat('any where not event.category : "process" and host.os.type : "windows"')).toEqual(new Set());
    expect(factsOf(eqlQuery('any where (host.os.type == "linux" and a == 1) or (host.os.type == "macos" and b == 2)'), rule(eqlQuery("any where true")), null).os).toEqual(new Set(["linux", "macos"]));
  });
  it("category from endpoint index patterns for a query without one", () => {
    const k = parseKql(standaloneSource("process.name:cmd.exe"));
    const q: EventQuery = { kind: "event", category: { kind: "any" }, condition: k.value!, span: k.value!.span };
    expect(factsOf(q, rule(q, ["logs-endpoint.events.process-*"]), null).category).toEqual(new Set(["process"]));
    expect(factsOf(q, rule(q, ["logs-endpoint.events.process-*", "logs-endpoint.events.file-*"]), null).category).toEqual(new Set());
    expect(factsOf(q, rule(q, ["logs-endpoint.events.process-*", "winlogbeat-*"]), null).category).toEqual(new Set());
  });
});

describe("source conditions and policies", () => {
  const spec = parseMapping(
    "m.yaml",
    `
unmapped: error
sources:
  - id: o365_by_index
    when: { index: ["logs-o365.audit-*"], index_only: ["logs-o365.audit-*", "filebeat-*"] }
  - id: native
    when: { index_only: ["endgame-*"] }
    unmapped: keep
    fields:
      azure.x.*.name: X.name
`,
  );
  const kql = (q: string, index: string[]) => {
    const k = parseKql(standaloneSource(q));
    const e: EventQuery = { kind: "event", category: { kind: "any" }, condition: k.value!, span: k.value!.span };
    return { q: e, facts: factsOf(e, rule(e, index), null) };
  };
  it("index_only: every index pattern of the rule must be one of the source's", () => {
    expect(selectSource(spec, kql("a:1", ["filebeat-*", "logs-o365.audit-*"]).facts)?.id).toBe("o365_by_index");
    // a rule that also reads Azure data is not an O365-only rule
    expect(selectSource(spec, kql("a:1", ["logs-o365.audit-*", "logs-azure.signinlogs-*"]).facts)).toBeNull();
    // `index` still needs the specific pattern: filebeat-* alone says nothing
    expect(selectSource(spec, kql("a:1", ["filebeat-*"]).facts)).toBeNull();
    expect(selectSource(spec, kql("a:1", ["endgame-*"]).facts)?.id).toBe("native");
    expect(selectSource(spec, kql("a:1", ["endgame-*", "winlogbeat-*"]).facts)).toBeNull();
  });
  it("a source's own unmapped policy wins over the file's", () => {
    const { q } = kql("event.kind:alert", ["endgame-*"]);
    const r = applyFieldMap(q.condition, { spec, source: spec.sources[1]!, target: "t", code: "T" });
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([["info", "T100"]]);
    const strict = applyFieldMap(q.condition, { spec, source: spec.sources[0]!, target: "t", code: "T" });
    expect(strict.diagnostics.map((d) => [d.severity, d.code, d.unsupported])).toEqual([["error", "T100", true]]);
  });
  it("a field-pattern key maps a condition on that pattern to a plain field", () => {
    const { q } = kql("azure.x.*.name : a", ["endgame-*"]);
    const r = applyFieldMap(q.condition, { spec, source: spec.sources[1]!, target: "t", code: "T" });
    expect(r.diagnostics).toEqual([]);
    expect(strip(r.condition)).toMatchObject({ kind: "match", subject: { path: "X.name", wildcard: false } });
  });
  it("a bad source policy is reported with its line", () => {
    let err: MappingLoadError | undefined;
    try {
      parseMapping("m.yaml", "sources:\n  - id: a\n    unmapped: maybe\n");
    } catch (e) {
      err = e as MappingLoadError;
    }
    expect(err!.errors.map((e) => [e.line, e.message])).toEqual([[3, "`unmapped` of source a must be error, warn or keep"]]);
  });
});

describe("applyFieldMap", () => {
  const spec = parseMapping("m.yaml", SPEC);
  const source = spec.sources[0]!;
  const ctx = { spec, source, target: "t", code: "T" };
  const map = (q: string) => applyFieldMap(eqlQuery(q).condition, ctx);

  it("drops conditions the source guarantees, with an info", () => {
    const r = map('process where event.type == "start" and host.os.type == "windows" and process.command_line : "*x*"');
    expect(strip(r.condition)).toMatchObject({ kind: "match", subject: { path: "CommandLine" } });
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([["info", "T101"], ["info", "T101"]]);
  });
  it("a condition every event of the source meets is dropped; one it may not meet is kept", () => {
    expect((map('process where event.type in ("start", "end") and process.command_line : "x"').condition as Condition).kind).toBe("match");
    const r = map('process where event.type == "end" and process.command_line : "x"');
    expect((r.condition as Condition).kind).toBe("and");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["T100"]);
  });
  it("a wildcard value that matches every guaranteed value makes the condition guaranteed too", () => {
    const r = map('process where event.type like~ ("st*", "x") and process.command_line : "x"');
    expect(r.diagnostics.map((d) => d.code)).toEqual(["T101"]);
    expect(strip(r.condition)).toMatchObject({ kind: "match", subject: { path: "CommandLine" } });
    // two guaranteed values: a pattern matching only one of them guarantees nothing
    const two = parseMapping("m.yaml", "sources:\n  - id: s\n    implied: { event.category: [authentication, iam] }\n    fields: { process.command_line: CommandLine }\n");
    const ctx2 = { spec: two, source: two.sources[0]!, target: "t", code: "T" };
    const kept = applyFieldMap(eqlQuery('any where event.category like~ "auth*" and process.command_line : "x"').condition, ctx2);
    expect((kept.condition as Condition).kind).toBe("and");
    const both = applyFieldMap(eqlQuery('any where event.category like~ ("auth*", "i?m") and process.command_line : "x"').condition, ctx2);
    expect((both.condition as Condition).kind).toBe("match");
  });
  it("an `or` the source guarantees drops its other operands and their unmapped-field diagnostics", () => {
    // event.type start is guaranteed by proc_win; file.path has no counterpart (unmapped: error)
    const r = map('process where (event.type == "start" or file.path : "x") and process.command_line : "y"');
    expect(r.diagnostics.map((d) => d.code)).toEqual(["T101"]);
    expect(strip(r.condition)).toMatchObject({ kind: "match", subject: { path: "CommandLine" } });
    // not decided: the unmapped field still counts
    const kept = map('process where (event.type == "end" or file.path : "x") and process.command_line : "y"');
    expect(kept.diagnostics.map((d) => d.code)).toContain("T100");
  });
  it("basename: the value becomes a path suffix after the separator", () => {
    const r = map('process where process.name : "cmd.exe"');
    expect(strip(r.condition)).toEqual({
      kind: "match",
      subject: { kind: "field", path: "Image", optional: false, wildcard: false },
      values: [{ kind: "pattern", parts: [{ kind: "any" }, { kind: "text", value: "\\cmd.exe" }] }],
      caseSensitive: false,
      operator: ":",
    });
    expect(r.diagnostics).toEqual([]);
  });
  it("basename with a wildcard warns that it may cross separators", () => {
    const r = map('process where process.name : "cmd*.exe"');
    expect(r.diagnostics.map((d) => d.code)).toEqual(["T102"]);
  });
  it("extension: the value becomes a suffix after a dot; existence is a regular expression on the last path component, with a warning", () => {
    const r = map('process where file.extension : ("exe", "tar.gz")');
    expect(strip(r.condition)).toMatchObject({ subject: { path: "TargetFilename" }, values: [{ parts: [{ kind: "any" }, { kind: "text", value: ".exe" }] }, { parts: [{ kind: "any" }, { kind: "text", value: ".tar.gz" }] }] });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["T102"]);
    const ex = map("process where file.extension != null");
    expect(ex.diagnostics.map((d) => [d.code, d.severity])).toEqual([["T107", "warning"]]);
    const c = ex.condition as Condition;
    if (c.kind !== "regex-match") throw new Error(`expected a regex-match, got ${c.kind}`);
    const t = translateLuceneRegex(c.patterns[0]!.source, false);
    if (!t.ok) throw new Error(t.reason);
    // ECS: the extension is what follows the last "." of the file name (the last path component)
    const has = (path: string) => t.test(path);
    expect([has("C:\\Users\\a\\file.txt"), has("/tmp/x.tar.gz"), has("C:\\a.b\\file"), has("/home/a.b/file"), has("/tmp/file."), has("C:\\x\\noext")]).toEqual([true, true, false, false, false, false]);
  });
  it("adjacent any-runs collapse", () => {
    const r = map('process where process.args : "*x*"');
    expect(strip(r.condition)).toMatchObject({ values: [{ parts: [{ kind: "any" }, { kind: "text", value: "x" }, { kind: "any" }] }] });
  });
  it("contains: a lossy approximation, always a warning", () => {
    const r = map('process where process.args == "-enc"');
    expect(strip(r.condition)).toMatchObject({ kind: "match", subject: { path: "CommandLine" }, caseSensitive: true, values: [{ parts: [{ kind: "any" }, { kind: "text", value: "-enc" }, { kind: "any" }] }] });
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([["warning", "T103"]]);
  });
  it("one-to-many becomes OR; a negation stays around it", () => {
    const r = map('process where not host.name == "a"');
    expect(strip(r.condition)).toMatchObject({ kind: "not", operand: { kind: "or", operands: [{ subject: { path: "Computer" } }, { subject: { path: "Hostname" } }] } });
  });
  it("unmapped and explicitly unmapped fields follow the policy", () => {
    const r = map('process where user.id == "0" and file.path : "x"');
    expect(r.diagnostics.map((d) => [d.severity, d.unsupported, d.message])).toEqual([
      ["error", true, "field `user.id` is explicitly unmapped in this mapping (data source `proc_win`)"],
      ["error", true, "field `file.path` has no counterpart in this mapping (data source `proc_win`)"],
    ]);
    const warn = applyFieldMap(eqlQuery('process where file.path : "x"').condition, { ...ctx, spec: { ...spec, unmapped: "warn" } });
    expect(warn.diagnostics.map((d) => d.severity)).toEqual(["warning"]);
    const keep = applyFieldMap(eqlQuery('process where file.path : "x"').condition, { ...ctx, spec: { ...spec, unmapped: "keep" } });
    expect(keep.diagnostics.map((d) => d.severity)).toEqual(["info"]);
  });
  it("a mapping with a note is an announced approximation wherever it is used: in a condition and inside a value", () => {
    const r = map('process where host.id == "h1" and length(host.id) > 2');
    expect(strip(r.condition)).toMatchObject({ kind: "and", operands: [{ subject: { path: "Computer" } }, { left: { args: [{ path: "Computer" }] } }] });
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.message])).toEqual([
      ["T108", "warning", "approximation: `host.id` is matched as `Computer` (the event names the host)"],
      ["T108", "warning", "approximation: `host.id` is matched as `Computer` (the event names the host)"],
    ]);
    // a plain rename says nothing
    expect(map('process where process.command_line : "x"').diagnostics).toEqual([]);
  });
  it("a transformed field inside a function is unsupported", () => {
    const r = map('process where startsWith(process.name, "cmd")');
    expect(r.diagnostics.map((d) => [d.code, d.unsupported])).toEqual([["T105", true]]);
  });
});
