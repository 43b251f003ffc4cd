/**
 * Semantic unit tests of the evaluator. Expectations come from Elastic's
 * documentation (the page is named in each describe/test) or, where the docs
 * are silent, from how Elasticsearch translates EQL to query DSL (see
 * docs/semantics.md for the reasoning).
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/eval/evaluate.js";
import type { Condition, RuleIR } from "../../src/ir/nodes.js";
import {
  and,
  anyWhere,
  arith,
  at,
  bool,
  call,
  cmp,
  colon,
  datemath,
  eq,
  event,
  exists,
  field,
  fulltext,
  like,
  lit,
  match,
  nested,
  not,
  nul,
  num,
  or,
  regex,
  rule,
  sample,
  sequence,
  str,
  term,
  test,
  wild,
} from "./ir.js";

const hits = (r: RuleIR, events: object[]): number[][] => evaluate(r, events).alerts.map((a) => a.events);
const holds = (cond: Condition, e: object): boolean => evaluate(anyWhere(cond), [{ "@timestamp": "2024-01-01T00:00:00Z", ...e }]).alerts.length === 1;

describe("EQL syntax reference (eql-syntax.md): comparison operators", () => {
  it("== is case-sensitive and * is a literal asterisk", () => {
    expect(holds(eq("process.name", "cmd.exe"), { process: { name: "cmd.exe" } })).toBe(true);
    expect(holds(eq("process.name", "cmd.exe"), { process: { name: "CMD.EXE" } })).toBe(false);
    expect(holds(eq("process.name", "cmd*"), { process: { name: "cmd.exe" } })).toBe(false);
    expect(holds(eq("process.name", "cmd*"), { process: { name: "cmd*" } })).toBe(true);
  });
  it(": is case-insensitive with * (any run) and ? (exactly one character)", () => {
    expect(holds(colon("process.name", "CMD.exe"), { process: { name: "cmd.EXE" } })).toBe(true);
    expect(holds(colon("file.path", "?:\\Windows\\*"), { file: { path: "C:\\Windows\\System32\\x.dll" } })).toBe(true);
    // `?` allows exactly one character: none or two do not match.
    expect(holds(colon("file.path", "?:\\Windows\\*"), { file: { path: ":\\Windows\\x" } })).toBe(false);
    expect(holds(colon("file.path", "?:\\Windows\\*"), { file: { path: "CD:\\Windows\\x" } })).toBe(false);
    // `*` matches the empty run.
    expect(holds(colon("process.name", "cmd*"), { process: { name: "cmd" } })).toBe(true);
  });
  it("like is case-sensitive, like~ is not", () => {
    expect(holds(like("process.name", "Cmd*"), { process: { name: "cmd.exe" } })).toBe(false);
    expect(holds(match(field("process.name"), [wild("Cmd*")], false, "like"), { process: { name: "cmd.exe" } })).toBe(true);
  });
  it("in is case-sensitive set membership with literal * ; in~ folds case", () => {
    const inList = match(field("user.name"), [lit("root"), lit("adm*")], true, "in");
    expect(holds(inList, { user: { name: "root" } })).toBe(true);
    expect(holds(inList, { user: { name: "admin" } })).toBe(false);
    expect(holds(inList, { user: { name: "adm*" } })).toBe(true);
    expect(holds(match(field("user.name"), [lit("ROOT")], false, "in"), { user: { name: "root" } })).toBe(true);
  });
  it("< <= > >= compare numbers numerically and strings case-sensitively", () => {
    expect(holds(cmp(field("process.pid"), ">", num(4)), { process: { pid: 10 } })).toBe(true);
    expect(holds(cmp(field("process.pid"), ">", num(40)), { process: { pid: 10 } })).toBe(false);
    expect(holds(cmp(field("process.pid"), "<=", num(10)), { process: { pid: 10 } })).toBe(true);
    // "B" < "a" in code point order (uppercase before lowercase).
    expect(holds(cmp(field("user.name"), "<", str("a")), { user: { name: "B" } })).toBe(true);
    expect(holds(cmp(field("user.name"), "<", str("a")), { user: { name: "b" } })).toBe(false);
  });
  it("numbers against keyword values compare the number's string form", () => {
    expect(holds(eq("event.code", 4624), { event: { code: "4624" } })).toBe(true);
    expect(holds(eq("event.code", 4624), { event: { code: 4624 } })).toBe(true);
    expect(holds(eq("event.code", 4624), { event: { code: "4625" } })).toBe(false);
  });
  it("booleans", () => {
    expect(holds(eq("process.code_signature.trusted", false), { process: { code_signature: { trusted: false } } })).toBe(true);
    expect(holds(eq("process.code_signature.trusted", false), { process: { code_signature: { trusted: true } } })).toBe(false);
  });
});

describe("field lookup", () => {
  it("nested objects, dotted keys and mixes are the same field", () => {
    const c = eq("process.parent.name", "x");
    expect(holds(c, { process: { parent: { name: "x" } } })).toBe(true);
    expect(holds(c, { "process.parent.name": "x" })).toBe(true);
    expect(holds(c, { "process.parent": { name: "x" } })).toBe(true);
    expect(holds(c, { process: { "parent.name": "x" } })).toBe(true);
  });
  it("arrays of objects are flattened", () => {
    expect(holds(eq("a.b", "2"), { a: [{ b: "1" }, { b: "2" }] })).toBe(true);
  });
});

describe("multi-valued fields (ES keyword semantics) and != / not (eql-syntax.md, query DSL bool must_not)", () => {
  const args = { process: { args: ["-enc", "AAAA"] } };
  it("a condition holds if any element satisfies it", () => {
    expect(holds(eq("process.args", "-enc"), args)).toBe(true);
    expect(holds(colon("process.args", "aaa*"), args)).toBe(true);
  });
  it("!= on a multi-valued field holds only if no element equals (must_not term)", () => {
    expect(holds(not(eq("process.args", "-enc")), args)).toBe(false);
    expect(holds(not(eq("process.args", "-x")), args)).toBe(true);
  });
  it("!= and not hold on a missing field (must_not matches documents without the field)", () => {
    expect(holds(not(eq("process.args", "-enc")), {})).toBe(true);
    expect(holds(not(colon("process.name", "*")), {})).toBe(true);
    expect(holds(not(cmp(field("process.pid"), ">", num(3))), {})).toBe(true);
  });
  it("null elements and empty arrays count as missing", () => {
    expect(holds(exists(field("a")), { a: [] })).toBe(false);
    expect(holds(exists(field("a")), { a: [null] })).toBe(false);
    expect(holds(exists(field("a")), { a: null })).toBe(false);
    expect(holds(exists(field("a")), { a: "" })).toBe(true);
  });
});

describe("EQL syntax reference: null and optional fields", () => {
  it("x != null is exists; x == null is its negation", () => {
    expect(holds(exists(field("user.id")), { user: { id: "1" } })).toBe(true);
    expect(holds(not(exists(field("user.id"))), {})).toBe(true);
  });
  it("?field reads as null when missing instead of failing", () => {
    expect(holds(not(exists(field("process.Ext.x", { optional: true }))), {})).toBe(true);
    expect(holds(eq(field("process.Ext.x", { optional: true }), "a"), { process: { Ext: { x: "a" } } })).toBe(true);
  });
  it("f(...) == false is rewritten to not f(...) (BooleanFunctionEqualsElimination), keeping query semantics", () => {
    const c = match(call("startsWith", [field("process.name"), str("x")]), [bool(false)], true);
    expect(holds(c, {})).toBe(true);
    expect(holds(c, { process: { name: "xa" } })).toBe(false);
    expect(holds(c, { process: { name: "ya" } })).toBe(true);
    // A scripted function stays three-valued: concat(null) == false is null.
    expect(holds(match(call("startsWith", [call("concat", [field("a")]), str("x")]), [bool(false)], true), {})).toBe(false);
  });
  it("scripted conditions are three-valued: not over a null function result does not match", () => {
    // not length(x) > 3 : length(null) is null, `>` is null, `not null` is null -> no match.
    expect(holds(not(cmp(call("length", [field("x")]), ">", num(3))), {})).toBe(false);
    expect(holds(not(cmp(call("length", [field("x")]), ">", num(3))), { x: "ab" })).toBe(true);
  });
});

describe("EQL function reference (eql-function-ref.md)", () => {
  const val = (c: Condition, e: object = {}): boolean => holds(c, e);
  const isStr = (v: ReturnType<typeof call>, expected: string, e: object = {}): boolean => val(match(v, [lit(expected)], true), e);
  it("add / subtract / multiply / divide / modulo with null handling", () => {
    expect(val(match(call("add", [num(4), num(5)]), [num(9)], true))).toBe(true);
    expect(val(match(call("subtract", [num(-2), num(4)]), [num(-6)], true))).toBe(true);
    expect(val(match(call("multiply", [num(-2), num(-2)]), [num(4)], true))).toBe(true);
    expect(val(match(call("divide", [num(4), num(3)]), [num(1)], true))).toBe(true); // integer division rounds down
    expect(val(match(call("divide", [num(4), num(-2)]), [num(-2)], true))).toBe(true);
    expect(val(match(call("modulo", [num(10), num(6)]), [num(4)], true))).toBe(true);
    expect(val(match(call("modulo", [num(-10), num(-6)]), [num(-4)], true))).toBe(true);
    expect(val(exists(call("add", [nul, num(4)])))).toBe(false);
    expect(val(match(arith("+", field("process.args_count"), num(5)), [num(9)], true), { process: { args_count: 4 } })).toBe(true);
  });
  it("between (case-sensitive by default, ~ folds, greedy)", () => {
    const path = { file: { path: "C:\\Windows\\System32\\cmd.exe" } };
    expect(isStr(call("between", [field("file.path"), str("System32\\"), str(".exe")]), "cmd", path)).toBe(true);
    expect(isStr(call("between", [field("file.path"), str("system32\\"), str(".exe")]), "", path)).toBe(true);
    expect(isStr(call("between", [field("file.path"), str("system32\\"), str(".exe")], true), "cmd", path)).toBe(true);
    expect(isStr(call("between", [field("file.path"), str("\\"), str("\\"), bool(true)]), "Windows\\System32", path)).toBe(true);
    expect(isStr(call("between", [field("file.path"), str("\\"), str("\\"), bool(false)]), "Windows", path)).toBe(true);
    expect(val(exists(call("between", [nul, str("a"), str("b")])))).toBe(false);
  });
  it("cidrMatch for IPv4 and IPv6, null handling", () => {
    const src = { source: { address: "192.168.152.12" } };
    expect(val(test(call("cidrMatch", [field("source.address"), str("192.168.0.0/16")])), src)).toBe(true);
    expect(val(test(call("cidrMatch", [field("source.address"), str("10.0.0.0/8"), str("10.128.0.0/9")])), src)).toBe(false);
    const v6 = { source: { ip: "2001:db8::1" } };
    expect(val(test(call("cidrMatch", [field("source.ip"), str("2001:db8::/32")])), v6)).toBe(true);
    expect(val(test(call("cidrMatch", [field("source.ip"), str("2001:db9::/32")])), v6)).toBe(false);
    expect(val(test(call("cidrMatch", [field("source.ip"), str("fe80::/10")])), { source: { ip: "fe80::1%eth0" } })).toBe(true);
    expect(val(test(call("cidrMatch", [field("source.ip"), str("::ffff:10.0.0.0/104")])), { source: { ip: "10.1.2.3" } })).toBe(true);
    // not cidrMatch on a field is a must_not terms query: holds when the field is missing.
    expect(val(not(test(call("cidrMatch", [field("source.ip"), str("10.0.0.0/8")]))), {})).toBe(true);
    expect(val(exists(call("cidrMatch", [nul, str("10.0.0.0/8")])))).toBe(false);
  });
  it("concat: any null argument gives null", () => {
    expect(isStr(call("concat", [str("regsvr32.exe"), str(" "), num(42)]), "regsvr32.exe 42")).toBe(true);
    expect(isStr(call("concat", [str("regsvr32.exe"), str(" "), bool(true)]), "regsvr32.exe true")).toBe(true);
    expect(val(exists(call("concat", [nul, str("regsvr32.exe")])))).toBe(false);
  });
  it("endsWith / startsWith (endsWith(\"\", \"\") is true; ~ folds case)", () => {
    expect(val(test(call("endsWith", [str("regsvr32.exe"), str(".exe")])))).toBe(true);
    expect(val(test(call("endsWith", [str("regsvr32.exe"), str(".EXE")])))).toBe(false);
    expect(val(test(call("endsWith", [str("regsvr32.exe"), str(".EXE")], true)))).toBe(true);
    expect(val(test(call("endsWith", [str(""), str("")])))).toBe(true);
    expect(val(test(call("startsWith", [str("regsvr32.exe"), str("Regsvr32")])))).toBe(false);
    expect(val(test(call("startsWith", [str("regsvr32.exe"), str("Regsvr32")], true)))).toBe(true);
    expect(val(test(call("startsWith", [field("process.name"), str("regsvr32")])), { process: { name: "regsvr32.exe" } })).toBe(true);
    expect(val(exists(call("startsWith", [nul, str("x")])))).toBe(false);
  });
  it("indexOf with start positions, missing substrings and null", () => {
    const d = { url: { domain: "subdomain.example.com" } };
    const io = (args: Parameters<typeof call>[1], n: number): boolean => val(match(call("indexOf", args), [num(n)], true), d);
    expect(io([field("url.domain"), str("d")], 3)).toBe(true);
    expect(io([field("url.domain"), str(".")], 9)).toBe(true);
    expect(io([field("url.domain"), str("."), num(10)], 17)).toBe(true);
    expect(io([field("url.domain"), str("."), num(-6)], 9)).toBe(true);
    expect(io([field("url.domain"), str(""), num(10)], 10)).toBe(true);
    expect(val(exists(call("indexOf", [field("url.domain"), str("D")])), d)).toBe(false);
    expect(val(exists(call("indexOf", [field("url.domain"), str("."), num(30)])), d)).toBe(false);
  });
  it("length and string", () => {
    expect(val(match(call("length", [str("start explorer.exe")]), [num(18)], true))).toBe(true);
    expect(val(match(call("length", [str("")]), [num(0)], true))).toBe(true);
    expect(isStr(call("string", [num(42.5)]), "42.5")).toBe(true);
    expect(isStr(call("string", [bool(true)]), "true")).toBe(true);
    expect(val(exists(call("string", [nul])))).toBe(false);
  });
  it("number: decimal, hex with 0x, explicit base, signs and whitespace", () => {
    expect(val(match(call("number", [str("  1337  ")]), [num(1337)], true))).toBe(true);
    expect(val(match(call("number", [str("0xdeadbeef")]), [num(3735928559)], true))).toBe(true);
    expect(val(match(call("number", [str("deadbeef"), num(16)]), [num(3735928559)], true))).toBe(true);
    expect(val(match(call("number", [str("-1337")]), [num(-1337)], true))).toBe(true);
    expect(val(match(call("number", [str("42.5")]), [num(42.5)], true))).toBe(true);
  });
  it("stringContains, including the empty substring (false per the reference)", () => {
    const cl = { process: { command_line: "start regsvr32.exe" } };
    expect(val(test(call("stringContains", [field("process.command_line"), str("regsvr32")])), cl)).toBe(true);
    expect(val(test(call("stringContains", [field("process.command_line"), str("Regsvr32")])), cl)).toBe(false);
    expect(val(test(call("stringContains", [str(""), str("")])))).toBe(false);
    expect(val(test(call("stringContains", [field("process.command_line"), str("")])), cl)).toBe(false);
    expect(val(exists(call("stringContains", [nul, str("regsvr32")])))).toBe(false);
  });
  it("substring with positive and negative offsets", () => {
    const s = str("start regsvr32.exe");
    expect(isStr(call("substring", [s, num(6)]), "regsvr32.exe")).toBe(true);
    expect(isStr(call("substring", [s, num(0), num(5)]), "start")).toBe(true);
    expect(isStr(call("substring", [s, num(6), num(14)]), "regsvr32")).toBe(true);
    expect(isStr(call("substring", [s, num(-4)]), ".exe")).toBe(true);
    expect(isStr(call("substring", [s, num(-4), num(-1)]), ".ex")).toBe(true);
    expect(isStr(call("substring", [s, num(10), num(2)]), "")).toBe(true);
  });
});

describe("regular expressions (regexp-syntax.md: Lucene syntax, anchored)", () => {
  const re = (src: string, v: string, cs = true): boolean => holds(regex(field("x"), cs, src), { x: v });
  it("is anchored", () => {
    expect(re("ab.*", "abcde")).toBe(true);
    expect(re("abcd", "abcde")).toBe(false);
  });
  it("standard operators", () => {
    expect(re("ab.", "abz")).toBe(true);
    expect(re("abc?", "ab")).toBe(true);
    expect(re("ab+", "abbb")).toBe(true);
    expect(re("a{2,3}", "aaa")).toBe(true);
    expect(re("a{2,3}", "aaaa")).toBe(false);
    expect(re("abc|xyz", "xyz")).toBe(true);
    expect(re("[a-c]+", "abcab")).toBe(true);
    expect(re("[^a-c]", "d")).toBe(true);
    expect(re('"john@smith.com"', "john@smith.com")).toBe(true);
    expect(re("john\\@smith\\.com", "john@smith.com")).toBe(true);
  });
  it("optional operators @ (any string), # (empty language), <n-m> (interval)", () => {
    expect(re("@", "anything")).toBe(true);
    expect(re("a#", "a")).toBe(false);
    expect(re("foo<1-100>", "foo80")).toBe(true);
    expect(re("foo<1-100>", "foo101")).toBe(false);
    expect(re("foo<01-100>", "foo080")).toBe(true);
  });
  it("regex~ folds ASCII letters only, except a regexp accepting one string (rewritten to case-insensitive equality)", () => {
    expect(re("abc", "ABC", false)).toBe(true);
    expect(re("é+", "É", false)).toBe(false);
    // ReplaceRegexMatch: `x regex~ "é"` becomes InsensitiveEquals, a case-insensitive term query.
    expect(re("é", "É", false)).toBe(true);
  });
  it("complement and intersection are rejected with a diagnostic", () => {
    const r = evaluate(anyWhere(regex(field("x"), true, "ab~(cd)")), [{ x: "abx" }]);
    expect(r.diagnostics.some((d) => d.code === "EVAL001" && d.unsupported === true)).toBe(true);
    const r2 = evaluate(anyWhere(regex(field("x"), true, "a.+&.+z")), [{ x: "abz" }]);
    expect(r2.diagnostics.some((d) => d.code === "EVAL001")).toBe(true);
  });
  it("invalid expressions are errors", () => {
    const r = evaluate(anyWhere(regex(field("x"), true, "a(b")), [{ x: "ab" }]);
    expect(r.diagnostics.some((d) => d.code === "EVAL002" && d.severity === "error")).toBe(true);
  });
});

describe("KQL semantics as the IR states them (kuery query syntax)", () => {
  it("free text matches any field's value", () => {
    expect(holds(fulltext("mimikatz*"), { process: { command_line: "MIMIKATZ.exe" } })).toBe(true);
    expect(holds(fulltext("mimikatz"), { process: { name: "x" } })).toBe(false);
  });
  it("field name wildcards match any field whose name matches", () => {
    expect(holds(match(field("process.*", { wildcard: true }), [lit("x")], true, "kql"), { process: { pe: { name: "x" } } })).toBe(true);
  });
  it("nested: the condition must hold within one object", () => {
    const c = nested("user", and(eq("first", "Alice"), eq("last", "White")));
    expect(holds(c, { user: [{ first: "Alice", last: "White" }, { first: "Bob", last: "Smith" }] })).toBe(true);
    expect(holds(c, { user: [{ first: "Alice", last: "Smith" }, { first: "Bob", last: "White" }] })).toBe(false);
  });
  it("ranges against date math", () => {
    const r = anyWhere(cmp(field("@timestamp"), ">=", datemath("now-1h")));
    const out = evaluate(r, [{ "@timestamp": "2024-01-01T00:00:00Z" }, { "@timestamp": "2024-01-01T05:00:00Z" }]);
    expect(out.alerts.map((a) => a.events)).toEqual([[1]]);
  });
});

describe("event categories (eql-syntax.md: event_category_field)", () => {
  it("named categories test the category field; any matches everything", () => {
    const r = rule(event("process", eq("process.name", "a")));
    expect(hits(r, [{ event: { category: ["process"] }, process: { name: "a" } }, { event: { category: "file" }, process: { name: "a" } }])).toEqual([[0]]);
    const over = rule(event("process", eq("process.name", "a")), { eventCategoryField: "my.category" });
    expect(hits(over, [{ my: { category: "process" }, process: { name: "a" } }])).toEqual([[0]]);
  });
});

describe("sequences (eql-syntax.md: sequences, maxspan, runs, until, missing events)", () => {
  const A = event("process", eq("process.name", "a"));
  const B = event("process", eq("process.name", "b"));
  const C = event("process", eq("process.name", "c"));
  const pa = (t: number, k = "h1") => at(t, { event: { category: "process" }, process: { name: "a" }, host: { id: k } });
  const pb = (t: number, k = "h1") => at(t, { event: { category: "process" }, process: { name: "b" }, host: { id: k } });
  const pc = (t: number, k = "h1") => at(t, { event: { category: "process" }, process: { name: "c" }, host: { id: k } });
  it("orders by timestamp, not by input order", () => {
    const r = rule(sequence([term(A), term(B)]));
    expect(hits(r, [pb(2), pa(1)])).toEqual([[1, 0]]);
    expect(hits(r, [pb(1), pa(2)])).toEqual([]);
  });
  it("join keys must be equal", () => {
    const r = rule(sequence([term(A), term(B)], { by: [field("host.id")] }));
    expect(hits(r, [pa(1, "h1"), pb(2, "h2")])).toEqual([]);
    expect(hits(r, [pa(1, "h1"), pb(2, "h1")])).toEqual([[0, 1]]);
  });
  it("per-term keys are combined positionally with the shared keys", () => {
    const r = rule(sequence([term(A, { by: [field("process.pid")] }), term(B, { by: [field("process.parent.pid")] })], { by: [field("host.id")] }));
    const a = { ...pa(1), process: { name: "a", pid: 7 } };
    const b = { ...pb(2), process: { name: "b", parent: { pid: 7 } } };
    const b2 = { ...pb(3), process: { name: "b", parent: { pid: 8 } } };
    expect(hits(r, [a, b2])).toEqual([]);
    expect(hits(r, [a, b])).toEqual([[0, 1]]);
  });
  it("a missing mandatory join key excludes the event", () => {
    const r = rule(sequence([term(A), term(B)], { by: [field("user.id")] }));
    expect(hits(r, [pa(1), pb(2)])).toEqual([]);
    const opt = rule(sequence([term(A), term(B)], { by: [field("user.id", { optional: true })] }));
    expect(hits(opt, [pa(1), pb(2)])).toEqual([[0, 1]]);
  });
  it("maxspan is measured from the first event", () => {
    const r = rule(sequence([term(A), term(B), term(C)], { maxspan: [5, "s"] }));
    expect(hits(r, [pa(0), pb(4), pc(5)])).toEqual([[0, 1, 2]]);
    expect(hits(r, [pa(0), pb(4), pc(6)])).toEqual([]);
  });
  it("with runs=N repeats a term", () => {
    const r = rule(sequence([term(A, { runs: 3 }), term(B)]));
    expect(hits(r, [pa(1), pa(2), pb(3)])).toEqual([]);
    expect(hits(r, [pa(1), pa(2), pa(3), pb(4)])).toEqual([[0, 1, 2, 3]]);
  });
  it("until kills a pending sequence when its event comes between matches", () => {
    const r = rule(sequence([term(A), term(B)], { by: [field("host.id")], until: term(C) }));
    expect(hits(r, [pa(1), pc(2), pb(3)])).toEqual([]);
    expect(hits(r, [pa(1), pc(2, "other"), pb(3)])).toEqual([[0, 2]]);
    expect(hits(r, [pc(0), pa(1), pb(3)])).toEqual([[1, 2]]);
  });
  it("a newer pending sequence replaces the older one at the same stage and key", () => {
    const r = rule(sequence([term(A), term(B)], { by: [field("host.id")] }));
    expect(hits(r, [pa(1), pa(2), pb(3)])).toEqual([[1, 2]]);
  });
  it("missing events in the middle reject a sequence when one occurs between the neighbours", () => {
    const r = rule(sequence([term(A), term(B, { missing: true }), term(C)], { by: [field("host.id")], maxspan: [1, "h"] }));
    expect(hits(r, [pa(1), pc(3)])).toEqual([[0, 1]]);
    expect(hits(r, [pa(1), pb(2), pc(3)])).toEqual([]);
    expect(hits(r, [pa(1), pb(2, "other"), pc(3)])).toEqual([[0, 2]]);
  });
  it("a trailing missing event rejects only within maxspan of the first event", () => {
    const r = rule(sequence([term(A), term(B, { missing: true })], { by: [field("host.id")], maxspan: [10, "s"] }));
    expect(hits(r, [pa(1)])).toEqual([[0]]);
    expect(hits(r, [pa(1), pb(5)])).toEqual([]);
    expect(hits(r, [pa(1), pb(20)])).toEqual([[0]]);
  });
  it("a leading missing event rejects only within maxspan of the last event", () => {
    const r = rule(sequence([term(B, { missing: true }), term(A)], { by: [field("host.id")], maxspan: [10, "s"] }));
    expect(hits(r, [pb(0), pa(5)])).toEqual([]);
    expect(hits(r, [pb(0), pa(50)])).toEqual([[1]]);
  });
  it("| head and | tail keep the first / last results", () => {
    const r = rule(event("process", eq("process.name", "a")), { pipes: [{ kind: "tail", count: 1, span: { start: 0, end: 0 } }] });
    expect(hits(r, [pa(1), pa(2), pa(3)])).toEqual([[2]]);
    const h = rule(event("process", eq("process.name", "a")), { pipes: [{ kind: "head", count: 2, span: { start: 0, end: 0 } }] });
    expect(hits(h, [pa(3), pa(1), pa(2)])).toEqual([[1], [2]]);
  });
  it("samples come out in join-key order, null keys first (composite aggregation order; ES QA test_sample.toml allKeysOptional)", () => {
    const r = rule(sample([field("host", { optional: true })], [term(A), term(B)]));
    const ev2 = (t: number, name: string, host?: string) => at(t, { event: { category: "process" }, process: { name }, ...(host ? { host } : {}) });
    expect(hits(r, [ev2(1, "a", "doom"), ev2(2, "b", "doom"), ev2(3, "a", "GTA"), ev2(4, "b", "GTA"), ev2(5, "a"), ev2(6, "b")])).toEqual([[4, 5], [2, 3], [0, 1]]);
  });
  it("sample finds one event per term with the same key, in any order", () => {
    const r = rule(sample([field("host.id")], [term(A), term(B)]));
    expect(hits(r, [pb(1), pa(2)])).toEqual([[0, 1]].map(([x, y]) => [y as number, x as number]));
    expect(hits(r, [pb(1, "x"), pa(2, "y")])).toEqual([]);
  });
});

describe("threshold rules (Security: threshold rule, field + cardinality)", () => {
  const base = event("any", eq("event.action", "login-failed"));
  const lf = (user: string, ip: string) => ({ "@timestamp": "2024-01-01T00:00:00Z", event: { action: "login-failed" }, user: { name: user }, source: { ip } });
  it("counts per group and alerts at the threshold", () => {
    const r = rule(base, { language: "kuery", detection: { kind: "threshold", fields: ["user.name"], value: 3, cardinality: [], span: { start: 0, end: 0 } } });
    expect(hits(r, [lf("a", "1"), lf("a", "2"), lf("b", "1"), lf("a", "3")])).toEqual([[0, 1, 3]]);
  });
  it("cardinality counts distinct values of a field in the group", () => {
    const det = { kind: "threshold" as const, fields: ["user.name"], value: 2, cardinality: [{ field: "source.ip", value: 2 }], span: { start: 0, end: 0 } };
    const r = rule(base, { language: "kuery", detection: det });
    expect(hits(r, [lf("a", "1"), lf("a", "1"), lf("b", "1"), lf("b", "2")])).toEqual([[2, 3]]);
  });
});

describe("new_terms rules (first occurrence within the given events)", () => {
  it("alerts on the first event of each new value tuple", () => {
    const det = { kind: "new_terms" as const, fields: ["host.id", "user.name"], historyWindowStart: "now-7d", span: { start: 0, end: 0 } };
    const r = rule(event("any", exists(field("user.name"))), { language: "kuery", detection: det });
    const e = (t: number, h: string, u: string) => at(t, { host: { id: h }, user: { name: u } });
    expect(hits(r, [e(1, "h", "a"), e(2, "h", "a"), e(3, "h", "b"), e(0, "g", "a")])).toEqual([[3], [0], [2]]);
  });
});

describe("threat_match", () => {
  it("is reported as not evaluable", () => {
    const det = { kind: "threat_match" as const, threatIndex: [], threatQuery: null, threatIndicatorPath: null, mappings: [], span: { start: 0, end: 0 } };
    const r = evaluate(rule(event("any", exists(field("a"))), { detection: det }), [{ a: 1 }]);
    expect(r.alerts).toEqual([]);
    expect(r.diagnostics.some((d) => d.code === "EVAL031")).toBe(true);
  });
});

describe("logic", () => {
  it("and / or / not", () => {
    const c = and(eq("a", "1"), or(eq("b", "2"), not(eq("c", "3"))));
    expect(holds(c, { a: "1", c: "4" })).toBe(true);
    expect(holds(c, { a: "1", c: "3" })).toBe(false);
    expect(holds(c, { a: "1", b: "2", c: "3" })).toBe(true);
  });
});
