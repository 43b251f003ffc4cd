/**
 * What the EQL frontend rejects, and how it says so: stable codes, messages
 * that name what was expected and what was found, positions in the TOML file,
 * and several errors reported from one query.
 */
import { describe, expect, it } from "vitest";
import { parseEql } from "../../src/frontend/eql/index.js";
import { loadRule } from "../../src/frontend/load-rule.js";
import { render } from "../../src/diagnostics/index.js";
import { parseErrors, parseOk } from "./util.js";

const codes = (q: string) => parseErrors(q).map((d) => d.code);

describe("what Elasticsearch rejects", () => {
  it("single-quoted and ?\"...\" strings", () => {
    expect(codes("process where x == 'a'")).toEqual(["EQL004"]);
    expect(codes('process where x : ?"a"')).toEqual(["EQL005"]);
    expect(codes("process where x : ?'a'")).toEqual(["EQL005"]);
  });
  it("join, Endgame pipes and relationships", () => {
    expect(codes("join by k [a where true] [b where true]")).toEqual(["EQL017"]);
    for (const pipe of ["count", "unique x", "filter x == 1", "sort x", "unique_count x"]) expect(codes(`process where true | ${pipe}`)).toEqual(["EQL018"]);
    expect(codes("process where true | foo 1")).toEqual(["EQL019"]);
    expect(codes("process where true | head")).toEqual(["EQL019"]);
    expect(codes("process where true | tail -1")).toEqual(["EQL019"]);
    expect(codes("process where true | head 1, 2")).toEqual(["EQL019"]);
    expect(codes("process where descendant of [a where true]")).toEqual(["EQL025"]);
  });
  it("a field or function on the right of `:`, like or regex", () => {
    expect(codes("process where x : y")).toEqual(["EQL013"]);
    expect(codes('process where x like~ (y, "a")')).toEqual(["EQL013"]);
    expect(codes('process where x regex concat(y, "a")')).toEqual(["EQL013"]);
    expect(parseErrors("process where x : y")[0]!.message).toMatch(/must be a literal.*found a field/);
  });
  it("a field compared with a field, even through a function", () => {
    expect(codes("process where x == y")).toEqual(["EQL014"]);
    expect(codes("process where length(x) < length(y)")).toEqual(["EQL014"]);
    expect(codes('process where x in ("a", y)')).toEqual(["EQL014"]);
  });
  it("unknown functions, wrong arity, `~` where no variant exists", () => {
    expect(codes("process where foo(x)")).toEqual(["EQL010"]);
    expect(codes('process where wildcard(x, "a*")')).toEqual(["EQL010"]);
    expect(codes("process where length(x, 1) > 0")).toEqual(["EQL011"]);
    expect(codes("process where length~(x) > 0")).toEqual(["EQL012"]);
  });
  it("bad escapes, unterminated strings, comments and names", () => {
    expect(codes(String.raw`process where x == "C:\Windows"`)).toEqual(["EQL003"]);
    expect(codes(String.raw`process where x == "\u{110000}"`)).toEqual(["EQL003"]);
    expect(codes('process where x == "abc')).toEqual(["EQL002"]);
    expect(codes("process where x /* open")).toContain("EQL006");
    expect(codes("process where `x == 1")).toContain("EQL008");
    expect(codes("process where x == 1; y == 2")).toEqual(["EQL007"]);
  });
  it("sequence structure", () => {
    expect(codes("sequence [a where true]")).toEqual(["EQL020"]);
    expect(codes("sequence [a where true] ![b where true]")).toEqual(["EQL020"]);
    expect(codes("sequence with maxspan=1m ![a where true] ![b where true]")).toEqual(["EQL020"]);
    expect(codes("sequence [a where true] by x [b where true]")).toEqual(["EQL020"]);
    expect(codes("sequence with maxspan=30 [a where true] [b where true]")).toEqual(["EQL021"]);
    expect(codes("sequence with maxspan=3w [a where true] [b where true]")).toEqual(["EQL021"]);
    expect(codes("sequence with maxspan=0s [a where true] [b where true]")).toEqual(["EQL021"]);
    expect(codes("sequence with maxspan=1.5m [a where true] [b where true]")).toEqual(["EQL021"]);
    expect(codes("sequence [a where true] [b where true] until [c where true] by x")).toEqual(["EQL020"]);
    expect(codes("sequence [a where true] with runs=0 [b where true]")).toEqual(["EQL022"]);
    expect(codes("sequence [a where true] with runs=101 [b where true]")).toEqual(["EQL022"]);
    expect(codes("sequence by length(x) [a where true] [b where true]")).toEqual(["EQL024"]);
    expect(codes("sample by x [a where true]")).toEqual(["EQL020"]);
  });
  it("conditions and values in the wrong place", () => {
    expect(codes("process where length(x)")).toEqual(["EQL015"]);
    expect(codes('process where "a"')).toEqual(["EQL015"]);
    expect(codes("process where (x == 1) + 2 > 3")).toEqual(["EQL016"]);
    expect(codes("process where a < b < 3")).toEqual(["EQL028"]);
    // a predicate binds to the primary before a unary minus (as in ES): -(x in (...)) is not a value
    expect(codes("process where -x in (1, 2)")).toEqual(["EQL016"]);
  });
  it("warns (without failing) on array indexes, which Elasticsearch rejects", () => {
    const r = parseEql({ text: "process where process.args[1] == \"-c\"", toFile: (i) => i });
    expect(r.value).not.toBeNull();
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([["EQL029", "warning"]]);
    expect(r.diagnostics[0]!.span).toEqual({ start: 26, end: 29 });
  });
  it("warns (without failing) on `by` after `with maxspan`", () => {
    const r = parseEql({ text: "sequence with maxspan=1m by k [a where true] [b where true]", toFile: (i) => i });
    expect(r.value).not.toBeNull();
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([["EQL023", "warning"]]);
  });
});

describe("syntax errors say what was expected and what was found", () => {
  it("names both sides", () => {
    expect(parseErrors("process where x == )")[0]!.message).toBe("expected a value (a field, literal, function call or `(`), found `)`");
    expect(parseErrors("process x == 1")[0]!.message).toBe("expected `where`, found `x`");
    expect(parseErrors('process where x in ("a" "b")')[0]!.message).toBe('expected `,` or `)` in the `in` list, found the string "b"');
    expect(parseErrors("process where (x == 1")[0]!.message).toBe("expected `)`, found the end of the query");
  });
  it("hints at lowercase keywords and at `=`", () => {
    expect(parseErrors("process where x == 1 AND y == 2")[0]!.message).toMatch(/keywords are lowercase: write `and`/);
    expect(parseErrors("process where x = 1")[0]!.message).toMatch(/use `==` to compare/);
  });
  it("reports several errors of one query", () => {
    const ds = parseErrors("process where x == and y : 'a' and z == ");
    expect(ds.map((d) => d.code)).toEqual(["EQL001", "EQL004", "EQL001"]);
    const ds2 = parseErrors("sequence [a where x == ] [b where y : z] [c where foo(1)]");
    expect(ds2.map((d) => d.code)).toEqual(["EQL001", "EQL013", "EQL010"]);
  });
  it("reads a capitalised AND/OR as the keyword to report what follows too", () => {
    expect(parseErrors("process where x == 1 AND foo(x) Or y : z").map((d) => d.code)).toEqual(["EQL001", "EQL010", "EQL001", "EQL013"]);
  });
  it("keeps going after a bad operand inside an and/or chain", () => {
    const ds = parseErrors('process where x == 1 ) and y == "\\q" and z : w');
    expect(ds.map((d) => d.code)).toEqual(["EQL001", "EQL003", "EQL013"]);
  });
});

const RULE = (query: string) => `[metadata]
creation_date = "2024/01/01"
maturity = "production"
updated_date = "2024/01/01"

[rule]
author = ["me"]
description = "d"
name = "n"
risk_score = 21
rule_id = "x"
severity = "low"
type = "eql"
language = "eql"
${query}
`;

describe("positions in the rule file", () => {
  it("maps a query in a TOML multi-line literal string to file line:column", () => {
    const text = RULE("query = '''\nprocess where x == \"a\" and\n  y : z\n'''");
    const loaded = loadRule("rules/r.toml", text).value;
    const r = parseEql(loaded.document!.query!);
    expect(r.value).toBeNull();
    const d = r.diagnostics[0]!;
    expect(d.code).toBe("EQL013");
    // `z` is on the third line of the query: file line 17, column 7
    expect(loaded.source.position(d.span!.start)).toEqual({ line: 17, column: 7 });
    expect(render(d, loaded.source)).toContain("rules/r.toml:17:7: error EQL013");
    expect(render(d, loaded.source)).toContain("  y : z\n");
  });
  it("maps a query in a TOML basic string with escapes", () => {
    const text = RULE('query = "process where x == \\"a\\" and y : z"');
    const loaded = loadRule("r.toml", text).value;
    const r = parseEql(loaded.document!.query!);
    const d = r.diagnostics[0]!;
    const line = text.split("\n").findIndex((l) => l.startsWith("query")) + 1;
    expect(loaded.source.position(d.span!.start)).toEqual({ line, column: text.split("\n")[line - 1]!.indexOf(": z") + 3 });
  });
  it("IR spans are file offsets", () => {
    const text = RULE("query = '''\nprocess where x == \"a\"\n'''");
    const loaded = loadRule("r.toml", text).value;
    const r = parseEql(loaded.document!.query!);
    const q = r.value!.query;
    expect(text.slice(q.span.start, q.span.end)).toBe('process where x == "a"');
  });
});

describe("accepts what Elasticsearch accepts around these errors", () => {
  it("keywords after a dot are field-name segments", () => {
    const q = parseOk("process where x.in == 1").query;
    expect(q.kind === "event" && q.condition.kind === "match" && q.condition.subject.kind === "field" ? q.condition.subject.path : null).toBe("x.in");
  });
});
