/** Small IR factories for the Sentinel target's unit tests. */
import type { Condition, FieldRef, Match, MatchValue, Pattern, PatternPart, RegexMatch, Span, Value } from "../../src/ir/nodes.js";

export const S: Span = { start: 0, end: 1 };
export const field = (path: string, extra: Partial<FieldRef> = {}): FieldRef => ({ kind: "field", path, optional: false, wildcard: false, span: S, ...extra });
export const text = (value: string): PatternPart => ({ kind: "text", value });
export const any: PatternPart = { kind: "any" };
export const one: PatternPart = { kind: "one" };
export const pat = (...parts: PatternPart[]): Pattern => ({ kind: "pattern", parts: parts.filter((p) => p.kind !== "text" || p.value !== ""), span: S });
export const str = (s: string): Pattern => pat(text(s));
export const num = (n: number): MatchValue => ({ kind: "number", value: n, raw: String(n), integer: Number.isInteger(n), span: S });
export const match = (f: string | Value, values: MatchValue[], caseSensitive = false): Match => ({
  kind: "match",
  subject: typeof f === "string" ? field(f) : f,
  values,
  caseSensitive,
  operator: caseSensitive ? "==" : ":",
  span: S,
});
export const regex = (f: string, sources: string[], caseSensitive = true): RegexMatch => ({
  kind: "regex-match",
  subject: field(f),
  patterns: sources.map((source) => ({ kind: "regex", dialect: "lucene", source, span: S })),
  caseSensitive,
  span: S,
});
export const and = (...operands: Condition[]): Condition => ({ kind: "and", operands, span: S });
export const or = (...operands: Condition[]): Condition => ({ kind: "or", operands, span: S });
export const not = (operand: Condition): Condition => ({ kind: "not", operand, span: S });
export const exists = (f: string): Condition => ({ kind: "exists", subject: field(f), span: S });
export const call = (name: Extract<Value, { kind: "call" }>["name"], args: Value[], caseInsensitive = false): Value => ({ kind: "call", name, args, caseInsensitive, span: S });
export const lit = (value: string): Value => ({ kind: "string", value, span: S });
export const test = (value: Value): Condition => ({ kind: "test", value, span: S });
