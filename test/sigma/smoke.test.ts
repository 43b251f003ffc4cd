import { describe, expect, it } from "vitest";
import { sigma } from "../../targets/sigma/index.js";
import { loadBundledMapping } from "../../src/mapping/index.js";
import { seedRule } from "./ir.js";

describe("smoke", () => {
  it("seed", () => {
    const { rule, doc } = seedRule();
    const r = sigma.convert({ rule, document: doc, profile: "default", mapping: loadBundledMapping("sigma", "fields/default.yaml"), outputStem: "x" });
    console.log(r.text, JSON.stringify(r.diagnostics, null, 1));
    expect(r.text).not.toBeNull();
  });
});
