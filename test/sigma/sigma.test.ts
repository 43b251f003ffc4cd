/**
 * Sigma target tests on hand-built IR: the seed rule, value escaping and
 * modifiers (Sigma rules specification v2.0.0), case sensitivity, regular
 * expressions, detection layout, correlations, unsupported constructs,
 * schema + pySigma-equivalent validation, and the evaluator round trip.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Condition, PatternPart, RuleIR } from "../../src/ir/nodes.js";
import type { RuleDocument } from "../../src/frontend/rule-document.js";
import { loadBundledMapping } from "../../src/mapping/index.js";
import { statusOf } from "../../src/diagnostics/index.js";
import { sigma } from "../../targets/sigma/index.js";
import { escapeParts, translateLuceneRegex } from "../../targets/sigma/values.js";
import { dumpSigma, loadSigma } from "../../targets/sigma/yaml.js";
import { and, docOf, eventQuery, field, lit, match, not, num, or, pat, ruleOf, S, seedRule } from "./ir.js";
import { readSigmaString } from "./reader.js";
import { roundTrip, verdicts } from "./roundtrip.js";
import { failing, validateSigmaText } from "../../targets/sigma/check.js";

const mapping = loadBundledMapping("sigma", "fields/default.yaml");

function convert(rule: RuleIR, doc: RuleDocument = docOf()) {
  return sigma.convert({ rule, document: doc, profile: "default", mapping, outputStem: "test" });
}

function yamlOf(rule: RuleIR, doc?: RuleDocument): Record<string, unknown>[] {
  const r = convert(rule, doc);
  if (r.text === null) throw new Error(`no output: ${JSON.stringify(r.diagnostics)}`);
  expect(failing(validateSigmaText(r.text, "proc_creation_win_test_rule.yml"))).toEqual([]);
  return loadSigma(r.text) as Record<string, unknown>[];
}

const win = (cond: Condition) => ruleOf(eventQuery("process", and(match("host.os.type", ["windows"]), cond)));
const detectionOf = (cond: Condition) => (yamlOf(win(cond))[0] as { detection: Record<string, unknown> }).detection;
const codes = (rule: RuleIR, doc?: RuleDocument) => convert(rule, doc).diagnostics.map((d) => d.code);

describe("seed rule (System Shells via Services)", () => {
  const { rule, doc } = seedRule();
  const r = convert(rule, doc);
  const [d] = loadSigma(r.text ?? "") as Record<string, unknown>[];

  it("converts with an approximation warning for process.args", () => {
    expect(statusOf(r.diagnostics)).toBe("ok");
    const w = r.diagnostics.find((x) => x.code === "SIGMA103");
    expect(w?.severity).toBe("warning");
    expect(w?.message).toContain("CommandLine");
  });
  it("has the process_creation/windows log source and the metadata", () => {
    expect(d?.["logsource"]).toEqual({ category: "process_creation", product: "windows" });
    expect(d?.["title"]).toBe("System Shells via Services");
    expect(d?.["id"]).toBe("0022d47d-39c7-4f69-a232-4fe9dc7a3acd");
    expect(d?.["status"]).toBe("stable");
    expect(d?.["date"]).toBe("2020-02-18");
    expect(d?.["modified"]).toBe("2022-04-13");
    expect(d?.["tags"]).toEqual(["attack.persistence", "attack.t1543.003"]);
    expect(d?.["level"]).toBe("medium");
    expect(d?.["license"]).toBe("Elastic-2.0");
    expect(d?.["falsepositives"]).toEqual(["Unknown"]);
  });
  it("selects parent and image by suffix and filters the NVIDIA argument", () => {
    const det = d?.["detection"] as Record<string, unknown>;
    expect(det["selection"]).toEqual({
      "ParentImage|endswith": "\\services.exe",
      "Image|endswith": ["\\cmd.exe", "\\powershell.exe", "\\pwsh.exe", "\\powershell_ise.exe"],
    });
    const filters = Object.keys(det).filter((k) => k.startsWith("filter_"));
    expect(filters).toHaveLength(1);
    expect(det[filters[0] as string]).toEqual({ "CommandLine|contains": "NVDisplay.ContainerLocalSystem" });
    expect(det["condition"]).toBe(`selection and not ${filters[0]}`);
  });
  it("writes single-quoted detection values and re-loads to the same object", () => {
    expect(r.text).toContain("ParentImage|endswith: '\\services.exe'");
    expect(loadSigma(dumpSigma([d as Record<string, unknown>]))).toEqual([d]);
  });
  it("passes the schema and the pySigma-equivalent checks", () => {
    expect(failing(validateSigmaText(r.text ?? "", "persistence_system_shells_via_services.yml"))).toEqual([]);
  });
  it("round-trips through the reader with the same verdicts on generated events", () => {
    const rt = roundTrip(rule, doc, mapping, r.text ?? "");
    expect(rt).not.toBeNull();
    expect(rt?.mismatches).toEqual([]);
    // the generated events include both matches and non-matches, so the comparison can fail
    const v = verdicts(rt?.original as Condition, rt?.events ?? []);
    expect(v.some((x) => x)).toBe(true);
    expect(v.some((x) => !x)).toBe(true);
  });
});

describe("escaping (spec: a backslash escapes only *, ? and \\)", () => {
  const t = (value: string): PatternPart => ({ kind: "text", value });
  const any: PatternPart = { kind: "any" };
  const one: PatternPart = { kind: "one" };
  it("keeps a plain backslash single and doubles it before a wildcard or backslash", () => {
    expect(escapeParts([t("C:\\Windows\\x.exe")])).toBe("C:\\Windows\\x.exe");
    expect(escapeParts([t("C:\\Windows\\"), any])).toBe("C:\\Windows\\\\*");
    expect(escapeParts([t("a\\\\b")])).toBe("a\\\\\\b");
    expect(escapeParts([t("end\\")])).toBe("end\\");
  });
  it("escapes literal wildcards and keeps real ones, including ?", () => {
    expect(escapeParts([t("a*b?c")])).toBe("a\\*b\\?c");
    expect(escapeParts([one, t(":\\x"), any])).toBe("?:\\x*");
    expect(escapeParts([t("x\\*")])).toBe("x\\\\\\*");
  });
  it("reads back to the same parts (property)", () => {
    const part = fc.oneof(
      fc.string({ unit: fc.constantFrom("a", "B", "\\", "*", "?", " ", "é"), minLength: 1, maxLength: 6 }).map(t),
      fc.constant(any),
      fc.constant(one),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
        const norm: PatternPart[] = [];
        for (const p of parts) {
          const last = norm[norm.length - 1];
          if (p.kind === "text" && last?.kind === "text") norm[norm.length - 1] = t(last.value + p.value);
          else norm.push(p);
        }
        expect(readSigmaString(escapeParts(norm))).toEqual(norm);
      }),
    );
  });
});

describe("values and modifiers", () => {
  it("uses contains / startswith / endswith where exact, and raw wildcards otherwise", () => {
    const det = detectionOf(and(match("process.command_line", ["*mimikatz*"]), match("process.executable", ["C:\\Users\\*"]), match("process.working_directory", ["?:\\Temp\\*\\x"])));
    expect(det["selection"]).toEqual({
      "CommandLine|contains": "mimikatz",
      "Image|startswith": "C:\\Users\\",
      // the backslash before the wildcard is doubled, the others stay single
      "CurrentDirectory": "?:\\Temp\\\\*\\x",
    });
  });
  it("marks case-sensitive matches with cased, only where case matters", () => {
    const det = detectionOf(and(match("process.executable", [lit("C:\\x.exe")], true), match("process.pid", [lit("1234")], true)));
    expect(det["selection"]).toEqual({ "Image|cased": "C:\\x.exe", ProcessId: 1234 });
  });
  it("writes a literal * from an exact (==) match escaped", () => {
    const det = detectionOf(match("process.command_line", [lit("a*b")], false));
    expect(det["selection"]).toEqual({ CommandLine: "a\\*b" });
  });
  it("splits a value list needing different modifiers into an OR of items", () => {
    const det = detectionOf(match("process.command_line", ["*a*", "b*"]));
    expect(det["selection"]).toEqual([{ "CommandLine|contains": "a" }, { "CommandLine|startswith": "b" }]);
  });
  it("merges contains conditions on one field into contains|all", () => {
    const det = detectionOf(and(match("process.args", ["-enc"]), match("process.args", ["-nop"])));
    expect(det["selection"]).toEqual({ "CommandLine|contains|all": ["-enc", "-nop"] });
  });
  it("translates exists, numeric comparisons, cidrMatch and startsWith", () => {
    const cond = and(
      { kind: "exists", subject: field("process.command_line"), span: S },
      { kind: "compare", op: ">=", left: field("process.pid"), right: num(4), span: S },
      { kind: "test", value: { kind: "call", name: "startsWith", args: [field("process.executable"), { kind: "string", value: "C:\\T", span: S }], caseInsensitive: true, span: S }, span: S },
    );
    expect(detectionOf(cond)["selection"]).toEqual({ "CommandLine|exists": true, "ProcessId|gte": 4, "Image|startswith": "C:\\T" });
    const net = ruleOf(eventQuery("network", and(match("host.os.type", ["linux"]), { kind: "test", value: { kind: "call", name: "cidrMatch", args: [field("destination.ip"), { kind: "string", value: "10.0.0.0/8", span: S }, { kind: "string", value: "192.168.0.0/16", span: S }], caseInsensitive: false, span: S }, span: S })));
    const d = yamlOf(net)[0] as { logsource: unknown; detection: Record<string, unknown> };
    expect(d.logsource).toEqual({ category: "network_connection", product: "linux" });
    expect(d.detection["selection"]).toEqual({ "DestinationIp|cidr": ["10.0.0.0/8", "192.168.0.0/16"] });
  });
  it("a string function over two fields becomes a field reference, with a warning on case and missing fields", () => {
    const call = (name: "startsWith" | "endsWith" | "stringContains", ci: boolean): Condition => ({ kind: "test", value: { kind: "call", name, args: [field("process.command_line"), field("process.executable")], caseInsensitive: ci, span: S }, span: S });
    // modifiers in pySigma's order: fieldref first turns the value into a field name, then startswith/endswith/contains
    expect(detectionOf(call("startsWith", true))["selection"]).toEqual({ "CommandLine|fieldref|startswith": "Image" });
    expect(detectionOf(call("endsWith", false))["selection"]).toEqual({ "CommandLine|fieldref|endswith": "Image" });
    expect(detectionOf(call("stringContains", true))["selection"]).toEqual({ "CommandLine|fieldref|contains": "Image" });
    const diags = convert(win(call("startsWith", false))).diagnostics.filter((d) => d.code === "SIGMA327");
    expect(diags.map((d) => [d.severity, /case-sensitive/.test(d.message)])).toEqual([["warning", true]]);
    // a field whose mapping transforms values (basename) cannot be referenced
    const nameRef: Condition = { kind: "test", value: { kind: "call", name: "startsWith", args: [field("process.command_line"), field("process.name")], caseInsensitive: true, span: S }, span: S };
    expect(codes(win(nameRef))).toContain("SIGMA105");
  });
  it("turns length comparisons into length-bounded regular expressions", () => {
    const len = (op: "<" | "<=" | ">" | ">=", n: number): Condition => ({ kind: "compare", op, left: { kind: "call", name: "length", args: [field("process.command_line")], caseInsensitive: false, span: S }, right: num(n), span: S });
    expect(detectionOf(len(">", 200))["selection"]).toEqual({ "CommandLine|re|s": "^.{201,}$" });
    expect(detectionOf(len("<", 3))["selection"]).toEqual({ "CommandLine|re|s": "^.{0,2}$" });
  });
  it("translates regex and regex~ to re / re|i with anchors", () => {
    const rx = (source: string, caseSensitive: boolean): Condition => ({ kind: "regex-match", subject: field("process.command_line"), patterns: [{ kind: "regex", dialect: "lucene", source, span: S }], caseSensitive, span: S });
    expect(detectionOf(rx("[a-z]{3}\\.exe", true))["selection"]).toEqual({ "CommandLine|re": "^[a-z]{3}\\.exe$" });
    expect(detectionOf(rx("a|b.c", false))["selection"]).toEqual({ "CommandLine|re|i|s": "^(a|b.c)$" });
  });
});

describe("Lucene regexp -> Sigma re", () => {
  it("escapes PCRE anchors that are literal in Lucene and expands quoted strings", () => {
    expect(translateLuceneRegex('x^y$"a.b"')).toEqual({ ok: true, source: "^x\\^y\\$a\\.b$", dotAll: false });
  });
  it("spells shorthand classes as character classes and @ as any string", () => {
    expect(translateLuceneRegex("\\d+@")).toEqual({ ok: true, source: "^[0-9]+.*$", dotAll: true });
  });
  it("rejects Lucene operators without a counterpart", () => {
    for (const src of ["a&b", "~a", "x(~a)y"]) expect(translateLuceneRegex(src).ok).toBe(false);
  });
  it("writes numeric intervals as digit patterns and the empty language as a failing lookahead", () => {
    const js = (src: string) => {
      const r = translateLuceneRegex(src);
      if (!r.ok) throw new Error(r.reason);
      return new RegExp(r.source, r.dotAll ? "s" : "");
    };
    // Lucene: <8-12> matches the numbers 8..12 with any leading zeros (different widths); <05-10> is zero-padded
    const any = js("v<8-12>");
    expect(["v8", "v12", "v008", "v7", "v13", "v1"].map((x) => any.test(x))).toEqual([true, true, true, false, false, false]);
    const padded = js("<05-10>");
    expect(["05", "10", "5", "11", "04"].map((x) => padded.test(x))).toEqual([true, true, false, false, false]);
    expect(["a", ""].map((x) => js("a#").test(x))).toEqual([false, false]);
  });
  it("groups only where precedence needs it, and quantified quantifiers get their own group", () => {
    const src = (l: string) => (translateLuceneRegex(l) as { source: string }).source;
    expect(src("(ab)c")).toBe("^abc$");
    expect(src('"ab"+')).toBe("^(ab)+$");
    expect(src("(a|b)c")).toBe("^(a|b)c$");
    // Lucene `a*?` is (a*)?; in PCRE `a*?` would be a lazy star
    expect(src("a*?")).toBe("^(a*)?$");
    // a class holding a backslash and `]`: both escaped inside the PCRE class
    expect(src(String.raw`[\\\]]x`)).toBe(String.raw`^[\\\]]x$`);
  });
});

describe("detection layout", () => {
  it("names several negated conjuncts filter_* and uses 1 of filter_*", () => {
    const det = detectionOf(and(match("process.name", ["a.exe"]), not(match("process.parent.name", ["b.exe"])), not(match("process.command_line", ["*x*"]))));
    expect(det["condition"]).toBe("selection and not 1 of filter_*");
    expect(Object.keys(det).filter((k) => k.startsWith("filter_")).sort()).toEqual(["filter_commandline", "filter_parent"]);
  });
  it("merges negated single values on one field into one filter (not A and not B = not (A or B))", () => {
    const det = detectionOf(and(match("process.name", ["a.exe"]), not(match("process.command_line", [lit("x")])), not(match("process.command_line", [lit("y")]))));
    expect(det["filter_commandline"]).toEqual({ CommandLine: ["x", "y"] });
    expect(det["condition"]).toBe("selection and not filter_commandline");
  });
  it("gives an OR over different fields its own selection", () => {
    const det = detectionOf(and(match("process.name", ["a.exe"]), or(match("process.parent.name", ["b.exe"]), match("process.parent.command_line", ["*y*"]))));
    expect(det["selection"]).toEqual({ "Image|endswith": "\\a.exe" });
    expect(det["selection_parent"]).toEqual([{ "ParentImage|endswith": "\\b.exe" }, { "ParentCommandLine|contains": "y" }]);
    expect(det["condition"]).toBe("selection and selection_parent");
  });
  it("writes nested logic with brackets", () => {
    const det = detectionOf(or(and(match("process.name", ["a.exe"]), not(match("process.command_line", ["*q*"]))), match("process.name", ["b.exe"])));
    expect(det["condition"]).toMatch(/^\(selection_\w+ and not selection_\w+\) or selection_\w+$/);
  });
});

describe("unsupported constructs are diagnostics, never output", () => {
  it("reports functions, nested queries and field patterns at their span", () => {
    const len: Condition = { kind: "compare", op: ">", left: { kind: "arith", op: "+", left: field("process.pid"), right: num(1), span: { start: 5, end: 9 } }, right: num(3), span: { start: 5, end: 12 } };
    const r = convert(win(len));
    expect(r.text).toBeNull();
    expect(statusOf(r.diagnostics)).toBe("unsupported");
    expect(r.diagnostics.find((d) => d.code === "SIGMA204")?.span).toEqual({ start: 5, end: 12 });
    expect(codes(win({ kind: "nested", path: "a", condition: match("b", ["c"]), span: S }))).toContain("SIGMA207");
    expect(codes(win({ ...match("process.command_line", ["x"]), subject: { ...field("process.*"), wildcard: true } }))).toContain("SIGMA202");
  });
  it("reports new_terms, threat_match, samples, until and missing events", () => {
    const base = win(match("process.name", ["a.exe"]));
    expect(codes({ ...base, detection: { kind: "new_terms", fields: ["host.id"], historyWindowStart: "now-7d", span: S } })).toContain("SIGMA301");
    expect(codes({ ...base, detection: { kind: "threat_match", threatIndex: [], threatQuery: null, threatIndicatorPath: null, mappings: [], span: S } })).toContain("SIGMA302");
    const term = (q: Condition, extra = {}) => ({ kind: "term" as const, query: eventQuery("process", and(match("host.os.type", ["windows"]), q)), by: [], runs: 1, missing: false, span: S, ...extra });
    expect(codes(ruleOf({ kind: "sample", by: [field("host.id")], terms: [term(match("process.name", ["a"])), term(match("process.name", ["b"]))], span: S }))).toContain("SIGMA303");
    const seq = (extra: object) => ruleOf({ kind: "sequence", by: [field("process.entity_id")], maxspan: { value: 1, unit: "m", ms: 60000, span: S }, terms: [term(match("process.name", ["a"])), term(match("process.name", ["b"]))], until: null, span: S, ...extra });
    expect(codes(seq({ until: term(match("process.name", ["c"])) }))).toContain("SIGMA304");
    expect(codes(seq({ terms: [term(match("process.name", ["a"])), term(match("process.name", ["b"]), { missing: true })] }))).toContain("SIGMA305");
  });
  it("reports a query with no matching data source", () => {
    const r = ruleOf(eventQuery(null, match("foo.bar", ["x"])), { index: ["custom-*"] });
    expect(codes(r, docOf({ tags: [] }))).toContain("SIGMA001");
  });
});

describe("correlations", () => {
  const term = (name: string, by: string[] = []) => ({ kind: "term" as const, query: eventQuery("process", and(match("host.os.type", ["windows"]), match("process.name", [name]))), by: by.map(field), runs: 1, missing: false, span: S });
  it("turns a sequence into base rules and a temporal_ordered correlation", () => {
    const rule = ruleOf({ kind: "sequence", by: [field("process.entity_id")], maxspan: { value: 30, unit: "s", ms: 30000, span: S }, terms: [term("a.exe"), term("b.exe")], until: null, span: S });
    const [corr, a, b] = yamlOf(rule);
    expect(corr?.["correlation"]).toEqual({ type: "temporal_ordered", rules: ["test_rule_step1", "test_rule_step2"], "group-by": ["ProcessGuid"], timespan: "30s" });
    expect(corr?.["id"]).toBe("0022d47d-39c7-4f69-a232-4fe9dc7a3acd");
    expect(a?.["name"]).toBe("test_rule_step1");
    expect(b?.["name"]).toBe("test_rule_step2");
    expect(a?.["id"]).not.toBe(b?.["id"]);
  });
  it("writes a term that keeps every event as its join keys being present", () => {
    const any = { kind: "term" as const, query: eventQuery("network", match("host.os.type", ["windows"])), by: [], runs: 1, missing: false, span: S };
    const rule = ruleOf({ kind: "sequence", by: [field("process.entity_id")], maxspan: { value: 30, unit: "s", ms: 30000, span: S }, terms: [term("a.exe"), any], until: null, span: S });
    const docs = yamlOf(rule);
    expect(docs[2]?.["detection"]).toEqual({ selection: { "ProcessGuid|exists": true }, condition: "selection" });
    expect(codes(rule)).toContain("SIGMA326");
  });
  it("uses aliases when the join keys differ per term", () => {
    const rule = ruleOf({ kind: "sequence", by: [], maxspan: { value: 1, unit: "m", ms: 60000, span: S }, terms: [term("a.exe", ["process.entity_id"]), term("b.exe", ["process.parent.entity_id"])], until: null, span: S });
    const [corr] = yamlOf(rule);
    const c = corr?.["correlation"] as Record<string, unknown>;
    expect(c["group-by"]).toEqual(["process_entity_id"]);
    expect(c["aliases"]).toEqual({ process_entity_id: { test_rule_step1: "ProcessGuid", test_rule_step2: "ParentProcessGuid" } });
  });
  it("chains an event_count correlation for a term with runs inside a longer sequence, with a warning", () => {
    const rule = ruleOf({ kind: "sequence", by: [field("process.entity_id")], maxspan: { value: 1, unit: "m", ms: 60000, span: S }, terms: [{ ...term("a.exe"), runs: 3 }, term("b.exe")], until: null, span: S });
    const docs = yamlOf(rule);
    expect(docs[0]?.["correlation"]).toEqual({ type: "temporal_ordered", rules: ["test_rule_step1_count", "test_rule_step2"], "group-by": ["ProcessGuid"], timespan: "1m" });
    expect(docs[1]?.["name"]).toBe("test_rule_step1_count");
    expect(docs[1]?.["correlation"]).toEqual({ type: "event_count", rules: ["test_rule_step1"], "group-by": ["ProcessGuid"], timespan: "1m", condition: { gte: 3 } });
    expect(convert(rule).diagnostics.find((d) => d.code === "SIGMA306")?.severity).toBe("warning");
  });
  it("turns a one-term sequence with runs into event_count", () => {
    const rule = ruleOf({ kind: "sequence", by: [field("host.name")], maxspan: { value: 5, unit: "m", ms: 300000, span: S }, terms: [{ ...term("a.exe"), runs: 5 }], until: null, span: S });
    expect(yamlOf(rule)[0]?.["correlation"]).toEqual({ type: "event_count", rules: ["test_rule"], "group-by": ["Computer"], timespan: "5m", condition: { gte: 5 } });
  });
  it("turns threshold rules into event_count / value_count over the look-back window", () => {
    const base = win(match("process.name", ["a.exe"]));
    const count = { ...base, detection: { kind: "threshold" as const, fields: ["host.name"], value: 25, cardinality: [], span: S } };
    expect(yamlOf(count)[0]?.["correlation"]).toEqual({ type: "event_count", rules: ["test_rule"], "group-by": ["Computer"], timespan: "9m", condition: { gte: 25 } });
    const card = { ...base, detection: { kind: "threshold" as const, fields: ["host.name"], value: 1, cardinality: [{ field: "process.executable", value: 10 }], span: S } };
    expect(yamlOf(card)[0]?.["correlation"]).toEqual({ type: "value_count", rules: ["test_rule"], "group-by": ["Computer"], timespan: "9m", condition: { field: "Image", gte: 10 } });
  });
});

describe("the validators catch what sigma check catches", () => {
  const ok = { title: "A rule title", id: "0022d47d-39c7-4f69-a232-4fe9dc7a3acd", status: "test", description: "A long enough description.", date: "2024-01-01", level: "low", logsource: { category: "process_creation", product: "windows" } };
  const check = (d: object) => failing(validateSigmaText(dumpSigma([d as Record<string, unknown>]), "proc_creation_win_test.yml")).map((i) => i.validator);
  it("accepts a correct rule", () => expect(check({ ...ok, detection: { selection: { Image: "x" }, condition: "selection" } })).toEqual([]));
  it("flags unknown identifiers and dangling detections", () => {
    expect(check({ ...ok, detection: { selection: { Image: "x" }, condition: "selection and not filter" } })).toContain("condition_identifier");
    expect(check({ ...ok, detection: { selection: { Image: "x" }, other: { Image: "y" }, condition: "selection" } })).toContain("dangling_detection");
  });
  it("flags bad tags, all without contains, wildcards instead of modifiers and schema errors", () => {
    expect(check({ ...ok, tags: ["attack.defense_evasion"], detection: { selection: { Image: "x" }, condition: "selection" } })).toContain("attack_tag");
    expect(check({ ...ok, detection: { selection: { "Image|all": ["x", "y"] }, condition: "selection" } })).toContain("all_without_contains");
    expect(check({ ...ok, detection: { selection: { Image: ["*x*", "*y*"] }, condition: "selection" } })).toContain("wildcard_instead_of_contains");
    expect(check({ ...ok, date: "2024/01/01", detection: { selection: { Image: "x" }, condition: "selection" } })).toContain("json_schema");
  });
});

describe("round trip through the reader and the evaluator", () => {
  const cases: [string, Condition][] = [
    ["wildcards and case", and(match("process.executable", ["?:\\Windows\\*\\x.exe"]), match("process.command_line", [lit("Exact")], true))],
    ["negations and ors", and(match("process.name", ["a.exe", "b.exe"]), not(or(match("process.command_line", ["*-x*"]), match("process.parent.executable", ["C:\\p\\*"]))))],
    ["regex", { kind: "regex-match", subject: field("process.command_line"), patterns: [{ kind: "regex", dialect: "lucene", source: "[a-c]+\\.(exe|dll)", span: S }], caseSensitive: false, span: S }],
    ["exists and numbers", and({ kind: "exists", subject: field("process.command_line"), span: S }, { kind: "compare", op: "<", left: field("process.pid"), right: num(100), span: S }, match("process.parent.pid", [num(4)]))],
    ["literal wildcard characters", match("process.command_line", [lit("a*b?\\c")])],
    ["regex with quotes and classes", { kind: "regex-match", subject: field("process.command_line"), patterns: [{ kind: "regex", dialect: "lucene", source: '\\".*\\.exe[^\\"].*', span: S }], caseSensitive: false, span: S }],
  ];
  for (const [name, cond] of cases) {
    it(name, () => {
      const rule = win(cond);
      const r = convert(rule);
      expect(r.text).not.toBeNull();
      const rt = roundTrip(rule, docOf(), mapping, r.text ?? "");
      expect(rt?.mismatches).toEqual([]);
    });
  }
  it("detects a wrong translation (the check can fail)", () => {
    const rule = win(match("process.command_line", ["*abc*"]));
    const r = convert(rule);
    const wrong = (r.text ?? "").replace("CommandLine|contains", "CommandLine|startswith");
    const rt = roundTrip(rule, docOf(), mapping, wrong);
    expect(rt?.mismatches.length).toBeGreaterThan(0);
  });
});

describe("rules over several operating systems", () => {
  it("become one Sigma rule per operating system when no log source covers them all", () => {
    const rule = ruleOf(eventQuery("process", and(match("host.os.type", ["windows", "linux"]), match("process.name", ["curl", "curl.exe"]))));
    const r = convert(rule, docOf({ tags: [] }));
    expect(r.diagnostics.map((d) => d.code)).toContain("SIGMA325");
    const docs = yamlOf(rule, docOf({ tags: [] }));
    expect(docs.map((d) => [d["title"], d["logsource"]])).toEqual([
      ["Test Rule (Linux)", { category: "process_creation", product: "linux" }],
      ["Test Rule (Windows)", { category: "process_creation", product: "windows" }],
    ]);
    expect((docs[0]?.["detection"] as Record<string, unknown>)["selection"]).toEqual({ "Image|endswith": ["/curl", "/curl.exe"] });
    expect((docs[1]?.["detection"] as Record<string, unknown>)["selection"]).toEqual({ "Image|endswith": ["\\curl", "\\curl.exe"] });
    expect(docs[0]?.["id"]).toBe("0022d47d-39c7-4f69-a232-4fe9dc7a3acd");
    expect(docs[1]?.["id"]).not.toBe(docs[0]?.["id"]);
  });
});

describe("rules over several data sets", () => {
  it("become one Sigma rule per data set, each with its service's field names", () => {
    const rule = ruleOf(eventQuery(null, and(match("data_stream.dataset", ["azure.signinlogs", "o365.audit"], true), match("source.ip", ["203.0.113.9"]))), { index: ["logs-azure.signinlogs-*", "logs-o365.audit-*"] });
    const doc = docOf({ tags: [], index: rule.index });
    expect(convert(rule, doc).diagnostics.map((d) => d.code)).toContain("SIGMA325");
    const docs = yamlOf(rule, doc);
    expect(docs.map((d) => [d["title"], d["logsource"], (d["detection"] as Record<string, unknown>)["selection"]])).toEqual([
      ["Test Rule (azure.signinlogs)", { product: "azure", service: "signinlogs" }, { IPAddress: "203.0.113.9" }],
      ["Test Rule (o365.audit)", { product: "m365", service: "audit" }, { ClientIP: "203.0.113.9" }],
    ]);
    expect(docs[0]?.["id"]).toBe("0022d47d-39c7-4f69-a232-4fe9dc7a3acd");
    expect(docs[1]?.["id"]).not.toBe(docs[0]?.["id"]);
  });
  it("stay unsupported when one of the data sets has no log source", () => {
    const rule = ruleOf(eventQuery(null, and(match("data_stream.dataset", ["azure.signinlogs", "nosuch.dataset"], true), match("source.ip", ["203.0.113.9"]))), { index: ["logs-*"] });
    expect(codes(rule, docOf({ tags: [], index: rule.index }))).toContain("SIGMA001");
  });
});

describe("sequences over several operating systems", () => {
  const term = (q: Condition) => ({ kind: "term" as const, query: eventQuery("process", and(match("host.os.type", ["windows", "macos"]), q)), by: [], runs: 1, missing: false, span: S });
  const rule = ruleOf({ kind: "sequence", by: [field("process.entity_id")], maxspan: { value: 1, unit: "m", ms: 60000, span: S }, terms: [term(match("process.name", ["python"])), term(match("process.name", ["curl"]))], until: null, span: S });
  it("become one correlation per operating system, with a warning about mixed-OS sequences", () => {
    const r = convert(rule, docOf({ tags: [] }));
    expect(r.diagnostics.filter((d) => d.code === "SIGMA328").map((d) => d.severity)).toEqual(["warning"]);
    const docs = yamlOf(rule, docOf({ tags: [] }));
    const correlations = docs.filter((d) => "correlation" in d);
    expect(correlations.map((d) => [d["title"], (d["correlation"] as Record<string, unknown>)["rules"]])).toEqual([
      ["Test Rule (macOS)", ["test_rule_macos_step1", "test_rule_macos_step2"]],
      ["Test Rule (Windows)", ["test_rule_windows_step1", "test_rule_windows_step2"]],
    ]);
    const bases = docs.filter((d) => "detection" in d);
    expect(bases.map((d) => [d["name"], (d["logsource"] as Record<string, unknown>)["product"], (d["detection"] as Record<string, unknown>)["selection"]])).toEqual([
      ["test_rule_macos_step1", "macos", { "Image|endswith": "/python" }],
      ["test_rule_macos_step2", "macos", { "Image|endswith": "/curl" }],
      ["test_rule_windows_step1", "windows", { "Image|endswith": "\\python" }],
      ["test_rule_windows_step2", "windows", { "Image|endswith": "\\curl" }],
    ]);
    // every document has its own id; the first correlation keeps the rule's
    const ids = docs.map((d) => d["id"]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe("0022d47d-39c7-4f69-a232-4fe9dc7a3acd");
  });
});

describe("log sources of Elastic's own data", () => {
  it("name the Elastic product, keep ECS field names with an info, and warn that the log source is outside the taxonomy", () => {
    const rule = ruleOf(eventQuery(null, and(match("event.kind", ["alert"], true), match("event.module", ["endgame"], true))), { language: "kuery", index: ["endgame-*"] });
    const doc = docOf({ tags: [], index: rule.index });
    const r = convert(rule, doc);
    const [d] = yamlOf(rule, doc);
    expect(d?.["logsource"]).toEqual({ product: "elastic_endgame" });
    expect((d?.["detection"] as Record<string, unknown>)["selection"]).toEqual({ "event.kind|cased": "alert", "event.module|cased": "endgame" });
    expect(r.diagnostics.filter((x) => x.code === "SIGMA100").map((x) => x.severity)).toEqual(["info", "info"]);
    expect(r.diagnostics.filter((x) => x.code === "SIGMA002").map((x) => x.severity)).toEqual(["warning"]);
  });
  it("are not chosen when the rule also reads other indices", () => {
    const rule = ruleOf(eventQuery(null, match("event.kind", ["alert"], true)), { language: "kuery", index: ["endgame-*", "logs-custom-*"] });
    expect(codes(rule, docOf({ tags: [], index: rule.index }))).toContain("SIGMA001");
  });
});

describe("metadata", () => {
  const rule = win(match("process.name", ["a.exe"]));
  it("maps maturity to status and severity to level", () => {
    const [d] = yamlOf(rule, docOf({ metadata: { ...docOf().metadata, maturity: "deprecated" }, severity: "critical" }));
    expect(d?.["status"]).toBe("deprecated");
    expect(d?.["level"]).toBe("critical");
  });
  it("derives a stable UUID when rule_id is not one, with a warning", () => {
    const a = convert(rule, docOf({ ruleId: "not-a-uuid" }));
    const b = convert(rule, docOf({ ruleId: "not-a-uuid" }));
    expect(a.diagnostics.map((x) => x.code)).toContain("SIGMA315");
    const [d] = loadSigma(a.text ?? "") as Record<string, unknown>[];
    expect(d?.["id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.text).toBe(b.text);
  });
  it("writes ATT&CK tactics with hyphens (tags appendix v2.1.0) and leaves other frameworks out", () => {
    const threat = [
      { framework: "MITRE ATT&CK", tactic: { id: "TA0005", name: "Defense Evasion", reference: "" }, techniques: [{ id: "T1070", name: "Indicator Removal", reference: "", subtechniques: [] }] },
      { framework: "MITRE ATLAS", tactic: { id: "AML.TA0000", name: "x", reference: "" }, techniques: [] },
    ];
    const r = convert(rule, docOf({ threat }));
    const [d] = loadSigma(r.text ?? "") as Record<string, unknown>[];
    expect(d?.["tags"]).toEqual(["attack.defense-evasion", "attack.t1070"]);
    expect(r.diagnostics.map((x) => x.code)).toContain("SIGMA316");
  });
  it("keeps Elastic's free-text tags out of Sigma tags", () => {
    const [d] = yamlOf(rule, docOf({ tags: ["Domain: Endpoint", "OS: Windows", "Use Case: Threat Detection"] }));
    expect(d?.["tags"]).toBeUndefined();
  });
});
