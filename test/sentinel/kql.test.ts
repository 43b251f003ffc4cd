/**
 * Operator choice and null handling, from the documented semantics:
 * EQL (shared/reference/eql-semantics.md): `==`/`in` case-sensitive, `:`/`in~`/`like~` insensitive,
 * `*` any run, `?` exactly one character, stringContains("") is false, `not` keeps events where the field is missing.
 * Kusto (learn.microsoft.com "String operators", "null values"): `==`/`in` case-sensitive, `=~`/`in~` not;
 * startswith/endswith/contains insensitive with `_cs` variants; `matches regex` is RE2 and unanchored;
 * a comparison with null is null and `where` drops null; strings cannot be null.
 */
import { describe, expect, it } from "vitest";
import type { Condition } from "../../src/ir/nodes.js";
import type { Diagnostic } from "../../src/diagnostics/index.js";
import { checkCondition, printCondition, type PrintContext } from "../../targets/sentinel/kql.js";
import { analyzeKql } from "../../targets/sentinel/kusto-check.js";
import { and, any, call, exists, field, lit, match, not, num, one, or, pat, regex, str, test, text } from "./ir.js";

const ctx: PrintContext = { columns: { Name: "string", Path: "string", Cmd: "string", Port: "int", Pid: "long", Flag: "bool", IP: "string", Time: "datetime" } };
const p = (c: Condition) => printCondition(c, ctx);
function check(c: Condition): Diagnostic[] {
  const out: Diagnostic[] = [];
  checkCondition(c, ctx, out);
  return out;
}
/** The printed condition parses and analyses as a `where` over a table with these columns. */
function valid(c: Condition): string {
  const q = `DeviceProcessEvents | extend Name = FileName, Path = FolderPath, Cmd = ProcessCommandLine, Port = toint(ProcessId), Pid = ProcessId, Flag = isnotempty(SHA1), IP = "", Time = TimeGenerated | where ${p(c)}`;
  expect(analyzeKql(q)).toEqual([]);
  return p(c);
}

describe("string matches", () => {
  it("insensitive exact values use =~ and in~", () => {
    expect(valid(match("Name", [str("cmd.exe")]))).toBe('Name =~ "cmd.exe"');
    expect(valid(match("Name", [str("a"), str("b")]))).toBe('Name in~ ("a", "b")');
  });
  it("sensitive exact values use == and in", () => {
    expect(valid(match("Name", [str("a")], true))).toBe('Name == "a"');
    expect(valid(match("Name", [str("a"), str("b")], true))).toBe('Name in ("a", "b")');
  });
  it("x*, *x, *x* reduce to startswith, endswith, contains (_cs when sensitive)", () => {
    expect(valid(match("Path", [pat(text("C:\\Win"), any)]))).toBe('Path startswith @"C:\\Win"');
    expect(valid(match("Path", [pat(any, text(".exe"))], true))).toBe('Path endswith_cs ".exe"');
    expect(valid(match("Cmd", [pat(any, text("-enc"), any)]))).toBe('Cmd contains "-enc"');
    expect(valid(match("Cmd", [pat(any, any, text("x"), any)]))).toBe('Cmd contains "x"');
  });
  it("other wildcards become an anchored regex; ? is exactly one character, never *", () => {
    const out = valid(match("Path", [pat(one, text(":\\Windows\\"), any, text(".exe"))]));
    expect(out).toBe('Path matches regex @"(?s)(?i)^(?:.:\\\\Windows\\\\.*\\.exe)$"');
    expect(valid(match("Name", [pat(text("a"), one)], true))).toBe('Name matches regex "(?s)^(?:a.)$"');
  });
  it("a lone * means the field exists", () => {
    expect(valid(match("Name", [pat(any), str("x")]))).toBe("isnotempty(Name)");
  });
  it("mixed shapes are OR-ed, exact ones grouped", () => {
    expect(valid(match("Name", [str("a"), pat(text("b"), any), str("c")]))).toBe('(Name in~ ("a", "c") or Name startswith "b")');
  });
  it("matching the empty string warns: KQL strings cannot be null", () => {
    expect(check(match("Name", [str("")])).map((d) => d.code)).toEqual(["SENTINEL201"]);
    expect(check(match("Name", [str("x")]))).toEqual([]);
  });
});

describe("numbers, booleans, null", () => {
  it("numeric columns compare numerically, numeric text included", () => {
    expect(valid(match("Port", [num(445), str("3389")], true))).toBe("Port in (445, 3389)");
    expect(valid(match("Port", [pat(text("44"), any)]))).toBe('tostring(Port) startswith "44"');
  });
  it("bool columns compare with true/false", () => {
    expect(valid(match("Flag", [{ kind: "boolean", value: true, span: { start: 0, end: 1 } }], true))).toBe("Flag == true");
  });
  it("exists: isnotempty for strings, isnotnull otherwise", () => {
    expect(valid(exists("Name"))).toBe("isnotempty(Name)");
    expect(valid(exists("Pid"))).toBe("isnotnull(Pid)");
    expect(valid(not(exists("Pid")))).toBe("not(isnotnull(Pid))");
  });
  it("a negated numeric comparison keeps events where the column is null (EQL not)", () => {
    const c: Condition = { kind: "compare", op: ">", left: field("Pid"), right: { kind: "number", value: 4, raw: "4", integer: true, span: { start: 0, end: 1 } }, span: { start: 0, end: 1 } };
    expect(valid(c)).toBe("Pid > 4");
    expect(valid(not(c))).toBe("not((isnotnull(Pid) and Pid > 4))");
  });
  it("string ordering goes through strcmp (KQL has no < on strings)", () => {
    const c: Condition = { kind: "compare", op: ">=", left: field("Name"), right: lit("m"), span: { start: 0, end: 1 } };
    expect(valid(c)).toBe('strcmp(Name, "m") >= 0');
  });
  it("date math becomes ago()", () => {
    const c: Condition = { kind: "compare", op: ">=", left: field("Time"), right: { kind: "datemath", expr: "now-30d", span: { start: 0, end: 1 } }, span: { start: 0, end: 1 } };
    expect(valid(c)).toBe("Time >= ago(30d)");
    const rounded: Condition = { ...c, right: { kind: "datemath", expr: "now/d", span: { start: 0, end: 1 } } } as Condition;
    expect(check(rounded).map((d) => d.code)).toEqual(["SENTINEL121"]);
  });
});

describe("functions", () => {
  it("startsWith is case-sensitive unless ~", () => {
    expect(valid(test(call("startsWith", [field("Name"), lit("a")])))).toBe('Name startswith_cs "a"');
    expect(valid(test(call("startsWith", [field("Name"), lit("a")], true)))).toBe('Name startswith "a"');
  });
  it("stringContains with the empty substring is false (EQL), not true (KQL contains)", () => {
    expect(valid(test(call("stringContains", [field("Name"), lit("")])))).toBe("false");
    expect(valid(test(call("stringContains", [field("Name"), lit("x")])))).toBe('Name contains_cs "x"');
  });
  it("cidrMatch splits IPv4 and IPv6 blocks; a value of the other family (null in KQL) is false, so not() keeps it as ES must_not does", () => {
    expect(valid(test(call("cidrMatch", [field("IP"), lit("10.0.0.0/8"), lit("fe80::/10")])))).toBe(
      '(coalesce(ipv4_is_in_any_range(IP, "10.0.0.0/8"), false) or coalesce(ipv6_is_in_any_range(IP, "fe80::/10"), false))',
    );
  });
  it("length and non-negative substring translate; indexOf and negative offsets are unsupported", () => {
    const len: Condition = { kind: "compare", op: ">", left: call("length", [field("Name")]), right: { kind: "number", value: 3, raw: "3", integer: true, span: { start: 0, end: 1 } }, span: { start: 0, end: 1 } };
    expect(valid(len)).toBe("strlen(Name) > 3");
    const neg = match(call("substring", [field("Name"), { kind: "number", value: -3, raw: "-3", integer: true, span: { start: 0, end: 1 } }]), [str("exe")]);
    expect(check(neg).map((d) => [d.code, d.unsupported])).toEqual([["SENTINEL130", true]]);
    const idx = match(call("indexOf", [field("Name"), lit("x")]), [num(0)]);
    expect(check(idx).map((d) => d.code)).toEqual(["SENTINEL130"]);
  });
});

describe("structure and unsupported constructs", () => {
  it("or inside and is parenthesised; not() wraps", () => {
    expect(valid(and(or(match("Name", [str("a")]), match("Name", [str("b")])), not(match("Cmd", [pat(any, text("x"), any)]))))).toBe(
      '(Name =~ "a" or Name =~ "b") and not(Cmd contains "x")',
    );
  });
  it("free text, nested queries and field patterns are unsupported", () => {
    const ft: Condition = { kind: "fulltext", value: pat(text("x")), caseSensitive: false, span: { start: 0, end: 1 } };
    expect(check(ft).map((d) => d.code)).toEqual(["SENTINEL124"]);
    const nested: Condition = { kind: "nested", path: "a", condition: exists("Name"), span: { start: 0, end: 1 } };
    expect(check(nested).map((d) => d.code)).toEqual(["SENTINEL125"]);
    expect(check(match(field("process.*", { wildcard: true }), [str("x")])).map((d) => d.code)).toEqual(["SENTINEL127"]);
  });
  it("regex: Lucene -> anchored RE2, (?i) for regex~", () => {
    expect(valid(regex("Name", ["ab[0-9]+"], true))).toBe('Name matches regex "(?s)^(?:ab[0-9]+)$"');
    expect(valid(regex("Name", ["a.*"], false))).toBe('Name matches regex "(?s)(?i)^(?:a.*)$"');
    expect(check(regex("Name", ["~(a)"])).map((d) => d.code)).toEqual(["SENTINEL123"]);
  });
  it("regex: Lucene's reading is kept where RE2 reads the same text differently", () => {
    // Lucene `a*?` is (a*)?; RE2 would read a lazy star (same matches, but the grouping shows the reading)
    expect(valid(regex("Name", ["a*?b"], true))).toBe('Name matches regex "(?s)^(?:(?:a*)?b)$"');
    // a numeric interval becomes digits; the empty language an empty class (RE2 has no lookahead)
    expect(valid(regex("Name", ["v<1-3>"], true))).toBe('Name matches regex "(?s)^(?:v(?:1|2|3))$"');
    expect(valid(regex("Name", ["a#"], true))).toBe('Name matches regex @"(?s)^(?:a[^\\x00-\\x{10FFFF}])$"');
    // RE2 refuses repetition counts above 1000
    expect(check(regex("Name", ["a{1001}"])).map((d) => d.code)).toEqual(["SENTINEL123"]);
  });
});

describe("mixed types", () => {
  it("a number against a string column compares numerically (tolong), never as strings", () => {
    const c: Condition = { kind: "compare", op: ">", left: field("Name"), right: { kind: "number", value: 4, raw: "4", integer: true, span: { start: 0, end: 1 } }, span: { start: 0, end: 1 } };
    expect(valid(c)).toBe("tolong(Name) > 4");
  });
});

describe("multi-valued columns (string[]: an ECS field holding a list, e.g. event.type)", () => {
  // Elasticsearch matches an array field when any element matches; `not` holds when none does.
  const mctx: PrintContext = { columns: { Types: "string[]", Name: "string" } };
  const pm = (c: Condition) => printCondition(c, mctx);
  const checkM = (c: Condition) => {
    const out: Diagnostic[] = [];
    checkCondition(c, mctx, out);
    return out.map((d) => d.code);
  };
  const validM = (c: Condition): string => {
    const q = `DeviceProcessEvents | extend Types = dynamic(["user","change"]), Name = FileName | where ${pm(c)}`;
    expect(analyzeKql(q)).toEqual([]);
    return pm(c);
  };
  it("a case-sensitive value is an element test (set_has_element)", () => {
    expect(validM(match("Types", [str("change")], true))).toBe('set_has_element(Types, "change")');
    expect(validM(match("Types", [str("change"), str("info")], true))).toBe('(set_has_element(Types, "change") or set_has_element(Types, "info"))');
    expect(validM(not(match("Types", [str("info")], true)))).toBe('not(set_has_element(Types, "info"))');
  });
  it("a case-insensitive value is found quoted in the array's JSON text (a whole element, not a substring)", () => {
    expect(validM(match("Types", [str("Change")]))).toBe('tostring(Types) contains "\\"Change\\""');
    expect(checkM(match("Types", [str("Change")]))).toEqual([]);
  });
  it("existence is a non-empty array", () => {
    expect(validM(exists("Types"))).toBe("array_length(Types) > 0");
    expect(validM(match("Types", [pat(any)]))).toBe("array_length(Types) > 0");
  });
  it("regexps, functions, comparisons and wildcards JSON may escape are unsupported on a list (plain wildcards: multi.test.ts)", () => {
    expect(checkM(match("Types", [pat(text("ch"), any)]))).toEqual([]);
    expect(checkM(match("Types", [pat(text('c"h'), any)]))).toEqual(["SENTINEL131"]);
    expect(checkM(match("Types", [str('a"b')]))).toEqual(["SENTINEL131"]);
    expect(checkM(match("Types", [str("")], true))).toEqual([]); // an element can be "" (printed with set_has_element)
    expect(checkM(regex("Types", ["ch.*"]))).toEqual(["SENTINEL131"]);
    expect(checkM(test(call("stringContains", [field("Types"), lit("x")])))).toEqual(["SENTINEL131"]);
  });
});
