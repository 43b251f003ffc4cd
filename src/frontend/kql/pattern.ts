/**
 * Small helpers shared by the KQL, Lucene and Kibana-filter frontends:
 * building normalised patterns and spans, recognising numbers and date math.
 */
import type { Condition, DateMathLit, NumberLit, Pattern, PatternPart, Span, StringLit } from "../../ir/nodes.js";
import type { QuerySource } from "../source.js";

/** Appends parts, keeping the IR invariant: no empty text parts, no two adjacent text parts. */
export function pushText(parts: PatternPart[], text: string): void {
  if (text === "") return;
  const last = parts[parts.length - 1];
  if (last !== undefined && last.kind === "text") parts[parts.length - 1] = { kind: "text", value: last.value + text };
  else parts.push({ kind: "text", value: text });
}

export function textPattern(value: string, span: Span): Pattern {
  const parts: PatternPart[] = [];
  pushText(parts, value);
  return { kind: "pattern", parts, span };
}

/** Whether a pattern has a wildcard part (otherwise it is an exact string). */
export function hasWildcard(p: Pattern): boolean {
  return p.parts.some((x) => x.kind !== "text");
}

/** The exact string of a pattern without wildcard parts. */
export function patternText(p: Pattern): string {
  return p.parts.map((x) => (x.kind === "text" ? x.value : "")).join("");
}

/** A query-offset range mapped to file offsets. */
export function fileSpan(source: QuerySource, start: number, end: number): Span {
  return { start: source.toFile(start), end: source.toFile(end) };
}

/**
 * A plain decimal number as KQL and Lucene users write it: optional minus,
 * no leading zeros (`007` stays text: on a keyword field it is not `7`),
 * optional fraction. Anything else stays a string.
 */
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;
export function isPlainNumber(text: string): boolean {
  return NUMBER.test(text) && Number.isFinite(Number(text));
}

export function numberLit(raw: string, span: Span): NumberLit {
  return { kind: "number", value: Number(raw), raw, integer: !raw.includes("."), span };
}

/**
 * Elasticsearch date math: `now` or an anchor date followed by `||`, then any
 * number of `+N<unit>`, `-N<unit>`, `/<unit>` (units y M w d h H m s).
 * Reference: Elasticsearch "Date math" (common options, api-conventions).
 */
const DATE_MATH = /^(?:now|[^|]+\|\|)(?:[+-][0-9]+[yMwdhHms]|\/[yMwdhHms])*$/;
export function isDateMath(text: string): boolean {
  return DATE_MATH.test(text);
}

/** The right-hand side of a range: number, date math or string (what the value looks like; Elasticsearch coerces by field type). */
export function rangeValue(text: string, quoted: boolean, span: Span): NumberLit | DateMathLit | StringLit {
  if (isDateMath(text)) return { kind: "datemath", expr: text, span };
  if (!quoted && isPlainNumber(text)) return numberLit(text, span);
  return { kind: "string", value: text, span };
}

/** Flattens nested `and` (or `or`) operands into one list, as the IR requires. */
export function flatten(kind: "and" | "or", operands: readonly Condition[]): Condition[] {
  const out: Condition[] = [];
  for (const o of operands) {
    if (o.kind === kind) out.push(...o.operands);
    else out.push(o);
  }
  return out;
}

export function combine(kind: "and" | "or", operands: readonly Condition[], span: Span): Condition {
  const flat = flatten(kind, operands);
  if (flat.length === 1) return flat[0] as Condition;
  return { kind, operands: flat, span } as Condition;
}
