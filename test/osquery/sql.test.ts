/**
 * Unit tests of the osquery printer and checks on hand-built IR. Expected SQL
 * text follows SQLite's documented rules (LIKE/GLOB/ESCAPE, quoting); semantic
 * cases are decided by the reference evaluator and executed in SQLite.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "sql.js";
import type { Call, Condition, RuleIR, Value } from "../../src/ir/nodes.js";
import { bundledMapping } from "../../src/compile.js";
import { osquery } from "../../targets/osquery/index.js";
import { globOperand, likeOperand, sqlString } from "../../targets/osquery/sql.js";
import { luceneToEcmascript } from "../../targets/osquery/regex.js";
import { parseCidr } from "../../targets/osquery/cidr.js";
import { openOsqueryDb, prepareError, rows, stdRegexSearch } from "../../targets/osquery/testing/sqlite.js";
import { checkAgreement } from "../../targets/osquery/testing/semantics.js";
import { and, documentWith, eventRule, exists, field, match, not, num, or, regex, S, str, text, wild } from "./ir.js";

const events = bundledMapping(osquery, "events");
const live = bundledMapping(osquery, "live");
const winDoc = documentWith(["OS: Windows"]);
const linuxDoc = documentWith(["OS: Linux"]);

function convert(rule: RuleIR, doc = winDoc, profile = "events") {
  return osquery.convert({ rule, document: doc, profile, mapping: profile === "events" ? events : live, outputStem: "t/rule" });
}
function call(name: Call["name"], args: Value[], caseInsensitive = false): Call {
  return { kind: "call", name, args, caseInsensitive, span: S };
}
const test = (value: Value): Condition => ({ kind: "test", value, span: S });
const compare = (op: "<" | "<=" | ">" | ">=", left: Value, right: Value): Condition => ({ kind: "compare", op, left, right, span: S });

let db: Database;
beforeAll(async () => {
  db = await openOsqueryDb();
});

describe("literals and patterns", () => {
  it("doubles single quotes and nothing else", () => {
    expect(sqlString("it's")).toBe("'it''s'");
    expect(sqlString("a\\b%_\"")).toBe("'a\\b%_\"'");
  });
  it("LIKE: backslash is literal without ESCAPE; with a literal % or _, ESCAPE '\\' escapes %, _ and \\", () => {
    expect(likeOperand(wild("*\\cmd.exe").parts)).toBe("'%\\cmd.exe'");
    expect(likeOperand([{ kind: "text", value: "50%_off\\x" }, { kind: "one" }, { kind: "any" }])).toBe("'50\\%\\_off\\\\x_%' ESCAPE '\\'");
  });
  it("GLOB: * ? [ in text are bracketed; ] stays", () => {
    expect(globOperand([{ kind: "text", value: "a*b?c[d]" }, { kind: "any" }, { kind: "one" }])).toBe("'a[*]b[?]c[[]d]*?'");
  });
  it("adjacent any-runs print once", () => {
    expect(likeOperand([{ kind: "any" }, { kind: "any" }, { kind: "text", value: "x" }])).toBe("'%x'");
  });
  it("SQLite agrees with the escapes", () => {
    const one = (sql: string) => rows(db, `SELECT ${sql} AS r`)[0]?.["r"];
    expect(one(`'50%_off\\x!' LIKE ${likeOperand([{ kind: "text", value: "50%_off\\x" }, { kind: "one" }])}`)).toBe(1);
    expect(one(`'50a_off\\x!' LIKE ${likeOperand([{ kind: "text", value: "50%_off\\x" }, { kind: "one" }])}`)).toBe(0);
    expect(one(`'a*b?c[d]zz' GLOB ${globOperand([{ kind: "text", value: "a*b?c[d]" }, { kind: "any" }])}`)).toBe(1);
    expect(one(`'aXb?c[d]' GLOB ${globOperand([{ kind: "text", value: "a*b?c[d]" }])}`)).toBe(0);
  });
});

describe("null and missing fields: query leaves are two-valued, script leaves three-valued", () => {
  const rowsOf = (cond: Condition, evs: object[]) => {
    const rule = eventRule("process", cond);
    const out = convert(rule);
    expect(out.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    db.run("DELETE FROM process_etw_events");
    const a = checkAgreement(db, out.text as string, evs, rule, winDoc, events);
    expect(a.skipped).toEqual([]);
    expect(a.got).toEqual(a.expected);
    return { sql: out.text as string, got: a.got };
  };
  const ev = (f: Record<string, unknown>) => ({ "event.category": "process", "event.type": "start", ...f });
  const evs = [ev({ "process.command_line": "abc" }), ev({ "process.command_line": "a" }), ev({})];

  it("not x : 'a' holds when x is missing (must_not)", () => {
    const r = rowsOf(not(match("process.command_line", [text("a")], false)), evs);
    expect(r.got).toEqual([0, 2]);
    expect(r.sql).toContain("(e.cmdline IS NULL OR lower(e.cmdline) <> 'a')");
  });
  it("not x != null is x == null", () => {
    expect(rowsOf(not(exists("process.command_line")), evs).got).toEqual([2]);
  });
  it("not length(x) > 2 does not hold when x is missing (script: not null is null)", () => {
    const r = rowsOf(not(compare(">", call("length", [field("process.command_line")]), num(2))), evs);
    expect(r.got).toEqual([1]);
    expect(r.sql).toContain("NOT (length(e.cmdline) > 2)");
  });
  it("not (script and query) is the complement of a bool query: holds when the script is null", () => {
    const cond = not(and(compare(">", call("length", [field("process.command_line")]), num(2)), match("process.executable", [text("C:\\x.exe")], true)));
    const r = rowsOf(cond, [...evs.map((e) => ({ ...e, "process.executable": "C:\\x.exe" }))]);
    expect(r.got).toEqual([1, 2]);
    expect(r.sql).toContain("NOT coalesce(");
  });
  it("startsWith on a field is a query (two-valued); on a function result a script", () => {
    expect(rowsOf(not(test(call("startsWith", [field("process.command_line"), str("ab")]))), evs).got).toEqual([1, 2]);
    expect(rowsOf(not(test(call("startsWith", [call("string", [field("process.command_line")]), str("ab")]))), evs).got).toEqual([1]);
  });
  it("stringContains with the empty string is false, so its negation always holds", () => {
    expect(rowsOf(not(test(call("stringContains", [field("process.command_line"), str("")]))), evs).got).toEqual([0, 1, 2]);
  });
  it("or of a missing field and a negation", () => {
    expect(rowsOf(or(match("process.command_line", [wild("ab*")], true), not(match("process.executable", [text("x")], true))), evs).got).toEqual([0, 1, 2]);
  });
});

describe("regular expressions: Lucene -> std::regex ECMAScript", () => {
  it("anchors, makes . match any character, and keeps ^ $ literal", () => {
    const r = luceneToEcmascript("a.c^$", false);
    expect(r).toEqual({ ok: true, pattern: "^(?:a[\\s\\S]c\\^\\$)$", nonAsciiLetters: false, byteWise: true });
  });
  it("quoted strings are literal; groups do not capture", () => {
    expect(luceneToEcmascript('"a.b"(x|y)+', false)).toMatchObject({ ok: true, pattern: "^(?:a\\.b(?:x|y)+)$" });
  });
  it("folds ASCII letters for regex~, in literals and classes", () => {
    expect(luceneToEcmascript("ab[c-e0-9]", true)).toMatchObject({ ok: true, pattern: "^(?:[aA][bB][c-e0-9C-E])$" });
  });
  it("reports Lucene's optional operators instead of guessing; @ is any string", () => {
    for (const op of ["a~b", "a&b", "<1-5>", "#"]) expect(luceneToEcmascript(op, false).ok).toBe(false);
    expect(luceneToEcmascript("a@", false)).toMatchObject({ ok: true, pattern: "^(?:a[\\s\\S]*)$" });
  });
  it("Lucene's classes: \\s is [ \\t\\n\\r]; \\ before another letter is an error; non-ASCII literals are grouped, not allowed in classes", () => {
    expect(luceneToEcmascript("\\s\\d", false)).toMatchObject({ ok: true, pattern: "^(?:[ \\t\\n\\r][0-9])$" });
    expect(luceneToEcmascript("[\\sa]", false)).toMatchObject({ ok: true, pattern: "^(?:[ \\t\\n\\ra])$" });
    expect(luceneToEcmascript("\\n", false).ok).toBe(false);
    expect(luceneToEcmascript("[\\\\a]", false)).toMatchObject({ ok: true, pattern: "^(?:[\\\\a])$" });
    expect(luceneToEcmascript("é+", false)).toMatchObject({ ok: true, pattern: "^(?:(?:é)+)$", byteWise: false });
    expect(luceneToEcmascript("[é]", false).ok).toBe(false);
    expect(luceneToEcmascript(".*x.+", false)).toMatchObject({ ok: true, byteWise: false });
  });
  it("runs over UTF-8 bytes like std::regex<char>", () => {
    expect(stdRegexSearch("aéb", "^(?:a[\\s\\S]b)$")).toBeNull();
    expect(stdRegexSearch("aéb", "^(?:a[\\s\\S]*b)$")).toBe("aéb");
  });
  it("agrees with the evaluator on executed rows", () => {
    const evs = ["C:\\Windows\\a.exe", "c:\\windows\\A.EXE", "C:\\Windows\\a.exe.bak", "x^y$", "C:\\Windows\\sub\\a.exe"].map((p) => ({ "event.category": "process", "event.type": "start", "process.executable": p }));
    for (const [src, cs] of [["C:\\\\Windows\\\\[a-z]+\\.exe", true], ["C:\\\\Windows\\\\[a-z]+\\.exe", false], [".*\\.exe", true], ["x^y$", true], ["C:\\\\Windows\\\\.*", false]] as const) {
      const rule = eventRule("process", regex("process.executable", src, cs));
      const out = convert(rule);
      db.run("DELETE FROM process_etw_events");
      const a = checkAgreement(db, out.text as string, evs, rule, winDoc, events);
      expect(a.got, `${src} ${cs}`).toEqual(a.expected);
    }
  });
});

describe("CIDR blocks", () => {
  it("parses IPv4 blocks to their first and last address", () => {
    expect(parseCidr("10.0.0.0/8")).toMatchObject({ family: 4, first: 167772160, last: 184549375 });
    expect(parseCidr("192.168.1.1")).toMatchObject({ family: 4, first: 3232235777, last: 3232235777 });
    expect(parseCidr("10.0.0.0/33")).toBeNull();
    expect(parseCidr("2001:db8::/32")).toMatchObject({ family: 6 });
  });
  it("matches like cidrMatch, network and broadcast addresses included, non-IPs never", () => {
    const cond = test(call("cidrMatch", [field("destination.ip"), str("10.0.0.0/8"), str("192.168.1.1"), str("2001:db8::/32")]));
    const rule = eventRule("network", cond);
    const out = convert(rule, linuxDoc);
    expect(out.diagnostics.map((d) => d.code)).toContain("OSQUERY211");
    const ips = ["10.0.0.0", "10.255.255.255", "10.1.2.3", "11.0.0.0", "192.168.1.1", "192.168.1.2", "2001:db8::1", "2001:db9::1", "not-an-ip", ""];
    // Not covered: "010.0.0.1" (osquery's inet_pton rejects leading zeros, the evaluator reads 10.0.0.1) and
    // "::ffff:10.0.0.1" (the evaluator treats IPv4-mapped IPv6 as IPv4); see the target's report.
    const evs = ips.map((ip) => ({ "event.category": "network", "host.os.type": "linux", "destination.ip": ip }));
    db.run("DELETE FROM socket_events");
    const a = checkAgreement(db, out.text as string, evs, rule, linuxDoc, events);
    expect(a.got).toEqual(a.expected);
    expect(a.got).toEqual([0, 1, 2, 4, 6]);
  });
});

describe("rule types and unsupported constructs", () => {
  it("threshold: GROUP BY the mapped fields, HAVING count(*) >= N, prepared and run", () => {
    const rule = eventRule("process", match("process.executable", [wild("*\\net.exe")], false), {
      detection: { kind: "threshold", fields: ["user.name"], value: 2, cardinality: [{ field: "process.command_line", value: 2 }], span: S },
    });
    const out = convert(rule);
    const sql = out.text as string;
    expect(sql).toContain("SELECT e.username, count(*) AS count");
    expect(sql).toContain("GROUP BY e.username");
    expect(sql).toContain("HAVING count(*) >= 2 AND count(DISTINCT e.cmdline) >= 2");
    expect(prepareError(db, sql)).toBeNull();
    db.run("DELETE FROM process_etw_events");
    for (const [u, c] of [["a", "x"], ["a", "y"], ["b", "x"], ["b", "x"], ["c", "x"]]) db.run("INSERT INTO process_etw_events (type, path, username, cmdline) VALUES ('ProcessStart', 'C:\\net.exe', ?, ?)", [u as string, c as string]);
    expect(rows(db, sql)).toEqual([{ username: "a", count: 2 }]);
  });
  const codes = (rule: RuleIR, doc = winDoc, profile = "events") => convert(rule, doc, profile).diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
  it("sequences, new_terms, threat_match and pipes are unsupported", () => {
    const q = eventRule("process", match("process.executable", [text("a")], true));
    expect(codes({ ...q, query: { kind: "sequence", by: [], maxspan: null, terms: [], until: null, span: S } })).toEqual(["OSQUERY001"]);
    expect(codes({ ...q, detection: { kind: "new_terms", fields: ["user.name"], historyWindowStart: "now-7d", span: S } })).toEqual(["OSQUERY002"]);
    expect(codes({ ...q, pipes: [{ kind: "tail", count: 1, span: S }] })).toEqual(["OSQUERY004"]);
  });
  it("categories osquery cannot observe name the missing table", () => {
    const out = convert(eventRule("registry", match("registry.path", [text("x")], true)));
    expect(out.diagnostics.find((d) => d.code === "OSQUERY011")?.message).toContain("no registry event table");
    expect(codes(eventRule("process", match("process.executable", [text("a")], true)), documentWith([]))).toEqual(["OSQUERY010"]);
  });
  it("an unmapped field is reported once", () => {
    expect(codes(eventRule("process", match("process.entity_id", [text("a")], true)))).toEqual(["OSQUERY100"]);
  });
  it("free text has no column", () => {
    expect(codes(eventRule("process", { kind: "fulltext", value: text("x"), caseSensitive: false, span: S }))).toEqual(["OSQUERY201"]);
  });
  it("live: the file table needs a path constraint", () => {
    expect(codes(eventRule("file", match("file.size", [num(3)], true)), winDoc, "live")).toEqual(["OSQUERY130"]);
    const ok = convert(eventRule("file", match("file.path", [wild("C:\\Users\\*\\evil.exe")], false)), winDoc, "live");
    expect(ok.text).toContain("f.path LIKE 'C:\\Users\\%\\evil.exe'");
    expect(ok.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(["OSQUERY131", "OSQUERY300"]));
  });
  it("live: a case-sensitive path wildcard is LIKE (for osquery to enumerate) and GLOB (for the case)", () => {
    const sql = convert(eventRule("file", match("file.path", [wild("/etc/cron.d/*")], true)), linuxDoc, "live").text as string;
    expect(sql).toContain("(f.path LIKE '/etc/cron.d/%' AND f.path GLOB '/etc/cron.d/*')");
    expect(prepareError(db, sql)).toBeNull();
  });
  it("live: an exact case-insensitive path stays a LIKE constraint (osquery cannot push lower(path) down)", () => {
    expect(convert(eventRule("file", match("file.path", [text("C:\\a.txt")], false)), winDoc, "live").text).toContain("f.path LIKE 'C:\\a.txt'");
  });
});

describe("packs", () => {
  it("one pack per platform, deterministic, events removed:false and live snapshot:true", () => {
    const a = convert(eventRule("process", match("process.executable", [text("a")], true)));
    const b = convert(eventRule("process", match("process.executable", [text("b")], true)), linuxDoc);
    const entries = [a, b].map((r, i) => ({ outputStem: `x/r${i}`, entry: r.bundleEntry }));
    const files = osquery.bundle(entries, "events");
    expect(files.map((f) => f.path)).toEqual(["packs/ruleport-events-linux.json", "packs/ruleport-events-windows.json"]);
    expect(osquery.bundle(entries, "events")).toEqual(files);
    const win = JSON.parse(files[1]?.content as string);
    expect(Object.keys(win.queries)).toEqual(["rule"]);
    expect(win.queries.rule).toMatchObject({ platform: "windows", interval: 300, removed: false });
    const l = convert(eventRule("process", match("process.executable", [text("a")], true)), winDoc, "live");
    const lp = JSON.parse(osquery.bundle([{ outputStem: "r", entry: l.bundleEntry }], "live")[0]?.content as string);
    expect(lp.queries.rule.snapshot).toBe(true);
  });
});

describe("mapping data and metadata", () => {
  it("a malformed emit is an error naming the mapping file, not a crash", async () => {
    const { parseMapping } = await import("../../src/mapping/index.js");
    const bad = parseMapping(
      "bad.yaml",
      ["sources:", "  - id: p", "    when: { category: [process] }", "    emit: { table: process_etw_events, alias: e, joins: { parent: { table: processes, on: { pid: nope } } }, colour: red }", "    fields: { process.pid: e.pid }"].join("\n"),
    );
    const out = osquery.convert({ rule: eventRule("process", match("process.pid", [num(4)], true)), document: winDoc, profile: "events", mapping: bad, outputStem: "x" });
    expect(out.text).toBeNull();
    const msgs = out.diagnostics.filter((d) => d.code === "OSQUERY090").map((d) => d.message);
    expect(msgs.some((m) => m.includes("unknown emit key `colour`"))).toBe(true);
    expect(msgs.some((m) => m.includes("`nope` is not a column of process_etw_events"))).toBe(true);
  });
  it("malformed emit.values and emit.json are errors too", async () => {
    const { parseMapping } = await import("../../src/mapping/index.js");
    const bad = parseMapping(
      "bad.yaml",
      [
        "sources:",
        "  - id: f",
        "    when: { category: [file] }",
        "    emit:",
        "      table: ntfs_journal_events",
        "      alias: e",
        "      values: { event.type: { column: e.nope, map: { creation: [FileCreation] } }, event.action: { map: {} } }",
        "      json: { winlog.event_data: \"data:$.EventData.\", winlog.user_data.: \"nope:$.UserData.\" }",
        "    fields: { file.path: e.path }",
      ].join("\n"),
    );
    const out = osquery.convert({ rule: eventRule("file", match("file.path", [text("a")], true)), document: winDoc, profile: "events", mapping: bad, outputStem: "x" });
    expect(out.text).toBeNull();
    const msgs = out.diagnostics.filter((d) => d.code === "OSQUERY090").map((d) => d.message);
    expect(msgs.some((m) => m.includes("`e.nope` is not a column of ntfs_journal_events or of a join"))).toBe(true);
    expect(msgs.some((m) => m.includes("`emit.values.event.action` must be { column"))).toBe(true);
    expect(msgs.some((m) => m.includes("`emit.json.winlog.event_data` must map a prefix ending in"))).toBe(true);
    expect(msgs.some((m) => m.includes("`nope` is not a column of ntfs_journal_events"))).toBe(true);
  });
  it("metadata with line breaks stays inside its comment line", () => {
    const doc = { ...documentWith(["OS: Windows"], "evil\nDROP TABLE x; --"), description: "a\r\nb\u2028c" };
    const out = osquery.convert({ rule: eventRule("process", match("process.executable", [text("a")], true)), document: doc, profile: "events", mapping: events, outputStem: "x" });
    const sql = out.text as string;
    for (const line of sql.split("\n")) if (!line.startsWith("SELECT") && !line.startsWith("FROM") && !line.startsWith("WHERE") && !line.startsWith("  AND") && line !== "") expect(line.startsWith("--")).toBe(true);
    expect(prepareError(db, sql)).toBeNull();
    db.run("DELETE FROM process_etw_events");
    expect(rows(db, sql)).toEqual([]);
  });
  it("both bundled mappings name only existing tables and columns", () => {
    for (const m of [events, live])
      for (const s of m.sources) {
        const out = osquery.convert({
          rule: eventRule("process", match("process.executable", [text("a")], true)),
          document: winDoc,
          profile: "events",
          mapping: { ...m, sources: [{ ...s, when: {} }] },
          outputStem: "x",
        });
        expect(out.diagnostics.filter((d) => d.code === "OSQUERY090"), s.id).toEqual([]);
      }
  });
});
