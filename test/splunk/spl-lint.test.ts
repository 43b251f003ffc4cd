/**
 * The SPL lint itself: each rule it enforces, on searches written by hand
 * (expectations from Splunk's documented quoting: `\\` and `\"` are the only
 * escapes inside double quotes, `|` starts a command, boolean operators are
 * upper case).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lintSpl, stringValues, tokenize } from "../../targets/splunk/spl-lint.js";
import { quote } from "../../targets/splunk/syntax.js";

const messages = (spl: string) => lintSpl(spl).map((p) => p.message);

describe("spl lint: accepts well-formed searches", () => {
  it.each([
    'index=main sourcetype="x" (a="1" OR b="2") NOT c=*',
    '| tstats count from datamodel=Endpoint.Processes where Processes.process_name IN ("a.exe", "b.exe") by Processes.dest',
    'source="x" EventCode=1 | where like(lower(Image), "%\\\\cmd.exe") AND NOT isnull(\'Processes.process\')',
    '| multisearch [search a=1 | eval seq_term=1] [search b=2 | eval seq_term=2] | stats count by host',
    'path="C:\\\\Windows\\\\"',
    '```a comment``` index=main',
  ])("%s", (spl) => {
    expect(lintSpl(spl)).toEqual([]);
  });
});

describe("spl lint: rejects", () => {
  it("the classic unterminated path \"C:\\Windows\\\" (the last \\\" escapes the quote)", () => {
    expect(messages('Image="C:\\Windows\\"')).toContain("unterminated double-quoted string");
  });
  it("unbalanced parentheses and brackets, and crossed ones", () => {
    expect(messages("(a=1 OR b=2")).toContain("unclosed `(`");
    expect(messages("a=1)")).toContain("unbalanced `)`");
    expect(messages("| append [search a=1")).toContain("unclosed `[`");
    expect(messages("(a=1 ]").join()).toMatch(/closes/);
  });
  it("a pipe not followed by a known command, and empty pipes", () => {
    expect(messages("a=1 | frobnicate x").join()).toMatch(/known command/);
    expect(messages("a=1 | | stats count").join()).toMatch(/empty pipe/);
    expect(messages("a=1 |").join()).toMatch(/empty pipe/);
    expect(messages('a=1 | search "x | y"')).toEqual([]);
  });
  it("boolean operators in lower case", () => {
    expect(messages("a=1 and b=2").join()).toMatch(/capitals/);
    expect(messages("a=1 Or b=2").join()).toMatch(/capitals/);
    expect(messages("not a=1").join()).toMatch(/capitals/);
  });
  it("dangling AND / OR / NOT", () => {
    expect(messages("a=1 AND").join()).toMatch(/right operand/);
    expect(messages("AND a=1").join()).toMatch(/left operand/);
    expect(messages("(a=1 OR) b=2").join()).toMatch(/right operand/);
    expect(messages("a=1 NOT").join()).toMatch(/no operand/);
    expect(messages("a=1 | where x==1 OR | stats count").join()).toMatch(/right operand/);
  });
  it("unterminated single-quoted field names and macros", () => {
    expect(messages("| where 'a.b==1").join()).toMatch(/single-quoted/);
    expect(messages("`macro a=1").join()).toMatch(/macro/);
  });
});

describe("tokenizer value recovery", () => {
  it("unescapes exactly \\\\ and \\\" and keeps other backslashes", () => {
    expect(stringValues('a="x\\\\y\\"z\\w"')).toEqual(['x\\y"z\\w']);
  });
  it("quote() then tokenize gives the value back, for any string", () => {
    const nasty = fc.oneof(
      fc.string({ unit: fc.constantFrom('"', "\\", "|", "[", "]", "(", ")", "\n", "*", "?", "'", "`", " ", "=", "é", "😀", "a", "AND", "%", "_") , maxLength: 30 }),
      fc.string({ unit: "binary", maxLength: 20 }),
    );
    fc.assert(
      fc.property(nasty, (s) => {
        const spl = `index=main f=${quote(s)} | where g==${quote(s)}`;
        expect(lintSpl(spl)).toEqual([]);
        expect(stringValues(spl)).toEqual([s, s]);
        // A quoted value never produces pipes, brackets or operators outside its string token.
        const kinds = tokenize(spl).tokens.map((t) => t.kind);
        expect(kinds.filter((k) => k === "pipe")).toHaveLength(1);
      }),
      { numRuns: 500 },
    );
  });
});
