import { describe, expect, it } from "vitest";
import { parseEql } from "../../src/frontend/eql/index.js";
import { standaloneSource } from "../../src/frontend/source.js";
import { valueFields, type Condition, type EventQuery } from "../../src/ir/nodes.js";

function condition(q: string): Condition {
  const r = parseEql(standaloneSource(q));
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return (r.value!.query as EventQuery).condition;
}

describe("valueFields", () => {
  it("finds the fields inside calls, arithmetic and negation, in order, with their optional mark", () => {
    const c = condition('process where length(concat(process.name, ?process.title, "x")) + -user.id > 3');
    if (c.kind !== "compare") throw new Error(`expected a comparison, got ${c.kind}`);
    expect(valueFields(c.left).map((f) => [f.path, f.optional])).toEqual([
      ["process.name", false],
      ["process.title", true],
      ["user.id", false],
    ]);
    expect(valueFields(c.right)).toEqual([]);
  });
  it("appends to the list it is given", () => {
    const c = condition("process where process.pid > 1 and process.parent.pid < 5");
    if (c.kind !== "and" || c.operands[0]?.kind !== "compare" || c.operands[1]?.kind !== "compare") throw new Error("expected two comparisons");
    const out = valueFields(c.operands[0].left);
    expect(valueFields(c.operands[1].left, out)).toBe(out);
    expect(out.map((f) => f.path)).toEqual(["process.pid", "process.parent.pid"]);
  });
});
