/**
 * Wildcard patterns on multi-valued columns (dynamic string arrays): Elasticsearch
 * matches an array field when some element matches (`*` any run of characters, `?`
 * exactly one). The KQL matches the pattern against the array's compact JSON text,
 * element by element; checked here against that definition on random arrays whose
 * elements hold quotes, backslashes, commas, brackets and control characters (JSON
 * escapes), through a JavaScript reading of the same regex.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PatternPart } from "../../src/ir/nodes.js";
import { compilePattern } from "../../src/eval/patterns.js";
import { checkCondition, multiElementRe2, printCondition, type PrintContext } from "../../targets/sentinel/kql.js";
import type { Diagnostic } from "../../src/diagnostics/index.js";
import { analyzeKql } from "../../targets/sentinel/kusto-check.js";
import { any, match, one, pat, text } from "./ir.js";

/** RE2's leading inline flags as JavaScript flags (the rest of the syntax used is common to both). */
function jsRegex(re2: string): RegExp {
  const m = /^\(\?s\)(\(\?i\))?/.exec(re2)!;
  return new RegExp(re2.slice(m[0].length), m[1] ? "siu" : "su");
}

const element = fc.string({ unit: fc.constantFrom("a", "b", "A", ",", '"', "\\", "[", "]", "\n", "\u0001", "é"), maxLength: 5 });
const partsArb = fc.array(
  fc.oneof(
    fc.string({ unit: fc.constantFrom("a", "b", "A", ",", "[", "]", ":"), minLength: 1, maxLength: 3 }).map((value): PatternPart => ({ kind: "text", value })),
    fc.constant<PatternPart>({ kind: "any" }),
    fc.constant<PatternPart>({ kind: "one" }),
  ),
  { minLength: 1, maxLength: 4 },
);

describe("wildcards against string arrays", () => {
  it("the regex over the JSON text holds exactly when some element matches one of the patterns", () => {
    fc.assert(
      fc.property(fc.array(element, { maxLength: 4 }), fc.array(partsArb, { minLength: 1, maxLength: 3 }), fc.boolean(), (arr, patterns, cs) => {
        const re = jsRegex(multiElementRe2(patterns, cs));
        const tests = patterns.map((parts) => compilePattern(parts, cs));
        expect(re.test(JSON.stringify(arr))).toBe(arr.some((e) => tests.some((t) => t(e))));
      }),
      { numRuns: 400 },
    );
  });
  it("a match cannot span two elements", () => {
    const re = jsRegex(multiElementRe2([[text("a"), any, text("b")]], true));
    expect(re.test(JSON.stringify(["a", "b"]))).toBe(false);
    expect(re.test(JSON.stringify(["x", "a,b"]))).toBe(true);
    expect(jsRegex(multiElementRe2([[one]], true)).test(JSON.stringify(["ab", "cd"]))).toBe(false);
    expect(jsRegex(multiElementRe2([[one]], true)).test(JSON.stringify(['"']))).toBe(true);
  });
  it("prints as `matches regex` over tostring() and passes the Kusto analysis; quotes in the pattern are refused upstream", () => {
    const ctx: PrintContext = { columns: { Groups: "string[]" } };
    const kql = printCondition(match("Groups", [pat(text("system:serviceaccounts:"), any)]), ctx);
    expect(kql).toMatch(/^tostring\(Groups\) matches regex /);
    expect(analyzeKql(`AKSAudit | extend Groups = extract_all(@'"([^"]*)"', tostring(User.groups)) | where ${kql}`)).toEqual([]);
  });
  it("a pattern whose text JSON may escape (quote, backslash, control or non-ASCII character) is unsupported, not guessed", () => {
    const ctx: PrintContext = { columns: { Groups: "string[]" } };
    for (const bad of ['a"', "a\\", "é"]) {
      const out: Diagnostic[] = [];
      checkCondition(match("Groups", [pat(text(bad), any)]), ctx, out);
      expect(out.map((d) => d.code)).toEqual(["SENTINEL131"]);
    }
    const ok: Diagnostic[] = [];
    checkCondition(match("Groups", [pat(text("system:"), any)]), ctx, ok);
    expect(ok).toEqual([]);
  });
});
