/**
 * IR invariants (src/ir/nodes.ts) every frontend result must keep: and/or
 * have two or more operands and are flattened, patterns are normalised,
 * matches have values, spans are ordered ranges inside the given bounds.
 */
import { expect } from "vitest";
import type { Condition, Pattern, Span, Value } from "../../src/ir/nodes.js";

function span(s: Span, lo: number, hi: number): void {
  expect(Number.isInteger(s.start) && Number.isInteger(s.end)).toBe(true);
  expect(s.start).toBeLessThanOrEqual(s.end);
  expect(s.start).toBeGreaterThanOrEqual(lo);
  expect(s.end).toBeLessThanOrEqual(hi);
}

function pattern(p: Pattern, lo: number, hi: number): void {
  span(p.span, lo, hi);
  p.parts.forEach((part, i) => {
    if (part.kind === "text") {
      expect(part.value).not.toBe("");
      expect(p.parts[i + 1]?.kind).not.toBe("text");
    }
  });
}

function value(v: Value, lo: number, hi: number): void {
  span(v.span, lo, hi);
  if (v.kind === "field") expect(v.optional).toBe(false);
}

/** Checks `c` and everything under it; spans must lie in [lo, hi]. Uses an explicit stack. */
export function expectInvariants(root: Condition, lo: number, hi: number): void {
  const stack: Condition[] = [root];
  while (stack.length > 0) {
    const c = stack.pop() as Condition;
    span(c.span, lo, hi);
    switch (c.kind) {
      case "and":
      case "or":
        expect(c.operands.length).toBeGreaterThanOrEqual(2);
        for (const o of c.operands) {
          expect(o.kind).not.toBe(c.kind);
          stack.push(o);
        }
        break;
      case "not":
        stack.push(c.operand);
        break;
      case "nested":
        stack.push(c.condition);
        break;
      case "match":
        value(c.subject, lo, hi);
        expect(c.values.length).toBeGreaterThanOrEqual(1);
        for (const v of c.values) {
          if (v.kind === "pattern") pattern(v, lo, hi);
          else span(v.span, lo, hi);
        }
        break;
      case "exists":
        value(c.subject, lo, hi);
        break;
      case "compare":
        value(c.left, lo, hi);
        value(c.right, lo, hi);
        break;
      case "fulltext":
        pattern(c.value, lo, hi);
        break;
      case "regex-match":
        value(c.subject, lo, hi);
        expect(c.patterns.length).toBeGreaterThanOrEqual(1);
        break;
      case "test":
        value(c.value, lo, hi);
        break;
    }
  }
}
