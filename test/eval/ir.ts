/** Small factories for hand-built IR in evaluator tests (spans are irrelevant here). */
import type {
  ArithOp,
  Call,
  Compare,
  Condition,
  Detection,
  EventQuery,
  FieldRef,
  FunctionName,
  Match,
  MatchValue,
  Pattern,
  PatternPart,
  Pipe,
  Query,
  RuleIR,
  SampleQuery,
  SequenceQuery,
  SequenceTerm,
  Span,
  Value,
} from "../../src/ir/nodes.js";

export const S: Span = { start: 0, end: 0 };

export const field = (path: string, opts: { optional?: boolean; wildcard?: boolean } = {}): FieldRef => ({
  kind: "field",
  path,
  optional: opts.optional ?? false,
  wildcard: opts.wildcard ?? false,
  span: S,
});
export const str = (value: string): Value => ({ kind: "string", value, span: S });
export const num = (value: number): Value & MatchValue => ({ kind: "number", value, raw: String(value), integer: Number.isInteger(value), span: S });
export const bool = (value: boolean): Value & MatchValue => ({ kind: "boolean", value, span: S });
export const nul: Value = { kind: "null", span: S };
export const datemath = (expr: string): Value => ({ kind: "datemath", expr, span: S });

/** A pattern in EQL `:`/`like` spelling: `*` and `?` are wildcards, everything else literal. */
export function wild(p: string): Pattern {
  const parts: PatternPart[] = [];
  let text = "";
  for (const ch of p) {
    if (ch === "*" || ch === "?") {
      if (text) parts.push({ kind: "text", value: text });
      text = "";
      parts.push(ch === "*" ? { kind: "any" } : { kind: "one" });
    } else text += ch;
  }
  if (text) parts.push({ kind: "text", value: text });
  return { kind: "pattern", parts, span: S };
}
/** An exact string (as `==` and `in` write it: `*` is literal). */
export const lit = (value: string): Pattern => ({ kind: "pattern", parts: value === "" ? [] : [{ kind: "text", value }], span: S });

export const match = (subject: Value, values: readonly MatchValue[], caseSensitive: boolean, operator: Match["operator"] = "=="): Condition => ({
  kind: "match",
  subject,
  values,
  caseSensitive,
  operator,
  span: S,
});
/** EQL `f == "v"` (case-sensitive, literal). */
export const eq = (f: string | Value, v: string | number | boolean): Condition =>
  match(typeof f === "string" ? field(f) : f, [typeof v === "string" ? lit(v) : typeof v === "number" ? num(v) : bool(v)], true);
/** EQL `f : ("p1", ...)` (case-insensitive wildcards). */
export const colon = (f: string, ...ps: string[]): Condition => match(field(f), ps.map(wild), false, ":");
/** EQL `f like ("p1", ...)` (case-sensitive wildcards). */
export const like = (f: string, ...ps: string[]): Condition => match(field(f), ps.map(wild), true, "like");
export const not = (operand: Condition): Condition => ({ kind: "not", operand, span: S });
export const and = (...operands: Condition[]): Condition => ({ kind: "and", operands, span: S });
export const or = (...operands: Condition[]): Condition => ({ kind: "or", operands, span: S });
export const exists = (subject: Value): Condition => ({ kind: "exists", subject, span: S });
export const cmp = (left: Value, op: Compare["op"], right: Value): Condition => ({ kind: "compare", op, left, right, span: S });
export const regex = (subject: Value, caseSensitive: boolean, ...sources: string[]): Condition => ({
  kind: "regex-match",
  subject,
  patterns: sources.map((source) => ({ kind: "regex", dialect: "lucene", source, span: S })),
  caseSensitive,
  span: S,
});
export const call = (name: FunctionName, args: Value[], caseInsensitive = false): Call => ({ kind: "call", name, args, caseInsensitive, span: S });
export const arith = (op: ArithOp, left: Value, right: Value): Value => ({ kind: "arith", op, left, right, span: S });
export const test = (value: Value): Condition => ({ kind: "test", value, span: S });
export const fulltext = (p: string, caseSensitive = false): Condition => ({ kind: "fulltext", value: wild(p), caseSensitive, span: S });
export const nested = (path: string, condition: Condition): Condition => ({ kind: "nested", path, condition, span: S });

export const event = (category: string, condition: Condition): EventQuery => ({
  kind: "event",
  category: category === "any" ? { kind: "any" } : { kind: "named", name: category },
  condition,
  span: S,
});
export const term = (query: EventQuery, opts: { by?: Value[]; runs?: number; missing?: boolean } = {}): SequenceTerm => ({
  kind: "term",
  query,
  by: opts.by ?? [],
  runs: opts.runs ?? 1,
  missing: opts.missing ?? false,
  span: S,
});
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const sequence = (
  terms: SequenceTerm[],
  opts: { by?: Value[]; maxspan?: [number, keyof typeof UNIT_MS]; until?: SequenceTerm } = {},
): SequenceQuery => ({
  kind: "sequence",
  by: opts.by ?? [],
  maxspan: opts.maxspan ? { value: opts.maxspan[0], unit: opts.maxspan[1], ms: opts.maxspan[0] * UNIT_MS[opts.maxspan[1]], span: S } : null,
  terms,
  until: opts.until ?? null,
  span: S,
});
export const sample = (by: Value[], terms: SequenceTerm[]): SampleQuery => ({ kind: "sample", by, terms, span: S });

export function rule(query: Query, opts: { language?: RuleIR["language"]; pipes?: Pipe[]; detection?: Detection; timestampField?: string; eventCategoryField?: string } = {}): RuleIR {
  return {
    language: opts.language ?? "eql",
    query,
    pipes: opts.pipes ?? [],
    detection: opts.detection ?? { kind: "plain" },
    suppression: null,
    eventCategoryField: opts.eventCategoryField ?? "event.category",
    timestampField: opts.timestampField ?? "@timestamp",
    index: [],
    schedule: { from: "now-9m", interval: "5m" },
  };
}

/** A rule `any where <cond>` (KQL-style, or an EQL any-category query). */
export const anyWhere = (cond: Condition): RuleIR => rule(event("any", cond));

let clock = Date.UTC(2024, 0, 1);
/** An event with a fresh, increasing timestamp (1 s apart) unless one is given. */
export function ev(fields: Record<string, unknown>): Record<string, unknown> {
  clock += 1000;
  return { "@timestamp": new Date(clock).toISOString(), ...fields };
}
export const at = (seconds: number, fields: Record<string, unknown>): Record<string, unknown> => ({
  "@timestamp": new Date(Date.UTC(2024, 0, 1) + seconds * 1000).toISOString(),
  ...fields,
});
