/**
 * IR rewrites run before field mapping (exact, so no diagnostics):
 * `startsWith(f, "s")`, `endsWith(f, "s")` and `stringContains(f, "s")` on a
 * field become the pattern matches `s*`, `*s`, `*s*` (case-sensitive unless
 * the `~` variant), so that field mappings with value transforms (basename,
 * contains) apply to them like to any other match. An empty `s` is left
 * alone: `stringContains(f, "")` is false in EQL while `*` matches.
 *
 * `length(f) > n` (and <, <=, >=, ==) becomes the regular expression
 * `.{n+1,}` (etc.) on `f`. EQL counts UTF-16 code units and a regular
 * expression counts characters, which differ only for characters outside the
 * Basic Multilingual Plane.
 */
import type { Condition, Match, PatternPart, RegexMatch, Span, Value } from "../../src/ir/nodes.js";
import { assertNever, mapLeaves } from "../../src/ir/nodes.js";

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

function lengthOf(v: Value): Extract<Value, { kind: "field" }> | null {
  if (v.kind !== "call" || v.name !== "length" || v.args.length !== 1) return null;
  const [a] = v.args;
  return a?.kind === "field" ? a : null;
}

function lengthRegex(field: Extract<Value, { kind: "field" }>, quantifier: string, span: Span): RegexMatch {
  return { kind: "regex-match", subject: field, patterns: [{ kind: "regex", dialect: "lucene", source: `.${quantifier}`, span }], caseSensitive: true, span };
}

/** `length(f) op n` -> a length-bounded regular expression on f, or null. */
function lengthCompare(c: Extract<Condition, { kind: "compare" }>): Condition | null {
  let op = c.op;
  let f = lengthOf(c.left);
  let n = c.right;
  if (!f) {
    f = lengthOf(c.right);
    n = c.left;
    op = ({ "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as const)[op];
  }
  if (!f || n.kind !== "number" || !n.integer) return null;
  const k = n.value;
  switch (op) {
    case ">":
      return k >= 0 ? lengthRegex(f, `{${k + 1},}`, c.span) : null;
    case ">=":
      return k >= 0 ? lengthRegex(f, `{${k},}`, c.span) : null;
    case "<":
      return k >= 1 ? lengthRegex(f, `{0,${k - 1}}`, c.span) : null;
    case "<=":
      return k >= 0 ? lengthRegex(f, `{0,${k}}`, c.span) : null;
  }
}

/** `length(f) == n` (a match on the computed length) -> `.{n}` on f, or null. */
function lengthMatch(c: Match): Condition | null {
  const f = lengthOf(c.subject);
  if (!f || c.values.length === 0) return null;
  const ks: number[] = [];
  for (const v of c.values) {
    if (v.kind !== "number" || !v.integer || v.value < 0) return null;
    ks.push(v.value);
  }
  return { kind: "regex-match", subject: f, patterns: ks.map((k) => ({ kind: "regex" as const, dialect: "lucene" as const, source: `.{${k}}`, span: c.span })), caseSensitive: true, span: c.span };
}

/** Rewrites string-function tests on fields into pattern matches. */
export function rewriteStringFunctions(c: Condition): Condition {
  return mapLeaves(c, (leaf) => {
    switch (leaf.kind) {
      case "test":
        return asMatch(leaf) ?? leaf;
      case "compare":
        return lengthCompare(leaf) ?? leaf;
      case "match":
        return lengthMatch(leaf) ?? leaf;
      case "regex-match":
      case "exists":
      case "fulltext":
        return leaf;
      default:
        return assertNever(leaf, "condition");
    }
  });
}
