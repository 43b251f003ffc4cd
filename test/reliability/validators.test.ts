/** The independent validators of escaping.test.ts catch what they should (expectations from each language's documentation). */
import { describe, expect, it } from "vitest";
import { checkOsquery, checkSentinel, checkSigma, checkSplunk, eqlPatternToks, globToks, likeToks, matchesToks, nearMisses, osqueryDb, osquerySelect, sameToks, sigmaToks, splQuotes, sqlStrings, textToks } from "./validators.js";

describe("patterns", () => {
  it("Sigma: `\\*` `\\?` `\\\\` are literal, a backslash before anything else is itself, `*` and `?` are wildcards", () => {
    expect(sigmaToks("a\\*b\\?c\\\\d\\e*?")).toEqual([...textToks("a*b?c\\d\\e"), { t: "any" }, { t: "one" }]);
  });
  it("EQL `:` patterns: `*` and `?` cannot be escaped; a backslash is an ordinary character", () => {
    expect(eqlPatternToks("C:\\*.exe?")).toEqual([...textToks("C:\\"), { t: "any" }, ...textToks(".exe"), { t: "one" }]);
  });
  it("LIKE decodes with its ESCAPE character only; GLOB quotes with one-character classes", () => {
    expect(likeToks("a\\%b%_", "\\")).toEqual([...textToks("a%b"), { t: "any" }, { t: "one" }]);
    expect(likeToks("a\\%", null)).toEqual([...textToks("a\\"), { t: "any" }]);
    expect(globToks("[*]a[?]*[[]")).toEqual([...textToks("*a?"), { t: "any" }, ...textToks("[")]);
  });
  it("matching: any-runs backtrack, one-char wildcards take exactly one character, ASCII folding only on request", () => {
    const p = eqlPatternToks("*ab*c?");
    expect(matchesToks(p, "xxabyyabzcq", false)).toBe(true);
    expect(matchesToks(p, "abc", false)).toBe(false);
    expect(matchesToks(textToks("Cmd"), "cmd", false)).toBe(false);
    expect(matchesToks(textToks("Cmd"), "cmd", true)).toBe(true);
    expect(sameToks(textToks("a\nb"), [...textToks("a"), { t: "one" }, ...textToks("b")], true)).toBe(true);
    expect(sameToks(textToks("axb"), [...textToks("a"), { t: "one" }, ...textToks("b")], true)).toBe(false);
  });
});

describe("languages", () => {
  it("Sigma: a value is recovered through the modifiers; a wrong escape is not", () => {
    const doc = (v: string, key = "CommandLine|contains") => `title: t\nlogsource: {category: process_creation}\ndetection:\n  sel:\n    ${key}: '${v}'\n  condition: sel\n`;
    const want = [{ t: "any" } as const, ...textToks("a*b"), { t: "any" } as const];
    expect(checkSigma(doc("a\\*b"), want, false)).toEqual([]);
    expect(checkSigma(doc("a*b"), want, false)).toHaveLength(1);
    expect(checkSigma("detection: [unclosed", want, false)[0]).toMatch(/YAML does not load/);
  });

  it("Sentinel: the Kusto parser rejects an unterminated string; literals are read from its syntax tree", () => {
    expect(checkSentinel('T | where a == "x\\"y"', 'x"y')).toEqual([]);
    expect(checkSentinel('T | where a == "x', null)[0]).toMatch(/Kusto syntax errors/);
    expect(checkSentinel('T | where a == "z"', "x")[0]).toMatch(/no string literal/);
  });

  it("SPL: unbalanced quotes, brackets or parentheses are problems; escaped quotes are not", () => {
    expect(checkSplunk('search a="x\\"y" | where in(b, "c")', 'x"y')).toEqual([]);
    expect(splQuotes('a="x').problems).toHaveLength(1);
    expect(splQuotes("a=(b").problems).toHaveLength(1);
    expect(splQuotes('a="]" [b]').problems).toEqual([]);
  });

  it("SQL: literals decode '' and see an ESCAPE clause; two statements, or one that does not prepare, are problems", async () => {
    const db = await osqueryDb();
    expect(sqlStrings("SELECT 1 WHERE a LIKE 'it''s\\%' ESCAPE '\\' -- 'no'")).toEqual([{ value: "it's\\%", escape: "\\" }, { value: "\\", escape: null }]);
    expect(checkOsquery(db, "SELECT * FROM processes WHERE cmdline = 'x';", textToks("x"))).toEqual([]);
    expect(checkOsquery(db, "SELECT * FROM processes WHERE cmdline = 'x'; DELETE FROM processes;", null)[0]).toMatch(/2 SQL statements/);
    expect(checkOsquery(db, "SELECT * FROM no_such_table", null)[0]).toMatch(/does not prepare/);
  });

  it("SQL, executed: a query selects exactly its rows among near misses (a leading BOM survives)", async () => {
    const db = await osqueryDb();
    const v = "\ufeffAb'c";
    const rows = nearMisses(v);
    const exact = osquerySelect(db, "SELECT p.* FROM processes AS p WHERE p.cmdline = '\ufeffAb''c';", "cmdline", rows);
    expect([...(exact ?? [])]).toEqual([v]);
    const like = osquerySelect(db, "SELECT p.* FROM processes AS p WHERE p.cmdline LIKE '\ufeffab''c%';", "cmdline", rows);
    expect([...(like ?? [])].sort()).toEqual(rows.filter((r) => matchesToks([...textToks(v), { t: "any" }], r, true)).sort());
  });
});
