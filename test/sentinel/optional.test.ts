/**
 * EQL optional fields missing from the target read as null, with EQL's three-valued
 * logic (eql-semantics.md, [S1] "Optional fields"; `not null` is null; a row matches
 * only when the condition is true).
 */
import { describe, expect, it } from "vitest";
import type { Condition } from "../../src/ir/nodes.js";
import { reduceOptional } from "../../targets/sentinel/optional.js";
import { and, exists, field, match, not, or, str } from "./ir.js";

const missing = (p: string) => p === "x";
const opt = (values = [str("v")]) => match(field("x", { optional: true }), values);
const a = match("a", [str("1")]);
const r = (c: Condition) => reduceOptional(c, missing);
const FALSE = { kind: "test", value: { kind: "boolean", value: false } };

describe("optional fields missing from the source", () => {
  it("leave conditions without them untouched", () => {
    const c = and(a, match("x", [str("v")]));
    expect(r(c).condition).toBe(c);
    expect(r(c).fields).toEqual([]);
  });
  it("null comparisons are never true, and neither is their negation", () => {
    expect(r(opt()).condition).toMatchObject(FALSE);
    expect(r(not(opt())).condition).toMatchObject(FALSE);
    expect(r(and(a, not(opt()))).condition).toMatchObject(FALSE);
  });
  it("`or` keeps the other branch; `not (a and null)` is true exactly when a is false", () => {
    expect(r(or(a, opt())).condition).toBe(a);
    expect(r(not(and(a, opt()))).condition).toEqual(not(a));
    expect(r(or(a, opt())).fields).toEqual(["x"]);
  });
  it("`?x != null` is plainly false, so its negation is true", () => {
    expect(r(and(a, exists("y"), not({ kind: "exists", subject: field("x", { optional: true }), span: a.span }))).condition).toEqual(and(a, exists("y")));
  });
});
