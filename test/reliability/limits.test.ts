/**
 * Limits: huge lists, deep nesting, a 50 MB file, non-UTF-8 bytes, a BOM and
 * CRLF line ends. Each input gets a diagnostic with a position or converts
 * correctly; nothing throws or overflows the stack. No timing assertions
 * (scripts/bench-limits.mjs measures growth).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { load as loadYaml } from "js-yaml";
import { describe, expect, it } from "vitest";
import { compileRule, type CompiledRule } from "../../src/compile.js";
import { SourceFile } from "../../src/diagnostics/index.js";
import { parseEql } from "../../src/frontend/eql/index.js";
import { parseKql } from "../../src/frontend/kql/index.js";
import { standaloneSource } from "../../src/frontend/source.js";
import { main } from "../../src/cli/main.js";
import { checkCompiled, checkParsed, guarded } from "./fuzz-core.mjs";
import "./tolerate.js";
import { ruleToml } from "./rule-text.js";
import { allRequests, defaultRequests, ROOT } from "./settings.js";

/** Every profile for the small inputs; each target's default profile for the huge ones (CI time). */
const REQUESTS = allRequests();
const DEFAULTS = defaultRequests();
/** A hang guard for the huge inputs, not a timing assertion. */
const HUGE = 600_000;
const SEED_RULE = readFileSync(join(ROOT, "rules", "persistence_system_shells_via_services.toml"), "utf8");

function compileChecked(text: string, name = "limit.toml", requests = REQUESTS): CompiledRule {
  let compiled: CompiledRule | null = null;
  const violations = guarded(() => {
    compiled = compileRule(name, text, requests);
    return checkCompiled(text, compiled);
  });
  expect(violations).toEqual([]);
  return compiled as unknown as CompiledRule;
}

function parsedChecked<T>(text: string, parse: (t: string) => { value: T | null; diagnostics: readonly { severity: string; code: string }[] }) {
  let result: { value: T | null; diagnostics: readonly { severity: string; code: string; message?: string }[] } | null = null;
  const violations = guarded(() => {
    result = parse(text);
    return checkParsed(text, result);
  });
  expect(violations).toEqual([]);
  return result as unknown as { value: T | null; diagnostics: readonly { severity: string; code: string; message: string }[] };
}
const eql = (t: string) => parsedChecked(t, (x) => parseEql(standaloneSource(x)));
const kql = (t: string) => parsedChecked(t, (x) => parseKql(standaloneSource(x)));

/** A JSON form of an IR value without spans or source spellings, built iteratively. */
function shape(v: unknown): string {
  return JSON.stringify(v, (k, x) => (k === "span" || k === "raw" ? undefined : x));
}

/** Every text part of every pattern in the IR (iterative walk). */
function textValues(root: unknown): Set<string> {
  const out = new Set<string>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    const o = v as Record<string, unknown>;
    if (o["kind"] === "text" && typeof o["value"] === "string") out.add(o["value"]);
    if (o["kind"] === "string" && typeof o["value"] === "string") out.add(o["value"]);
    for (const x of Object.values(o)) if (x && typeof x === "object") stack.push(x);
  }
  return out;
}

/** How many `not` nodes wrap the first non-`not` condition (iterative). */
function notDepth(cond: unknown): number {
  let n = 0;
  let c = cond as { kind?: string; operand?: unknown } | undefined;
  while (c && c.kind === "not") {
    n++;
    c = c.operand as typeof c;
  }
  return n;
}

/**
 * An output's meaning with line ends normalised: YAML outputs are compared as
 * loaded data (a multi-line TOML string keeps its CRLF, which YAML then
 * writes as a quoted scalar instead of a block), other outputs as text.
 */
function normalised(text: string): string {
  if (/^(title|id|name|kind):/m.test(text)) {
    try {
      return JSON.stringify(loadYaml(text), (_k, v) => (typeof v === "string" ? v.replace(/\r\n/g, "\n") : v));
    } catch {
      // not YAML
    }
  }
  return text.replace(/\r\n/g, "\n");
}

/** Statuses per target and normalised outputs, for comparing two variants of one rule. */
function summary(c: CompiledRule) {
  return {
    parse: c.parseStatus,
    targets: c.outcomes.map((o) => `${o.target.id}/${o.profile}:${o.status}`),
    outputs: c.outcomes.map((o) => (o.result.text === null ? null : normalised(o.result.text))),
  };
}

/** line:column of every diagnostic, as a user sees them. */
function positions(c: CompiledRule, text: string): string[] {
  const src = new SourceFile("x", text);
  const all = [...c.parseDiagnostics, ...c.outcomes.flatMap((o) => o.result.diagnostics)];
  return all.map((d) => {
    const p = d.span ? src.position(d.span.start) : { line: 0, column: 0 };
    return `${d.code}@${p.line}:${p.column}`;
  });
}

function outputsContain(c: CompiledRule, needles: string[]): string[] {
  const missing: string[] = [];
  for (const o of c.outcomes) {
    if (o.result.text === null) continue;
    for (const n of needles) if (!o.result.text.includes(n)) missing.push(`${o.target.id}/${o.profile} lacks ${n}`);
  }
  return missing;
}

const N = 100_000;
const DEPTH = 10_000;

/** Every `p<i>.exe` named in each output: a converted list must keep every item. */
function missingItems(c: CompiledRule, n: number): string[] {
  const out: string[] = [];
  for (const o of c.outcomes) {
    if (o.result.text === null) continue;
    const seen = new Set(o.result.text.match(/p\d+\.exe/g) ?? []);
    if (seen.size !== n) out.push(`${o.target.id}/${o.profile}: ${seen.size} of ${n} items in the output`);
  }
  return out;
}

describe("limits: a list of 100,000 items", () => {
  const items = (n: number) => Array.from({ length: n }, (_, i) => `p${i}.exe`);
  const eqlList = (n: number) => `process where process.name in (${items(n).map((s) => `"${s}"`).join(", ")})`;
  const kqlList = (n: number) => `event.category:process and process.name:(${items(n).join(" or ")})`;
  const file = (q: string, language: "eql" | "kuery" = "eql") => ruleToml("", { language, rawQuery: `'''\n${q}\n'''` });

  // Every target's time grows about linearly with the list (bench-limits: under 1 s at 100,000 items
  // on the 2-core machine; Sigma was quadratic, 33 s, until its de-duplication used sets); every
  // target gets all 100,000 items.
  it("EQL `in`: every item reaches the IR; every target converts all of them or says why", () => {
    const q = eqlList(N);
    const r = eql(q);
    if (r.value !== null) {
      const values = textValues(r.value);
      expect(items(N).filter((s) => !values.has(s))).toEqual([]);
    }
    const c = compileChecked(file(q), "list.toml", DEFAULTS);
    expect(c.parseStatus).toBe("ok");
    expect(missingItems(c, N)).toEqual([]);
  }, HUGE);

  it("KQL `field:(a or b or ...)`: every item reaches the IR; every target converts all of them or says why", () => {
    const q = kqlList(N);
    const r = kql(q);
    if (r.value !== null) {
      const values = textValues(r.value);
      expect(items(N).filter((s) => !values.has(s))).toEqual([]);
    }
    const c = compileChecked(file(q, "kuery"), "list.toml", DEFAULTS);
    expect(c.parseStatus).toBe("ok");
    expect(missingItems(c, N)).toEqual([]);
  }, HUGE);

});

describe("limits: nesting 10,000 deep", () => {
  const inner = 'process.name == "cmd.exe"';

  it("EQL parentheses: the same IR as without them, or a diagnostic", () => {
    const q = `process where ${"(".repeat(DEPTH)}${inner}${")".repeat(DEPTH)}`;
    const r = eql(q);
    if (r.value !== null) {
      const plain = eql(`process where ${inner}`);
      expect(shape(r.value)).toBe(shape(plain.value));
    }
    compileChecked(ruleToml(q));
  });

  it("EQL `not` x 10,000: an even number of negations (or an equivalent), or a diagnostic", () => {
    const q = `process where ${"not ".repeat(DEPTH)}${inner}`;
    const r = eql(q);
    if (r.value !== null) {
      const cond = (r.value as { query: { condition: unknown } }).query.condition;
      expect(notDepth(cond) % 2).toBe(0);
    }
    compileChecked(ruleToml(q));
  });

  it("EQL `not (` x 10,000 mixed with parentheses", () => {
    const q = `process where ${"not (".repeat(DEPTH)}${inner}${")".repeat(DEPTH)}`;
    const r = eql(q);
    if (r.value !== null) expect(notDepth((r.value as { query: { condition: unknown } }).query.condition) % 2).toBe(0);
    compileChecked(ruleToml(q));
  });

  it("EQL: a 10,000-operator arithmetic chain (a deep IR from flat text)", () => {
    const q = `process where process.pid < ${Array.from({ length: DEPTH }, () => "1").join(" + ")}`;
    eql(q);
    compileChecked(ruleToml(q));
  });

  it("EQL: 10,000 unclosed parentheses give a diagnostic", () => {
    const r = eql(`process where ${"(".repeat(DEPTH)}${inner}`);
    expect(r.value).toBeNull();
    expect(r.diagnostics.some((d) => d.severity === "error")).toBe(true);
  });

  it("KQL parentheses and `not`: equivalent IR or a diagnostic", () => {
    const q = `${"(".repeat(DEPTH)}process.name:cmd.exe${")".repeat(DEPTH)}`;
    const r = kql(q);
    if (r.value !== null) expect(shape(r.value)).toBe(shape(kql("process.name:cmd.exe").value));
    compileChecked(ruleToml(q, { language: "kuery" }));
    const n = `${"not ".repeat(DEPTH)}process.name:cmd.exe`;
    const rn = kql(n);
    if (rn.value !== null) expect(notDepth(rn.value) % 2).toBe(0);
    compileChecked(ruleToml(n, { language: "kuery" }));
  });

  it("KQL nested field queries `a:{ ... }` 10,000 deep", () => {
    const q = `${"a:{ ".repeat(DEPTH)}b:1${" }".repeat(DEPTH)}`;
    kql(q);
    compileChecked(ruleToml(q, { language: "kuery" }));
  });

  it("TOML: arrays and inline tables 10,000 deep", () => {
    compileChecked(`deep = ${"[".repeat(DEPTH)}1${"]".repeat(DEPTH)}\n${SEED_RULE}`);
    compileChecked(`${SEED_RULE}\n[rule.deep]\nx = ${"{ a = ".repeat(DEPTH)}1${" }".repeat(DEPTH)}\n`);
  });
});

/**
 * The same depths through the built CLI in its own process. Vitest runs tests
 * in worker threads, whose stack is about four times the main thread's (55,000
 * against 14,000 frames of a trivial function here), so recursion that fits in a
 * test can still overflow in `ruleport`. Needs dist/ (npm ci builds it).
 */
describe("limits: nesting 10,000 deep through the built CLI (main-thread stack)", () => {
  const bin = join(ROOT, "bin", "ruleport.js");
  const built = existsSync(join(ROOT, "dist", "src", "cli", "main.js"));
  // These chains once parsed into a 10,000-deep IR that overflowed src/mapping/apply.ts and
  // targets/sigma/rewrite.ts on the main thread (INTERNAL on every target); the EQL parser now
  // counts `not`, unary minus and arithmetic chains into its depth limit (EQL027).
  const cases: [string, "eql" | "kuery", string][] = [
    ["EQL not x 10,000", "eql", `process where ${"not ".repeat(DEPTH)}process.name == "x"`],
    ["EQL parentheses", "eql", `process where ${"(".repeat(DEPTH)}process.name == "x"${")".repeat(DEPTH)}`],
    ["EQL not ( x 10,000", "eql", `process where ${"not (".repeat(DEPTH)}process.name == "x"${")".repeat(DEPTH)}`],
    ["EQL nested calls", "eql", `process where ${"length(".repeat(DEPTH)}process.name${")".repeat(DEPTH)} > 1`],
    ["EQL arithmetic chain", "eql", `process where process.pid < ${Array.from({ length: DEPTH }, () => "1").join(" + ")}`],
    ["EQL unary minus chain", "eql", `process where process.pid < ${"-".repeat(DEPTH)}1`],
    ["KQL parentheses", "kuery", `event.category:process and ${"(".repeat(DEPTH)}process.name:x${")".repeat(DEPTH)}`],
    ["KQL not ( x 10,000", "kuery", `event.category:process and ${"not (".repeat(DEPTH)}process.name:x${")".repeat(DEPTH)}`],
  ];

  for (const [name, language, query] of cases) {
    it.runIf(built)(`${name}: exit 0 or 1, every target ok or a diagnostic, no internal error`, () => {
      const d = mkdtempSync(join(tmpdir(), "ruleport-deep-"));
      mkdirSync(join(d, "in"));
      const file = join(d, "in", "deep.toml");
      writeFileSync(file, ruleToml("", { language, rawQuery: `'''\n${query}\n'''` }));
      const r = spawnSync(process.execPath, [bin, "convert", file, "--target", "all", "--out", join(d, "out"), "--report", join(d, "r.json"), "--quiet"], { encoding: "utf8" });
      if (/does not provide an export|Cannot find module/.test(r.stderr)) throw new Error(`dist/ is stale or incomplete; run npm run build\n${r.stderr.slice(0, 500)}`);
      expect([0, 1]).toContain(r.status);
      const rep = JSON.parse(readFileSync(join(d, "r.json"), "utf8"));
      expect(rep.rules).toHaveLength(1);
      const rule = rep.rules[0];
      if (rule.parse.status !== "ok") expect(rule.parse.diagnostics.some((x: { severity: string }) => x.severity === "error")).toBe(true);
      for (const [t, v] of Object.entries(rule.targets as Record<string, { status: string; diagnostics: { code: string; severity: string; message: string }[] }>)) {
        const internal = v.diagnostics.filter((x) => x.code === "INTERNAL");
        expect(internal, `${t}: ${internal[0]?.message.slice(0, 300)}`).toEqual([]);
        if (v.status !== "ok") expect(v.diagnostics.some((x) => x.severity === "error") || rule.parse.status !== "ok").toBe(true);
      }
    }, HUGE);
  }
});

describe("limits: a 50 MB file", () => {
  const MB50 = 50 * 1024 * 1024;
  const line = "Attackers may configure existing services or create new ones to execute system shells.\n";

  it("a valid rule with a 50 MB note converts (or says why), and the note does not break the query", () => {
    const note = line.repeat(Math.ceil(MB50 / line.length));
    const text = SEED_RULE.replace('note = """', `note = """\n${note}`);
    expect(text.length).toBeGreaterThan(MB50);
    const big = compileChecked(text, "big.toml", DEFAULTS);
    const small = compileChecked(SEED_RULE, "big.toml", DEFAULTS);
    // The note is metadata: the query's conversion must not change when it grows.
    expect(big.parseStatus).toBe(small.parseStatus);
    expect(big.outcomes.map((o) => o.status)).toEqual(small.outcomes.map((o) => o.status));
  }, HUGE);

  it("a 50 MB query (a block comment around one condition) gives the same result as without the comment, or a diagnostic", () => {
    const comment = `/* ${line.repeat(Math.ceil(MB50 / line.length))} */`;
    const big = compileChecked(ruleToml("", { rawQuery: `'''\nprocess where ${comment} process.name == "cmd.exe"\n'''` }), "big.toml", DEFAULTS);
    const small = compileChecked(ruleToml('process where process.name == "cmd.exe"'), "big.toml", DEFAULTS);
    if (big.parseStatus === "ok") expect(big.outcomes.map((o) => o.status)).toEqual(small.outcomes.map((o) => o.status));
    else expect(big.parseDiagnostics.some((d) => d.severity === "error" && d.span !== null)).toBe(true);
  }, HUGE);

  it("50 MB of one unterminated line is a TOML error with a position", () => {
    const text = `[rule]\nquery = "${"x".repeat(MB50)}`;
    const c = compileChecked(text, "big.toml", DEFAULTS);
    expect(c.parseStatus).toBe("error");
  }, HUGE);
});

describe("limits: encodings and line ends", () => {
  const BAD = Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]);

  function withBytes(text: string, marker: string): Buffer {
    const i = text.indexOf(marker);
    if (i < 0) throw new Error(`internal error: marker ${marker} not in the seed rule`);
    return Buffer.concat([Buffer.from(text.slice(0, i), "utf8"), BAD, Buffer.from(text.slice(i), "utf8")]);
  }

  async function check(file: string) {
    const err: string[] = [];
    const report = `${file}.report.json`;
    const code = await main(["check", file, "--report", report], { out: () => {}, err: (s) => err.push(s) });
    return { code, err: err.join("\n"), report: JSON.parse(readFileSync(report, "utf8")) };
  }

  it("invalid UTF-8 inside a key is a TOML error at that line (CLI check)", async () => {
    const d = mkdtempSync(join(tmpdir(), "ruleport-rel-"));
    const f = join(d, "bad_key.toml");
    writeFileSync(f, withBytes(SEED_RULE, "risk_score"));
    const r = await check(f);
    expect(r.code).toBe(1);
    const lineOfKey = SEED_RULE.slice(0, SEED_RULE.indexOf("risk_score")).split("\n").length;
    expect(r.report.rules[0].parse.status).toBe("error");
    expect(r.report.rules[0].parse.diagnostics[0].line).toBe(lineOfKey);
  });

  it("invalid UTF-8 inside the query's string value: parsed, or a diagnostic with a position (CLI check)", async () => {
    const d = mkdtempSync(join(tmpdir(), "ruleport-rel-"));
    const f = join(d, "bad_value.toml");
    // `services.exe" and` occurs only in the query (the note has it in backquotes).
    writeFileSync(f, withBytes(SEED_RULE, 'services.exe" and'));
    const r = await check(f);
    const rule = r.report.rules[0];
    // Decoded as UTF-8 with replacement, the bytes become U+FFFD inside a TOML string and an EQL
    // string: both stay valid, so the rule parses, and each output keeps the decoded value.
    expect(rule.parse.status).toBe("ok");
    const c = compileChecked(readFileSync(f, "utf8"));
    for (const o of c.outcomes) if (o.result.text !== null) expect(o.result.text, `${o.target.id}/${o.profile}`).toContain("\ufffd");
  });

  it("invalid UTF-8 in a comment and in the description", () => {
    compileChecked(new TextDecoder().decode(withBytes(SEED_RULE, "Third party")));
    compileChecked(new TextDecoder().decode(withBytes(SEED_RULE, "Windows services typically")));
  });

  it("a BOM changes nothing: same statuses and outputs as without it", () => {
    const plain = compileChecked(SEED_RULE);
    const bom = compileChecked("\ufeff" + SEED_RULE);
    expect(summary(bom)).toEqual(summary(plain));
  });

  it("CRLF line ends change nothing: same statuses, outputs (modulo line ends) and diagnostic lines/columns", () => {
    const plain = compileChecked(SEED_RULE);
    const crlf = compileChecked(SEED_RULE.replace(/\n/g, "\r\n"));
    expect(summary(crlf)).toEqual(summary(plain));
    // A syntax error on the query's third line must be reported at the same line:column either way.
    const broken = SEED_RULE.replace('process.name : ("cmd.exe"', 'process.name : (("cmd.exe"');
    const lf = compileChecked(broken);
    const cr = compileChecked(broken.replace(/\n/g, "\r\n"));
    expect(lf.parseStatus).toBe("error");
    expect(positions(cr, broken.replace(/\n/g, "\r\n"))).toEqual(positions(lf, broken));
  });

  it("old Mac line ends (CR only) are a diagnostic or convert", () => {
    compileChecked(SEED_RULE.replace(/\n/g, "\r"));
  });
});
