/**
 * The Lucene subset: expectations follow Lucene's classic query parser as
 * Elasticsearch's query_string runs it (default operator OR), see
 * docs/kql-semantics.md section 8.
 */
import { describe, expect, it } from "vitest";
import { parseLucene, printLucene } from "../../src/frontend/kql/index.js";
import { standaloneSource } from "../../src/frontend/source.js";
import type { Condition } from "../../src/ir/nodes.js";
import { and, any, bool, exists, field, fulltext, lucene, match, matchAll, noSpans, not, num, one, or, pat, str, text } from "./helpers.js";

const m = (path: string, values: Parameters<typeof match>[1]) => match(path, values, { operator: ":" });
const cmp = (path: string, op: string, right: object) => ({ kind: "compare", op, left: field(path), right }) as unknown as Condition;

function diags(q: string) {
  return parseLucene(standaloneSource(q));
}

describe("Lucene subset", () => {
  it("the corpus rule: upper-case operators, a lower-case `or` is a term, a regex", () => {
    const q = "event.category:process AND event.type:(start or process_started) AND process.name:chmod AND process.args:(g+s OR /2[0-9]{3}/) AND NOT user.name:root\n";
    const r = diags(q);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["LUCENE101"]);
    expect(noSpans(r.value)).toEqual(
      and(
        m("event.category", [str("process")]),
        m("event.type", [str("start"), str("or"), str("process_started")]),
        m("process.name", [str("chmod")]),
        or(m("process.args", [str("g+s")]), { kind: "regex-match", subject: field("process.args"), patterns: [{ kind: "regex", dialect: "lucene", source: "2[0-9]{3}" }], caseSensitive: true } as unknown as Condition),
        not(m("user.name", [str("root")])),
      ),
    );
  });
  it("? is a one-character wildcard, * any run; quoted text is literal", () => {
    expect(lucene("f:a?c*")).toEqual(m("f", [pat(text("a"), one, text("c"), any)]));
    expect(lucene('f:"a?c*"')).toEqual(m("f", [str("a?c*")]));
    expect(lucene("f:a\\*b")).toEqual(m("f", [str("a*b")]));
  });
  it("numbers, booleans, free text, existence", () => {
    expect(lucene("f:5 AND g:true")).toEqual(and(m("f", [num("5")]), m("g", [bool(true)])));
    expect(lucene("mimikatz")).toEqual(fulltext(str("mimikatz")));
    expect(lucene("f:*")).toEqual(exists("f"));
    expect(lucene("_exists_:f")).toEqual(exists("f"));
    expect(lucene("*:*")).toEqual(matchAll());
  });
  it("an escaped * in a field name is a field pattern", () => {
    expect(lucene("process.\\*:x")).toEqual(match("process.*", [str("x")], { operator: ":", wildcard: true }));
    expect(lucene("a\\/b:x")).toEqual(m("a/b", [str("x")]));
  });
  it("ranges", () => {
    expect(lucene("f:[1 TO 5]")).toEqual(and(cmp("f", ">=", { kind: "number", value: 1, raw: "1", integer: true }), cmp("f", "<=", { kind: "number", value: 5, raw: "5", integer: true })));
    expect(lucene("f:{1 TO *]")).toEqual(cmp("f", ">", { kind: "number", value: 1, raw: "1", integer: true }));
    expect(lucene('t:["now-30d/d" TO *}')).toEqual(cmp("t", ">=", { kind: "datemath", expr: "now-30d/d" }));
    expect(lucene("f:[* TO *]")).toEqual(exists("f"));
    expect(lucene("f:>=10")).toEqual(cmp("f", ">=", { kind: "number", value: 10, raw: "10", integer: true }));
  });
  it("default operator OR, +/- and NOT", () => {
    expect(lucene("a:1 b:2")).toEqual(or(m("a", [num("1")]), m("b", [num("2")])));
    expect(lucene("-a:1 +b:2")).toEqual(and(not(m("a", [num("1")])), m("b", [num("2")])));
    expect(lucene("NOT a:1")).toEqual(not(m("a", [num("1")])));
    expect(lucene("!a:1 && b:2")).toEqual(and(not(m("a", [num("1")])), m("b", [num("2")])));
    expect(lucene("a:1 || b:2")).toEqual(or(m("a", [num("1")]), m("b", [num("2")])));
  });
  it("mixing AND and OR without parentheses follows Lucene, not boolean precedence", () => {
    // a OR b AND c: AND makes b and c required; the optional a no longer matters.
    const r = diags("a:1 OR b:2 AND c:3");
    expect(noSpans(r.value)).toEqual(and(m("b", [num("2")]), m("c", [num("3")])));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["LUCENE102"]);
  });
  it("a field group applies the field to its terms", () => {
    expect(lucene("f:(a OR b*)")).toEqual(m("f", [str("a"), pat(text("b"), any)]));
    expect(lucene("f:(a AND b)")).toEqual(and(m("f", [str("a")]), m("f", [str("b")])));
    expect(lucene("f:(a OR g:b)")).toEqual(or(m("f", [str("a")]), m("g", [str("b")])));
  });
  it("unsupported constructs are `unsupported`, broken input is an error", () => {
    for (const q of ["f:a^2", "f:abc~", "f:abc~2", "f*:x", "/re/"]) {
      const r = diags(q);
      expect(r.value, q).toBeNull();
      expect(r.diagnostics[0]?.code, q).toBe("LUCENE002");
      expect(r.diagnostics[0]?.unsupported, q).toBe(true);
    }
    for (const q of ["f:(a", '"abc', "f:[1 TO", "AND a", ")"]) {
      const r = diags(q);
      expect(r.value, q).toBeNull();
      expect(r.diagnostics[0]?.code, q).toBe("LUCENE001");
    }
  });
  it("identity: parseLucene(printLucene(ir)) equals ir", () => {
    for (const q of [
      "event.category:process AND event.type:(start or process_started) AND process.args:(g+s OR /2[0-9]{3}/) AND NOT user.name:root",
      "a:1 b:2 -c:3",
      "f:(a OR b) AND NOT (g:x OR h:y*)",
      "f:[1 TO 5} AND t:>=now-5m",
      'f:"a b\\" c" OR x:a\\ b?',
      "NOT (NOT a:1)",
      "_exists_:f AND *:*",
      "process.\\*:x OR k8s\\/io:y",
    ]) {
      const ir = lucene(q);
      const printed = printLucene(ir);
      expect(lucene(printed), `${q} -> ${printed}`).toEqual(ir);
    }
  });
});
