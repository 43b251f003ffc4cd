/**
 * Values and patterns: whatever goes in comes out with the same meaning.
 *
 * A reference matcher states the IR semantics (text parts literal, `any` = any
 * run, `one` = exactly one character, case folded when the match is
 * case-insensitive). The SPL the target prints is then *executed* by a small
 * model of the SPL it uses: `search` values (`*` the only wildcard, case
 * folded), eval `==`, `like()` (`%`, `_`), and `match()` (PCRE, run here as a
 * JavaScript regex after removing SPL's quoting). Both must agree on every
 * candidate string, including ones built to match.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Condition, Match, PatternPart } from "../../src/ir/nodes.js";
import { printEval, printSearch, searchExact } from "../../targets/splunk/expr.js";
import { luceneToPcre, anchoredPcre } from "../../targets/splunk/regex.js";
import { lintSpl, tokenize, type Token } from "../../targets/splunk/spl-lint.js";

const S = { start: 0, end: 0 };

function reference(parts: readonly PatternPart[], s: string, caseSensitive: boolean): boolean {
  const norm = (x: string) => (caseSensitive ? x : x.toLowerCase());
  const chars = Array.from(norm(s));
  const memo = new Map<string, boolean>();
  const go = (pi: number, ci: number): boolean => {
    const key = `${pi}:${ci}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    const p = parts[pi];
    if (!p) r = ci === chars.length;
    else if (p.kind === "any") r = go(pi + 1, ci) || (ci < chars.length && go(pi, ci + 1));
    else if (p.kind === "one") r = ci < chars.length && go(pi + 1, ci + 1);
    else {
      const t = Array.from(norm(p.value));
      r = t.every((c, k) => chars[ci + k] === c) && go(pi + 1, ci + t.length);
    }
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** Runs a PCRE from an SPL string as a JavaScript regex (the subset the target emits is common to both). */
function runPcre(pcre: string, s: string): boolean {
  const m = /^\(\?([si]+)\)/.exec(pcre);
  const flags = (m?.[1] ?? "") + "u";
  const body = pcre.slice(m ? m[0].length : 0).replace(/\\z$/, "$");
  return new RegExp(body, flags).test(s);
}

function likeToRegex(pat: string): RegExp {
  return new RegExp(`^${Array.from(pat).map((c) => (c === "%" ? ".*" : c === "_" ? "." : c.replace(/[\\^$.|?*+()[\]{}]/gu, "\\$&"))).join("")}$`, "su");
}

/** Evaluates the eval text of one match leaf on field value `s`. */
function runEval(text: string, s: string): boolean {
  const toks = tokenize(text).tokens;
  // Disjunction of leaves: split on top-level OR.
  const leaves: Token[][] = [[]];
  let depth = 0;
  for (const t of toks) {
    if (t.kind === "lparen") depth++;
    if (t.kind === "rparen") depth--;
    if (t.kind === "word" && t.text === "OR" && depth === 0) leaves.push([]);
    else (leaves[leaves.length - 1] as Token[]).push(t);
  }
  return leaves.some((leaf) => {
    const words = leaf.filter((t) => t.kind === "word").map((t) => t.text);
    const str = leaf.filter((t) => t.kind === "string").map((t) => t.value);
    const value = words.includes("lower") ? s.toLowerCase() : s;
    if (words[0] === "like") return likeToRegex(str[0] as string).test(value);
    if (words[0] === "match") return runPcre(str[0] as string, s);
    if (leaf.some((t) => t.kind === "op" && t.text === "==")) return value === str[0];
    throw new Error(`unexpected eval leaf: ${text}`);
  });
}

/** Evaluates `f="v"` / `f IN (...)` of `search`: `*` any run, everything else literal, case folded. */
function runSearch(text: string, s: string): boolean {
  return tokenize(text).tokens.filter((t) => t.kind === "string").some((t) => {
    const parts: PatternPart[] = t.value.split("*").flatMap((x, i) => [...(i > 0 ? [{ kind: "any" as const }] : []), ...(x ? [{ kind: "text" as const, value: x }] : [])]);
    return reference(parts, s, false);
  });
}

const alphabet = fc.constantFrom("a", "B", "é", "*", "?", "\\", '"', "%", "_", ".", "|", "[", "(", "$", "^", "\n", " ", "😀", "Z");
const textPart = fc.string({ unit: alphabet, minLength: 1, maxLength: 4 }).map((value): PatternPart => ({ kind: "text", value }));
const partsArb = fc.array(fc.oneof(textPart, fc.constant<PatternPart>({ kind: "any" }), fc.constant<PatternPart>({ kind: "one" })), { minLength: 1, maxLength: 5 }).map(normalise);

function normalise(parts: PatternPart[]): PatternPart[] {
  const out: PatternPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.kind === "text" && last?.kind === "text") out[out.length - 1] = { kind: "text", value: last.value + p.value };
    else out.push(p);
  }
  return out;
}

/** A string the pattern matches, built from it (any -> random run, one -> random character). */
function instance(parts: readonly PatternPart[], fill: readonly string[]): string {
  let k = 0;
  return parts.map((p) => (p.kind === "text" ? p.value : p.kind === "one" ? (fill[k++ % fill.length] ?? "x").slice(0, 1) || "x" : (fill[k++ % fill.length] ?? ""))).join("");
}

function match(parts: PatternPart[], caseSensitive: boolean): Match {
  return { kind: "match", subject: { kind: "field", path: "Processes.process", optional: false, wildcard: false, span: S }, values: [{ kind: "pattern", parts, span: S }], caseSensitive, operator: caseSensitive ? "like" : ":", span: S };
}

describe("pattern values: printed SPL means what the IR means", () => {
  it("eval (| where) form agrees with the reference on built and random strings", () => {
    fc.assert(
      fc.property(partsArb, fc.boolean(), fc.array(fc.string({ unit: alphabet, maxLength: 3 }), { minLength: 1, maxLength: 3 }), fc.string({ unit: alphabet, maxLength: 8 }), (parts, cs, fill, random) => {
        const text = printEval(match(parts, cs));
        expect(lintSpl(`| where ${text}`)).toEqual([]);
        const built = instance(parts, fill);
        expect(runEval(text, built)).toBe(reference(parts, built, cs));
        expect(reference(parts, built, cs)).toBe(true);
        expect(runEval(text, random)).toBe(reference(parts, random, cs));
        expect(runEval(text, built.toUpperCase())).toBe(reference(parts, built.toUpperCase(), cs));
      }),
      { numRuns: 400 },
    );
  });

  it("search form is only used when exact, and then agrees with the reference", () => {
    fc.assert(
      fc.property(partsArb, fc.array(fc.string({ unit: alphabet, maxLength: 3 }), { minLength: 1 }), fc.string({ unit: alphabet, maxLength: 8 }), (parts, fill, random) => {
        const m = match(parts, false);
        const exact = searchExact(m, { rawSearch: true });
        // `?` and a literal `*` cannot be stated by search.
        expect(exact).toBe(!parts.some((p) => p.kind === "one" || (p.kind === "text" && p.value.includes("*"))));
        // A case-sensitive match goes to search only when its text has no letters that case folding changes.
        const cased = parts.some((p) => p.kind === "text" && p.value.toLowerCase() !== p.value.toUpperCase());
        expect(searchExact(match(parts, true), { rawSearch: true })).toBe(exact && !cased);
        if (!exact) return;
        const text = printSearch(m);
        expect(lintSpl(text)).toEqual([]);
        for (const s of [instance(parts, fill), random, random.toUpperCase()]) expect(runSearch(text, s)).toBe(reference(parts, s, false));
      }),
      { numRuns: 400 },
    );
  });

  it("a `?` wildcard never becomes `*`: it is `_` in like() or `.` in match()", () => {
    const text = printEval(match([{ kind: "text", value: "a" }, { kind: "one" }, { kind: "text", value: "c" }], true));
    expect(text).toBe('like(\'Processes.process\', "a_c")');
    expect(runEval(text, "abbc")).toBe(false);
  });
});

describe("Lucene regexp -> PCRE", () => {
  const cases: [string, string, string[], string[]][] = [
    // [lucene, description, matches, non-matches]
    [".*(minidump|full).*", "alternation in a group, anchored whole value", ["x minidump y", "full"], ["mini dump"]],
    ["a.c", "dot is any one character, including a line break", ["abc", "a\nc"], ["ac", "abcd"]],
    ["[a-c]+\\.exe", "class with a range, escaped dot", ["abc.exe"], ["abcxexe", "d.exe"]],
    ["[^0-9]{2,3}", "negated class and a bounded repetition", ["ab", "abc"], ["a1", "abcd"]],
    ['"a.b"c', "quoted literal string", ["a.bc"], ["axbc"]],
    ["^a$", "^ and $ are literal characters", ["^a$"], ["a"]],
    ["\\d+", "predefined class", ["123"], ["12a"]],
    ["a@", "@ is any string", ["a", "abc"], ["ba"]],
    ["v<1-5>", "numeric interval, bounds of one width: that width", ["v1", "v3", "v5"], ["v0", "v6", "v05"]],
    ["<8-12>", "numeric interval, bounds of different widths: any leading zeros", ["8", "12", "0009"], ["7", "13"]],
    ["a#b", "# is the empty language: nothing matches", [], ["ab", "a#b"]],
    ["(?i)a", "`?` right after `(` is a plain character in Lucene", ["?ia"], ["a", "A"]],
  ];
  it.each(cases)("%s (%s)", (src, _what, yes, no) => {
    const r = luceneToPcre(src);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const pcre = anchoredPcre(r.pcre, false);
    for (const s of yes) expect(runPcre(pcre, s)).toBe(true);
    for (const s of no) expect(runPcre(pcre, s)).toBe(false);
  });
  it.each(["a~b", "a&b", "[abc", "(ab", "ab)", "<ab>", "\\q"])("reports %s instead of guessing", (src) => {
    expect(luceneToPcre(src).ok).toBe(false);
  });
});

describe("null semantics of negation", () => {
  it("a negated leaf in | where also holds when the field is missing (Elasticsearch must_not)", () => {
    const c: Condition = { kind: "not", operand: match([{ kind: "text", value: "A" }], true), span: S };
    expect(printEval(c)).toBe("isnull('Processes.process') OR NOT ('Processes.process'==\"A\")");
  });
  it("a negated leaf in search is NOT field=value, which also matches events without the field", () => {
    const c: Condition = { kind: "not", operand: match([{ kind: "text", value: "a" }], false), span: S };
    expect(printSearch(c)).toBe('NOT Processes.process="a"');
  });
});
