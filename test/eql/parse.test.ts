/**
 * One test per EQL construct, each with the IR it must produce. Expectations
 * come from the documented Elasticsearch semantics
 * (shared/reference/eql-semantics.md): `:` is case-insensitive with `*`/`?`
 * wildcards, `like` is case-sensitive with wildcards, `==`/`in` are
 * case-sensitive with no wildcards, `~` folds case, and so on.
 */
import { describe, expect, it } from "vitest";
import {
  and,
  ANY,
  bool,
  call,
  cond,
  exists,
  field,
  match,
  not,
  num,
  ONE,
  or,
  parseErrors,
  parseOk,
  pat,
  str,
  stripSpans,
  test_,
  text,
} from "./util.js";

const X = field("x");

/** Depth of an IR value (objects and arrays), measured iteratively. */
function irDepth(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    max = Math.max(max, d);
    for (const x of Object.values(v)) stack.push([x, d + 1]);
  }
  return max;
}

describe("event queries", () => {
  it("takes the category as a name, `any`, or a string", () => {
    expect(stripSpans(parseOk("process where true").query)).toEqual({ kind: "event", category: { kind: "named", name: "process" }, condition: test_(bool(true)) });
    expect(stripSpans(parseOk("any where true").query)).toMatchObject({ category: { kind: "any" } });
    expect(stripSpans(parseOk('"my-category" where true').query)).toMatchObject({ category: { kind: "named", name: "my-category" } });
    expect(stripSpans(parseOk('"""any""" where true').query)).toMatchObject({ category: { kind: "named", name: "any" } });
  });
});

describe("`:` (case-insensitive, wildcards)", () => {
  it('"?:\\\\Windows\\\\*" is one-character wildcard, literal backslashes, any-run wildcard', () => {
    // EQL text: x : "?:\\Windows\\*"  -> string value ?:\Windows\*
    expect(cond(String.raw`x : "?:\\Windows\\*"`)).toEqual(match(X, [pat(ONE, text(":\\Windows\\"), ANY)], false, ":"));
  });
  it("takes a list of patterns, OR-ed", () => {
    expect(cond('x : ("a*", "*b", "c")')).toEqual(match(X, [pat(text("a"), ANY), pat(ANY, text("b")), pat(text("c"))], false, ":"));
  });
  it("a single-item list means the same as the bare value", () => {
    expect(cond('x : ("a")')).toEqual(cond('x : "a"'));
  });
  it("accepts numbers and booleans", () => {
    expect(cond("x : 5")).toEqual(match(X, [num(5)], false, ":"));
    expect(cond("x : true")).toEqual(match(X, [bool(true)], false, ":"));
  });
  it("an empty string is an empty pattern (no empty text part)", () => {
    expect(cond('x : ""')).toEqual(match(X, [pat()], false, ":"));
  });
  it("keeps adjacent wildcards as written and merges no text", () => {
    expect(cond('x : "a**?b"')).toEqual(match(X, [pat(text("a"), ANY, ANY, ONE, text("b"))], false, ":"));
  });
});

describe("like / like~", () => {
  it("like is case-sensitive with wildcards", () => {
    expect(cond('x like "C:\\\\*.exe"')).toEqual(match(X, [pat(text("C:\\"), ANY, text(".exe"))], true, "like"));
  });
  it("like~ is case-insensitive", () => {
    expect(cond('x like~ ("*a?", "b")')).toEqual(match(X, [pat(ANY, text("a"), ONE), pat(text("b"))], false, "like"));
  });
});

describe("== and != (case-sensitive, no wildcards)", () => {
  it("a `*` after == is a literal asterisk", () => {
    expect(cond('x == "a*b?"')).toEqual(match(X, [pat(text("a*b?"))], true, "=="));
  });
  it("numbers and booleans", () => {
    expect(cond("x == 4")).toEqual(match(X, [num(4)], true, "=="));
    expect(cond("x == false")).toEqual(match(X, [bool(false)], true, "=="));
  });
  it("!= is not(match ==)", () => {
    expect(cond('x != "a"')).toEqual(not(match(X, [pat(text("a"))], true, "==")));
  });
  it("a literal on the left is the same comparison", () => {
    expect(cond('"a" == x')).toEqual(cond('x == "a"'));
  });
  it("== null is not(exists), != null is exists", () => {
    expect(cond("x == null")).toEqual(not(exists(X)));
    expect(cond("x != null")).toEqual(exists(X));
    expect(cond("null != ?x")).toEqual(exists(field("x", true)));
  });
  it("a function result can be compared", () => {
    expect(cond('string(x) == "1"')).toEqual(match(call("string", [X]), [pat(text("1"))], true, "=="));
  });
});

describe("in / in~ / not in", () => {
  it('in ("*") holds a literal asterisk', () => {
    expect(cond('x in ("*")')).toEqual(match(X, [pat(text("*"))], true, "in"));
  });
  it("in~ is case-insensitive, still without wildcards", () => {
    expect(cond('x in~ ("A*", 3)')).toEqual(match(X, [pat(text("A*")), num(3)], false, "in"));
  });
  it("not x in (...) and x not in (...) mean the same, with different precedence context", () => {
    const expected = not(match(X, [pat(text("a")), pat(text("b"))], true, "in"));
    expect(cond('not x in ("a", "b")')).toEqual(expected);
    expect(cond('x not in ("a", "b")')).toEqual(expected);
    expect(cond('x not in~ ("a")')).toEqual(not(match(X, [pat(text("a"))], false, "in")));
    // prefix `not` applies to its whole operand only: `not x in (...) and y` is (not ...) and y
    expect(cond('not x in ("a") and y')).toEqual(and(not(match(X, [pat(text("a"))], true, "in")), test_(field("y"))));
  });
  it("negative numbers in a list are number literals", () => {
    expect(cond("x in (-1, 2)")).toEqual(match(X, [num(-1, "-1"), num(2)], true, "in"));
  });
});

describe("regex / regex~", () => {
  it("keeps the Lucene source verbatim", () => {
    expect(cond('x regex "[a-z]+\\\\.exe"')).toEqual({
      kind: "regex-match",
      subject: X,
      patterns: [{ kind: "regex", dialect: "lucene", source: "[a-z]+\\.exe" }],
      caseSensitive: true,
    });
    expect(cond('x regex~ ("a.*", "b")')).toMatchObject({ kind: "regex-match", caseSensitive: false, patterns: [{ source: "a.*" }, { source: "b" }] });
  });
});

describe("ordering comparisons", () => {
  it("lower to compare", () => {
    for (const op of ["<", "<=", ">", ">="]) expect(cond(`x ${op} 5`)).toEqual({ kind: "compare", op, left: X, right: num(5) });
    expect(cond("5 < length(x)")).toEqual({ kind: "compare", op: "<", left: num(5), right: call("length", [X]) });
  });
});

describe("functions", () => {
  it("names resolve case-insensitively to the canonical spelling", () => {
    expect(cond('cidrmatch(ip, "10.0.0.0/8")')).toEqual(test_(call("cidrMatch", [field("ip"), str("10.0.0.0/8")])));
    expect(cond('STRINGCONTAINS(x, "a")')).toEqual(test_(call("stringContains", [X, str("a")])));
  });
  it("startswith~ is the case-insensitive startsWith", () => {
    expect(cond('startswith~(x, "C:")')).toEqual(test_(call("startsWith", [X, str("C:")], true)));
    expect(cond('endsWith~(x, "a")')).toEqual(test_(call("endsWith", [X, str("a")], true)));
  });
  it("cidrmatch with 28 arguments", () => {
    const cidrs = Array.from({ length: 27 }, (_, i) => `10.${i}.0.0/16`);
    const q = `cidrmatch(destination.ip, ${cidrs.map((c) => `"${c}"`).join(", ")})`;
    expect(cond(q)).toEqual(test_(call("cidrMatch", [field("destination.ip"), ...cidrs.map(str)])));
  });
  it("substring(x, -4): a negative offset is a negative number literal", () => {
    expect(cond('substring(x, -4) == "abcd"')).toEqual(match(call("substring", [X, num(-4, "-4")]), [pat(text("abcd"))], true, "=="));
  });
  it("substring with arithmetic offsets", () => {
    expect(cond('substring(x, length(x) - 4, length(x)) : "a"')).toEqual(
      match(call("substring", [X, { kind: "arith", op: "-", left: call("length", [X]), right: num(4) }, call("length", [X])]), [pat(text("a"))], false, ":"),
    );
  });
  it("not startsWith(...) negates a test", () => {
    expect(cond('not startsWith(x, "a")')).toEqual(not(test_(call("startsWith", [X, str("a")]))));
  });
});

describe("strings", () => {
  it('"""raw\\"text""" keeps the backslash (raw strings have no escapes)', () => {
    expect(cond('x == """raw\\"text"""')).toEqual(match(X, [pat(text('raw\\"text'))], true, "=="));
  });
  it("raw strings: one or two extra closing quotes belong to the content", () => {
    expect(cond('x == """a""""')).toEqual(match(X, [pat(text('a"'))], true, "=="));
    expect(cond('x == """a"""""')).toEqual(match(X, [pat(text('a""'))], true, "=="));
  });
  it("decodes every escape", () => {
    expect(cond(String.raw`x == "\b\t\n\f\r\"\'\\\u{41}\u{1F600}"`)).toEqual(match(X, [pat(text("\b\t\n\f\r\"'\\A\u{1F600}"))], true, "=="));
  });
});

describe("fields", () => {
  it("optional, backquoted, @timestamp and array indexes", () => {
    expect(cond("?process.parent.name == 1")).toMatchObject({ subject: field("process.parent.name", true) });
    expect(cond("`my-field`.`a``b`.c == 1")).toMatchObject({ subject: field("my-field.a`b.c") });
    expect(cond("@timestamp > 0")).toMatchObject({ left: field("@timestamp") });
    expect(cond("x.y[0].z == 1")).toMatchObject({ subject: field("x.y[0].z") });
  });
  it("a bare field or boolean as a condition is a test", () => {
    expect(cond("process.code_signature.trusted")).toEqual(test_(field("process.code_signature.trusted")));
    expect(cond("x and true")).toEqual(and(test_(X), test_(bool(true))));
  });
});

describe("boolean structure", () => {
  it("and binds tighter than or; chains are flattened", () => {
    expect(cond("a and b or c and d")).toEqual(or(and(test_(field("a")), test_(field("b"))), and(test_(field("c")), test_(field("d")))));
    expect(cond("(a and b) and (c and d)")).toEqual(and(...["a", "b", "c", "d"].map((f) => test_(field(f)))));
    expect(cond("a or (b or c)")).toEqual(or(...["a", "b", "c"].map((f) => test_(field(f)))));
  });
  it("not binds tighter than and", () => {
    expect(cond("not a and b")).toEqual(and(not(test_(field("a"))), test_(field("b"))));
    expect(cond("not (a and b)")).toEqual(not(and(test_(field("a")), test_(field("b")))));
    expect(cond("not not a")).toEqual(not(not(test_(field("a")))));
  });
});

describe("arithmetic", () => {
  const a = field("a");
  const b = field("b");
  const c = field("c");
  const ar = (op: string, left: unknown, right: unknown) => ({ kind: "arith", op, left, right });
  it("* / % bind tighter than + -, left-associative", () => {
    expect(cond("a + b * c > 1")).toMatchObject({ left: ar("+", a, ar("*", b, c)) });
    expect(cond("a - b - c > 1")).toMatchObject({ left: ar("-", ar("-", a, b), c) });
    expect(cond("a % b / c > 1")).toMatchObject({ left: ar("/", ar("%", a, b), c) });
  });
  it("unary minus: folded into number literals, negate otherwise", () => {
    expect(cond("-a < 1")).toMatchObject({ left: { kind: "negate", operand: a } });
    expect(cond("a > -1.5")).toMatchObject({ right: num(-1.5, "-1.5", false) });
    expect(cond("a > --1")).toMatchObject({ right: { kind: "negate", operand: num(-1, "-1") } });
    expect(cond("a > +1")).toMatchObject({ right: num(1) });
  });
});

describe("numbers", () => {
  it("keeps the spelling and whether it was an integer", () => {
    expect(cond("x == 1e3")).toMatchObject({ values: [num(1000, "1e3", false)] });
    expect(cond("x == 1.50")).toMatchObject({ values: [num(1.5, "1.50", false)] });
    expect(cond("x == .5")).toMatchObject({ values: [num(0.5, ".5", false)] });
    expect(cond("x == 9223372036854775807")).toMatchObject({ values: [{ raw: "9223372036854775807", integer: true }] });
  });
});

describe("comments", () => {
  it("`/*/` does not close a comment; a line comment may end the query", () => {
    expect(cond("/*/ x */ y")).toEqual(test_(field("y")));
    expect(cond("y // trailing, no newline")).toEqual(test_(field("y")));
    expect(cond("y // windows line end\r\n and z")).toEqual(and(test_(field("y")), test_(field("z"))));
  });
  it("skips line comments and nested block comments", () => {
    expect(cond("x == 1 // trailing\n and /* a /* nested */ comment */ y == 2")).toEqual(and(match(X, [num(1)], true, "=="), match(field("y"), [num(2)], true, "==")));
  });
});

describe("sequences", () => {
  const t = (category: string, c: unknown, by: unknown[] = [], runs = 1, missing = false) => ({
    kind: "term",
    query: { kind: "event", category: { kind: "named", name: category }, condition: c },
    by,
    runs,
    missing,
  });
  it("by before with maxspan, per-term by, until", () => {
    const q = parseOk("sequence by host.id with maxspan=30s [process where true] by process.pid [file where true] by process.ppid until [process where x] by process.pid");
    expect(stripSpans(q.query)).toEqual({
      kind: "sequence",
      by: [field("host.id")],
      maxspan: { value: 30, unit: "s", ms: 30_000 },
      terms: [t("process", test_(bool(true)), [field("process.pid")]), t("file", test_(bool(true)), [field("process.ppid")])],
      until: t("process", test_(X), [field("process.pid")]),
    });
  });
  it("maxspan units convert to milliseconds", () => {
    for (const [u, ms] of [["ms", 5], ["s", 5000], ["m", 300_000], ["h", 18_000_000], ["d", 432_000_000]] as const) {
      const q = parseOk(`sequence with maxspan=5${u} [a where true] [b where true]`).query;
      expect(q.kind === "sequence" && q.maxspan?.ms).toBe(ms);
    }
  });
  it("`by` after `with maxspan` gives the same IR, with a warning", () => {
    const after = parseOk("sequence with maxspan=1m by k [a where true] [b where true]");
    const before = parseOk("sequence by k with maxspan=1m [a where true] [b where true]");
    expect(stripSpans(after)).toEqual(stripSpans(before));
  });
  it("runs and missing events", () => {
    const q = parseOk("sequence by user.id with maxspan=1m [auth where x] with runs=5 ![any where y]").query;
    expect(stripSpans(q)).toMatchObject({ terms: [t("auth", test_(X), [], 5), { missing: true, runs: 1, query: { category: { kind: "any" } } }] });
    const r = parseOk("sequence [a where x] by k with runs=2").query;
    expect(stripSpans(r)).toMatchObject({ terms: [t("a", test_(X), [field("k")], 2)] });
  });
  it("sample by", () => {
    expect(stripSpans(parseOk("sample by host.id [a where true] [b where true]").query)).toEqual({
      kind: "sample",
      by: [field("host.id")],
      terms: [t("a", test_(bool(true))), t("b", test_(bool(true)))],
    });
  });
  it("pipes head and tail", () => {
    expect(stripSpans(parseOk("process where true | head 5 | tail 1").pipes)).toEqual([{ kind: "head", count: 5 }, { kind: "tail", count: 1 }]);
  });
});

describe("scale without deep recursion", () => {
  it("a 3,000-item list and a 3,000-operand or-chain", () => {
    const items = Array.from({ length: 3000 }, (_, i) => `"v${i}"`).join(", ");
    const m = cond(`x in (${items})`) as { values: unknown[] };
    expect(m.values).toHaveLength(3000);
    const chain = Array.from({ length: 3000 }, (_, i) => `x == ${i}`).join(" or ");
    expect((cond(chain) as { operands: unknown[] }).operands).toHaveLength(3000);
  });
  it("reports nesting deeper than the limit instead of overflowing the stack", () => {
    const deep = "(".repeat(5000) + "x" + ")".repeat(5000);
    expect(parseErrors(`process where ${deep}`).map((d) => d.code)).toEqual(["EQL027"]);
  });
  it("counts not/minus prefixes and arithmetic chains towards that limit, so the IR stays shallow", () => {
    const n = 10_000;
    for (const q of [
      `process where ${"not ".repeat(n)}x`,
      `process where x < ${"-".repeat(n)}1`,
      `process where x < ${Array.from({ length: n }, () => "1").join(" + ")}`,
      `process where x < ${Array.from({ length: n }, () => "2").join(" * ")}`,
      `process where ${"length(".repeat(n)}x${")".repeat(n)} > 1`,
    ]) {
      expect(parseErrors(q).map((d) => d.code)).toEqual(["EQL027"]);
    }
    // just under the limit still parses, prints and parses back
    const ok = parseOk(`process where ${"not ".repeat(150)}x and y < ${Array.from({ length: 150 }, () => "1").join(" - ")}`);
    expect(irDepth(ok)).toBeLessThan(1000);
  });
  it("reports a chain `a : b : c ...` once, not once per link", () => {
    const chain = (n: number) => `process where ${Array.from({ length: n }, () => "a").join(" : ")}`;
    const short = parseErrors(chain(50));
    expect(short.map((d) => d.code)).toEqual(["EQL013"]);
    // the error covers the whole right side of the first `:`
    expect(short[0]!.span.start).toBe("process where a : ".length);
    expect(parseErrors(chain(5000)).map((d) => d.code).sort()).toEqual(["EQL013", "EQL027"]);
  });
});

describe("spans", () => {
  it("cover the source text of each node", () => {
    const q = 'process where x : "a" and not y == 1';
    const v = parseOk(q).query;
    if (v.kind !== "event" || v.condition.kind !== "and") throw new Error("shape");
    const [m, n] = v.condition.operands;
    expect(q.slice(m!.span.start, m!.span.end)).toBe('x : "a"');
    expect(q.slice(n!.span.start, n!.span.end)).toBe("not y == 1");
    expect(q.slice(v.span.start, v.span.end)).toBe(q);
  });
});
