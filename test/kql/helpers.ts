/** Builders for expected IR (spans stripped) and parse helpers for the KQL tests. */
import type { Condition, MatchValue, PatternPart } from "../../src/ir/nodes.js";
import { parseKql, parseLucene } from "../../src/frontend/kql/index.js";
import { standaloneSource } from "../../src/frontend/source.js";

/** Deep copy without `span` keys, for comparing IR modulo spans. */
export function noSpans<T>(x: T): T {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === "span" ? undefined : v))) as T;
}

export function kql(q: string): Condition {
  const r = parseKql(standaloneSource(q));
  if (!r.value) throw new Error(`parse failed: ${q}: ${JSON.stringify(r.diagnostics)}`);
  return noSpans(r.value);
}

export function lucene(q: string): Condition {
  const r = parseLucene(standaloneSource(q));
  if (!r.value) throw new Error(`parse failed: ${q}: ${JSON.stringify(r.diagnostics)}`);
  return noSpans(r.value);
}

export const field = (path: string, wildcard = false) => ({ kind: "field", path, optional: false, wildcard }) as const;
export const text = (value: string) => ({ kind: "text", value }) as const;
export const any = { kind: "any" } as const;
export const one = { kind: "one" } as const;
export const pat = (...parts: PatternPart[]): MatchValue => ({ kind: "pattern", parts }) as unknown as MatchValue;
export const str = (s: string): MatchValue => pat(...(s === "" ? [] : [text(s)]));
export const num = (raw: string): MatchValue => ({ kind: "number", value: Number(raw), raw, integer: !raw.includes(".") }) as unknown as MatchValue;
export const bool = (value: boolean): MatchValue => ({ kind: "boolean", value }) as unknown as MatchValue;

export function match(path: string, values: MatchValue[], opts: { wildcard?: boolean; caseSensitive?: boolean; operator?: string } = {}): Condition {
  return { kind: "match", subject: field(path, opts.wildcard ?? false), values, caseSensitive: opts.caseSensitive ?? true, operator: opts.operator ?? "kql" } as unknown as Condition;
}
export const exists = (path: string, wildcard = false): Condition => ({ kind: "exists", subject: field(path, wildcard) }) as unknown as Condition;
export const and = (...operands: Condition[]): Condition => ({ kind: "and", operands }) as unknown as Condition;
export const or = (...operands: Condition[]): Condition => ({ kind: "or", operands }) as unknown as Condition;
export const not = (operand: Condition): Condition => ({ kind: "not", operand }) as unknown as Condition;
export const fulltext = (value: MatchValue): Condition => ({ kind: "fulltext", value, caseSensitive: true }) as unknown as Condition;
export const matchAll = (): Condition => ({ kind: "test", value: { kind: "boolean", value: true } }) as unknown as Condition;
export function compare(path: string, op: string, right: object): Condition {
  return { kind: "compare", op, left: field(path), right } as unknown as Condition;
}
