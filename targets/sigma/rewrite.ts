/**
 * IR rewrites run before field mapping (exact, so no diagnostics):
 * `startsWith(f, "s")`, `endsWith(f, "s")` and `stringContains(f, "s")` on a
 * field become the pattern matches `s*`, `*s`, `*s*` (case-sensitive unless
 * the `~` variant), so that field mappings with value transforms (basename,
 * contains) apply to them like to any other match. An empty `s` is left
 * alone: `stringContains(f, "")` is false in EQL while `*` matches.
 */
import type { Condition, Match, PatternPart } from "../../src/ir/nodes.js";
import { assertNever } from "../../src/ir/nodes.js";

function asMatch(c: Extract<Condition, { kind: "test" }>): Match | null {
  const v = c.value;
  if (v.kind !== "call") return null;
  if (v.name !== "startsWith" && v.name !== "endsWith" && v.name !== "stringContains") return null;
  const [subject, arg] = v.args;
  if (v.args.length !== 2 || subject?.kind !== "field" || arg?.kind !== "string" || arg.value === "") return null;
  const text: PatternPart = { kind: "text", value: arg.value };
  const parts: PatternPart[] =
    v.name === "startsWith" ? [text, { kind: "any" }] : v.name === "endsWith" ? [{ kind: "any" }, text] : [{ kind: "any" }, text, { kind: "any" }];
  return { kind: "match", subject, values: [{ kind: "pattern", parts, span: arg.span }], caseSensitive: !v.caseInsensitive, operator: "like", span: c.span };
}

/** Rewrites string-function tests on fields into pattern matches. */
export function rewriteStringFunctions(c: Condition): Condition {
  switch (c.kind) {
    case "and":
    case "or":
      return { ...c, operands: c.operands.map(rewriteStringFunctions) };
    case "not":
      return { ...c, operand: rewriteStringFunctions(c.operand) };
    case "test":
      return asMatch(c) ?? c;
    case "match":
    case "compare":
    case "regex-match":
    case "exists":
    case "fulltext":
      return c;
    case "nested":
      return { ...c, condition: rewriteStringFunctions(c.condition) };
    default:
      return assertNever(c, "condition");
  }
}
