/**
 * Property: any string used as a value (equality, list, prefix, contains, regex, wildcard)
 * gives KQL that Microsoft's parser accepts, and the literal recovered from its syntax tree
 * is exactly the value (for regexes: exactly the regex we meant, which matches the value).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Condition } from "../../src/ir/nodes.js";
import { printCondition, type PrintContext } from "../../targets/sentinel/kql.js";
import { analyzeKql, stringLiterals } from "../../targets/sentinel/kusto-check.js";
import { kqlString } from "../../targets/sentinel/literal.js";
import { escapeRe2, wildcardToRe2 } from "../../targets/sentinel/regex.js";
import { any, match, one, pat, str, text } from "./ir.js";

const ctx: PrintContext = { columns: { FileName: "string" } };
const query = (c: Condition) => `DeviceProcessEvents | where ${printCondition(c, ctx)}`;
// Full Unicode, with the characters that break naive escaping over-represented.
const value = fc.oneof(fc.string({ unit: "grapheme", maxLength: 20 }), fc.string({ unit: fc.constantFrom("\\", '"', "'", "@", "\n", "\r", "\t", "\u0000", "\u2028", "*", "?", "a", "(", "$"), maxLength: 12 }), fc.string({ unit: "binary", maxLength: 12 }));
const nonEmpty = value.filter((s) => s.length > 0);
const runs = { numRuns: 100 };

function parsesWith(q: string, literals: string[]) {
  expect(analyzeKql(q)).toEqual([]);
  expect(stringLiterals(q)).toEqual(literals);
}

describe("values survive printing exactly", () => {
  it("kqlString round-trips through the Kusto parser", () => {
    fc.assert(fc.property(value, (v) => parsesWith(`print ${kqlString(v)}`, [v])), runs);
  });
  it("equality (both cases)", () => {
    fc.assert(fc.property(nonEmpty, fc.boolean(), (v, cs) => parsesWith(query(match("FileName", [str(v)], cs)), [v])), runs);
  });
  it("lists", () => {
    fc.assert(
      fc.property(fc.uniqueArray(nonEmpty, { minLength: 2, maxLength: 4 }), (vs) => parsesWith(query(match("FileName", vs.map(str))), vs)),
      runs,
    );
  });
  it("prefix and contains", () => {
    fc.assert(fc.property(nonEmpty, (v) => parsesWith(query(match("FileName", [pat(text(v), any)])), [v])), runs);
    fc.assert(fc.property(nonEmpty, (v) => parsesWith(query(match("FileName", [pat(any, text(v), any)], true)), [v])), runs);
  });
  it("wildcards that need a regex: the literal is the intended regex, and that regex matches the value", () => {
    fc.assert(
      fc.property(nonEmpty, nonEmpty, (a, b) => {
        const c = match("FileName", [pat(text(a), one, text(b))], true);
        const re = wildcardToRe2([text(a), one, text(b)], true);
        parsesWith(query(c), [re]);
        // RE2 and JS agree on this subset (escaped literals, `.`, anchors, (?s)).
        const js = new RegExp(re.replace(/^\(\?s\)/, ""), "su");
        expect(js.test(`${a}X${b}`)).toBe(true);
        // `?` is exactly one character: one character more cannot match.
        expect(js.test(`${a}XY${b}`)).toBe(false);
      }),
      runs,
    );
  });
  it("escapeRe2 makes every value a literal regex", () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(new RegExp(`^(?:${escapeRe2(v)})$`, "su").test(v)).toBe(true);
      }),
      runs,
    );
  });
});
