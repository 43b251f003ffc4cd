/**
 * Mutation fuzzing with a fixed seed and bounded counts (see settings.ts):
 * mutated rule files through compileRule for every target and profile, and
 * mutated EQL / KQL queries through the parsers. The invariants live in
 * fuzz-core.mjs (shared with scripts/fuzz.mjs).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileRule } from "../../src/compile.js";
import { parseEql } from "../../src/frontend/eql/index.js";
import { parseKql } from "../../src/frontend/kql/index.js";
import { standaloneSource } from "../../src/frontend/source.js";
import { applyMutation, caseArb, checkCompiled, checkIrSpans, checkParsed, EQL_SEEDS, guarded, KQL_SEEDS, MAX_INPUT, mutate, preview } from "./fuzz-core.mjs";
import "./tolerate.js";
import { allRequests, FUZZ_SEED, runs, seedRules } from "./settings.js";

const RULES = seedRules();
const REQUESTS = allRequests();

type Case = { seed: number; ops: Record<string, unknown>[]; scope: "file" | "query" };

/** A property that fails with the violations and a preview of the input. */
function holds(input: string, violations: string[]): void {
  if (violations.length > 0) throw new Error(`${violations.slice(0, 5).join("\n")}\ninput: ${preview(input, 400)}`);
}

describe("mutation helpers", () => {
  it("keep the query region, decode bad UTF-8 with replacement, add a BOM, bound the size", () => {
    const rule = "[rule]\nquery = '''\nprocess where true\n'''\n";
    expect(applyMutation(rule, { op: "truncate", at: 0, q: true })).toBe("[rule]\nquery = '''");
    expect(applyMutation("ab", { op: "bad-utf8", at: 0.5, q: false, bytes: [0xff] })).toBe("a\ufffdb");
    expect(applyMutation("x\ny", { op: "crlf" })).toBe("x\r\ny");
    expect(applyMutation("x", { op: "bom" })).toBe("\ufeffx");
    expect(applyMutation("a = 5", { op: "replace-number", at: 0, with: "1e309" })).toBe("a = 1e309");
    expect(applyMutation("a==1", { op: "nest", at: 0, at2: 0.25, q: false, depth: 3, style: "paren" })).toBe("(((a)))==1");
    expect(mutate("ab", [{ op: "repeat", at: 0, len: 2, times: 1_000_000 }]).length).toBe(MAX_INPUT);
  });
});

describe("the invariant checker itself", () => {
  const diag = (span: { start: number; end: number } | null, code = "X001", severity = "error") => ({ code, severity, message: "m", span });
  const compiled = (diags: unknown[], outcome?: unknown) => ({ source: { text: "abc" }, parseDiagnostics: diags, parseStatus: "error", ir: null, outcomes: outcome ? [outcome] : [] });

  it("flags spans outside the text, errors without a position, INTERNAL, and output with a non-ok status", () => {
    expect(checkCompiled("abc", compiled([diag({ start: 0, end: 3 })]))).toEqual([]);
    expect(checkCompiled("abc", compiled([diag({ start: 2, end: 4 })]))).toHaveLength(1);
    expect(checkCompiled("abc", compiled([diag({ start: -1, end: 0 })]))).toHaveLength(1);
    expect(checkCompiled("abc", compiled([diag(null)]))).toHaveLength(1);
    expect(checkCompiled("abc", compiled([diag(null, "W001", "warning")]))).toEqual([]);
    expect(checkCompiled("abc", compiled([diag({ start: 0, end: 1 }, "INTERNAL")]))).toHaveLength(1);
    const target = { id: "sigma" };
    expect(checkCompiled("abc", compiled([], { target, profile: "p", status: "unsupported", result: { text: "x", diagnostics: [] } }))).toHaveLength(1);
    expect(checkCompiled("abc", compiled([], { target, profile: "p", status: "ok", result: { text: null, diagnostics: [] } }))).toHaveLength(1);
  });

  it("walks IR spans iteratively, also 100,000 levels deep", () => {
    let node: Record<string, unknown> = { kind: "match", span: { start: 0, end: 9 } };
    for (let i = 0; i < 100_000; i++) node = { kind: "not", operand: node, span: { start: 0, end: 3 } };
    const out: string[] = [];
    checkIrSpans(node, 3, "ir", out);
    expect(out).toHaveLength(1);
  });

  it("a parser result: a value with errors, or neither value nor error, is a violation", () => {
    expect(checkParsed("x", { value: null, diagnostics: [diag({ start: 0, end: 1 })] })).toEqual([]);
    expect(checkParsed("x", { value: {}, diagnostics: [diag({ start: 0, end: 1 })] })).toHaveLength(1);
    expect(checkParsed("x", { value: null, diagnostics: [] })).toHaveLength(1);
  });
});

describe("fuzz: mutated rule files through compileRule, every target and profile", () => {
  it("the seed rules themselves satisfy the invariants", () => {
    for (const r of RULES) {
      holds(r.text, guarded(() => checkCompiled(r.text, compileRule(r.name, r.text, REQUESTS))));
    }
  });

  it(`never throws, never INTERNAL, error spans inside the file, output only when ok (${runs(6000)} cases)`, () => {
    fc.assert(
      fc.property(caseArb(RULES.length), (c: Case) => {
        const seed = RULES[c.seed];
        if (!seed) return;
        const text = mutate(seed.text, c.ops, c.scope);
        holds(text, guarded(() => checkCompiled(text, compileRule(seed.name, text, REQUESTS))));
      }),
      { seed: FUZZ_SEED, numRuns: runs(6000) },
    );
  });
});

describe("fuzz: mutated queries through the parsers", () => {
  it(`parseEql: never throws, value iff no error, spans inside the query (${runs(2500)} cases)`, () => {
    fc.assert(
      fc.property(caseArb(EQL_SEEDS.length), (c: Case) => {
        const text = mutate(EQL_SEEDS[c.seed] ?? "", c.ops);
        holds(text, guarded(() => checkParsed(text, parseEql(standaloneSource(text)))));
      }),
      { seed: FUZZ_SEED, numRuns: runs(2500) },
    );
  });

  it(`parseKql: never throws, value iff no error, spans inside the query (${runs(1500)} cases)`, () => {
    fc.assert(
      fc.property(caseArb(KQL_SEEDS.length), (c: Case) => {
        const text = mutate(KQL_SEEDS[c.seed] ?? "", c.ops);
        holds(text, guarded(() => checkParsed(text, parseKql(standaloneSource(text)))));
      }),
      { seed: FUZZ_SEED, numRuns: runs(1500) },
    );
  });

  it(`random text (any code points, lone surrogates, control characters) through both parsers (${runs(500)} cases)`, () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text: string) => {
        holds(text, guarded(() => [...checkParsed(text, parseEql(standaloneSource(text))), ...checkParsed(text, parseKql(standaloneSource(text)))]));
      }),
      { seed: FUZZ_SEED, numRuns: runs(500) },
    );
  });
});
