/**
 * KQL parser: expectations follow Kibana's grammar (grammar.peggy) and the
 * matching rules in docs/kql-semantics.md, not the implementation.
 */
import { describe, expect, it } from "vitest";
import { parseKql } from "../../src/frontend/kql/index.js";
import { literalSource, mappedSource, standaloneSource } from "../../src/frontend/source.js";
import { and, any, bool, compare, exists, field, fulltext, kql, match, matchAll, not, num, or, pat, str, text } from "./helpers.js";

function diag(q: string) {
  const r = parseKql(standaloneSource(q));
  return { value: r.value, errors: r.diagnostics.filter((d) => d.severity === "error"), diagnostics: r.diagnostics };
}

describe("field:value", () => {
  it("unquoted and quoted values are the same exact, case-sensitive match", () => {
    expect(kql("process.name:cmd.exe")).toEqual(match("process.name", [str("cmd.exe")]));
    expect(kql('process.name : "cmd.exe"')).toEqual(match("process.name", [str("cmd.exe")]));
  });
  it("an unquoted value runs over spaces up to a keyword and is trimmed", () => {
    expect(kql("event.action:Add member to group  and x:1")).toEqual(and(match("event.action", [str("Add member to group")]), match("x", [num("1")])));
  });
  it("unquoted plain numbers and booleans keep their kind; quoted ones are strings", () => {
    expect(kql("event.code:4624")).toEqual(match("event.code", [num("4624")]));
    expect(kql('event.code:"4624"')).toEqual(match("event.code", [str("4624")]));
    expect(kql("f:1.5")).toEqual(match("f", [num("1.5")]));
    expect(kql("f:007")).toEqual(match("f", [str("007")]));
    expect(kql("f:true and g:false")).toEqual(and(match("f", [bool(true)]), match("g", [bool(false)])));
    expect(kql('f:"true"')).toEqual(match("f", [str("true")]));
  });
  it("a quoted field name is a plain field", () => {
    expect(kql('"user.id": x')).toEqual(match("user.id", [str("x")]));
  });
  it("an empty quoted value is the empty string", () => {
    expect(kql('f:""')).toEqual(match("f", [str("")]));
  });
});

describe("escapes", () => {
  it("unquoted \\: and \\\\ give the characters (a Windows path without quotes)", () => {
    expect(kql("winlog.event_data.CallerProcessName:C\\:\\\\Windows\\\\System32\\\\net1.exe")).toEqual(
      match("winlog.event_data.CallerProcessName", [str("C:\\Windows\\System32\\net1.exe")]),
    );
  });
  it("every unquoted special character can be escaped; an escaped * is literal", () => {
    expect(kql('f:a\\(b\\)c\\<d\\>e\\"f\\*g\\{h\\}i')).toEqual(match("f", [str('a(b)c<d>e"f*g{h}i')]));
  });
  it("a Windows path in quotes: \\t becomes a TAB, other backslashes stay", () => {
    // Kibana decodes \t \r \n \\ \" \uXXXX in quotes and keeps any other backslash.
    expect(kql('file.path:"C:\\Windows\\temp\\x.exe"')).toEqual(match("file.path", [str("C:\\Windows\temp\\x.exe")]));
  });
  it("quoted escapes \\\\ \\\" \\n \\r \\u", () => {
    expect(kql('f:"a\\\\b\\"c\\nd\\re\\u0041\\u00e9"')).toEqual(match("f", [str('a\\b"c\nd\reAé')]));
  });
  it("a backslash before a non-escapable character in quotes is literal, \\u without 4 hex digits too", () => {
    expect(kql('f:"\\w\\u12"')).toEqual(match("f", [str("\\w\\u12")]));
  });
  it("unquoted \\t is a TAB, and Kibana trims it at the ends", () => {
    expect(kql("f:a\\tb")).toEqual(match("f", [str("a\tb")]));
    expect(kql("f:ab\\t")).toEqual(match("f", [str("ab")]));
  });
  it("escaped keywords are text", () => {
    expect(kql("f:a \\or b \\and c")).toEqual(match("f", [str("a or b and c")]));
  });
  it("an unescaped backslash in an unquoted value is a syntax error at the backslash", () => {
    const r = diag("f:C\\Windows");
    expect(r.value).toBeNull();
    expect(r.errors[0]?.code).toBe("KQL001");
    expect(r.errors[0]?.span).toEqual({ start: 3, end: 4 });
  });
});

describe("wildcards", () => {
  it("* in an unquoted value is any run of characters", () => {
    expect(kql("process.name:*foo*")).toEqual(match("process.name", [pat(any, text("foo"), any)]));
    expect(kql("f:a*b*")).toEqual(match("f", [pat(text("a"), any, text("b"), any)]));
  });
  it("* inside quotes is a literal star", () => {
    expect(kql('f:"*foo*"')).toEqual(match("f", [str("*foo*")]));
  });
  it("? is a literal character in KQL", () => {
    expect(kql("f:a?b*")).toEqual(match("f", [pat(text("a?b"), any)]));
  });
  it("field:* is existence, also padded with spaces", () => {
    expect(kql("user.name:*")).toEqual(exists("user.name"));
    expect(kql("user.name : * ")).toEqual(exists("user.name"));
  });
  it("** is a pattern, not existence", () => {
    expect(kql("f:**")).toEqual(match("f", [pat(any, any)]));
  });
  it("wildcards in field names", () => {
    expect(kql("process.*:x")).toEqual(match("process.*", [str("x")], { wildcard: true }));
    expect(kql("threat.indicator.file.hash.*:*")).toEqual(exists("threat.indicator.file.hash.*", true));
  });
  it("*:* and the empty query match everything", () => {
    expect(kql("*:*")).toEqual(matchAll());
    expect(kql("")).toEqual(matchAll());
    expect(kql("  \n ")).toEqual(matchAll());
    expect(kql("*")).toEqual(matchAll());
  });
  it("warns about whitespace inside an unquoted wildcard value", () => {
    const r = diag("user_agent.original:*S3 Browser*");
    expect(r.errors).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["KQL102"]);
  });
});

describe("value lists", () => {
  it("an or-list is one match with several values", () => {
    expect(kql("f:(a or b or c)")).toEqual(match("f", [str("a"), str("b"), str("c")]));
    expect(kql("f:(a or (b or c))")).toEqual(match("f", [str("a"), str("b"), str("c")]));
  });
  it("and/not inside a list keep Kibana's precedence", () => {
    expect(kql("f:(a or b and not c)")).toEqual(or(match("f", [str("a")]), and(match("f", [str("b")]), not(match("f", [str("c")])))));
    expect(kql("f:(a and b)")).toEqual(and(match("f", [str("a")]), match("f", [str("b")])));
  });
  it("* inside a list is existence", () => {
    expect(kql('process.command_line:(* and not "x y")')).toEqual(and(exists("process.command_line"), not(match("process.command_line", [str("x y")]))));
  });
  it("mixed quoted, wildcard and number values", () => {
    expect(kql('f:("a" or b* or 5)')).toEqual(match("f", [str("a"), pat(text("b"), any), num("5")]));
  });
  it("not before a list", () => {
    expect(kql("not f:(a or b)")).toEqual(not(match("f", [str("a"), str("b")])));
  });
  it("a list on many lines", () => {
    expect(kql("f : (\n  a or\n  b\n)")).toEqual(match("f", [str("a"), str("b")]));
  });
});

describe("and/or/not", () => {
  it("and binds tighter than or, not tighter than and", () => {
    expect(kql("a:1 or b:2 and c:3")).toEqual(or(match("a", [num("1")]), and(match("b", [num("2")]), match("c", [num("3")]))));
    expect(kql("not a:1 and b:2")).toEqual(and(not(match("a", [num("1")])), match("b", [num("2")])));
    expect(kql("(a:1 or b:2) and c:3")).toEqual(and(or(match("a", [num("1")]), match("b", [num("2")])), match("c", [num("3")])));
  });
  it("keywords are case-insensitive", () => {
    expect(kql("a:1 OR b:2 AnD NOT c:3")).toEqual(or(match("a", [num("1")]), and(match("b", [num("2")]), not(match("c", [num("3")])))));
  });
  it("chains are flattened", () => {
    expect(kql("a:1 and (b:2 and c:3) and d:4")).toEqual(and(match("a", [num("1")]), match("b", [num("2")]), match("c", [num("3")]), match("d", [num("4")])));
  });
  it("not needs whitespace after it", () => {
    expect(diag("not(a:b)").value).toBeNull();
    expect(kql("not (a:b)")).toEqual(not(match("a", [str("b")])));
  });
  it("a value ends where `not ` starts, even inside a word", () => {
    expect(diag("f:cannot x").value).toBeNull();
    expect(kql("f:cannotx")).toEqual(match("f", [str("cannotx")]));
  });
  it("a trailing `or` without whitespace after it is part of the value", () => {
    expect(kql("f:a or")).toEqual(match("f", [str("a or")]));
  });
  it("two field expressions need a keyword between them", () => {
    const r = diag("a:b c:d");
    expect(r.value).toBeNull();
    expect(r.errors[0]?.span?.start).toBe(5);
  });
});

describe("ranges", () => {
  it("date math, quoted or not", () => {
    expect(kql('@timestamp >= "now-30d/d"')).toEqual(compare("@timestamp", ">=", { kind: "datemath", expr: "now-30d/d" }));
    expect(kql("@timestamp<now-5m")).toEqual(compare("@timestamp", "<", { kind: "datemath", expr: "now-5m" }));
    expect(kql("t > 2024-01-01||+1M/d")).toEqual(compare("t", ">", { kind: "datemath", expr: "2024-01-01||+1M/d" }));
  });
  it("numbers and strings", () => {
    expect(kql("process.args_count >= 3")).toEqual(compare("process.args_count", ">=", { kind: "number", value: 3, raw: "3", integer: true }));
    expect(kql("x <= 1.5")).toEqual(compare("x", "<=", { kind: "number", value: 1.5, raw: "1.5", integer: false }));
    expect(kql('x > "5"')).toEqual(compare("x", ">", { kind: "string", value: "5" }));
    expect(kql("d > 2024-01-01")).toEqual(compare("d", ">", { kind: "string", value: "2024-01-01" }));
  });
  it("a range next to other conditions", () => {
    expect(kql("a:x and n > 2 and b:y")).toEqual(and(match("a", [str("x")]), compare("n", ">", { kind: "number", value: 2, raw: "2", integer: true }), match("b", [str("y")])));
  });
});

describe("nested and free text", () => {
  it("nested queries carry full field paths", () => {
    expect(kql('a.b:{ c:"x" and d:(y or z) }')).toEqual({
      kind: "nested",
      path: "a.b",
      condition: and(match("a.b.c", [str("x")]), match("a.b.d", [str("y"), str("z")])),
    });
  });
  it("free text", () => {
    expect(kql("mimikatz")).toEqual(fulltext(str("mimikatz")));
    expect(kql('"sekurlsa::logonpasswords"')).toEqual(fulltext(str("sekurlsa::logonpasswords")));
    expect(kql("mimi*")).toEqual(fulltext(pat(text("mimi"), any)));
    expect(kql("a and f:b")).toEqual(and(fulltext(str("a")), match("f", [str("b")])));
  });
  it("an unquoted null field is no field (Kibana's is())", () => {
    expect(kql("null:x")).toEqual(fulltext(str("x")));
  });
});

describe("positions", () => {
  it("IR spans are file offsets", () => {
    const r = parseKql(literalSource("a:b and c:d", 100));
    expect(r.value?.span).toEqual({ start: 100, end: 111 });
    expect(r.value?.kind === "and" && r.value.operands[1]?.span).toEqual({ start: 108, end: 111 });
  });
  it("offsets go through the source map (escaped TOML strings)", () => {
    // query `f:"x"` whose characters came from file offsets 10, 12, 14, ...
    const text = 'f:"x" and';
    const offsets = Array.from({ length: text.length + 1 }, (_, i) => 10 + 2 * i);
    const r = parseKql(mappedSource(text, offsets));
    expect(r.value).toBeNull();
    const e = r.diagnostics[0];
    // `and` needs whitespace after it; the furthest point the parse reached is the end of the query (offset 9)
    expect(e?.code).toBe("KQL001");
    expect(e?.message).toContain("whitespace");
    expect(e?.span?.start).toBe(10 + 2 * 9);
  });
  it("an unterminated quote is reported at the end", () => {
    const r = diag('f:"abc');
    expect(r.errors[0]?.span?.start).toBe(6);
    expect(r.errors[0]?.message).toContain('"\\""');
  });
  it("too deep nesting is a diagnostic, not a stack overflow", () => {
    const q = "(".repeat(5000) + "a:b" + ")".repeat(5000);
    const r = diag(q);
    expect(r.value).toBeNull();
    expect(r.errors[0]?.code).toBe("KQL002");
  });
  it("a long or-chain and a long list do not recurse", () => {
    const chain = Array.from({ length: 10000 }, (_, i) => `f:${i}`).join(" or ");
    expect((kql(chain) as { operands: unknown[] }).operands.length).toBe(10000);
    const list = `f:(${Array.from({ length: 10000 }, (_, i) => `v${i}`).join(" or ")})`;
    expect((kql(list) as { values: unknown[] }).values.length).toBe(10000);
  });
});

describe("field refs", () => {
  it("are not optional and not wildcards by default", () => {
    expect((kql("a.b:c") as { subject: unknown }).subject).toEqual(field("a.b"));
  });
});
