/**
 * Golden files: every rule in rules/ x every target and profile must produce
 * exactly golden/<target>/<profile>/<rule>.<ext> (and .diagnostics.txt, and
 * _deploy/ files). This test never writes: `npm run golden:update` does.
 */
import { describe, expect, it } from "vitest";
import { computeGoldens, readGoldens } from "./golden-lib.js";

const expected = computeGoldens();
const onDisk = readGoldens();

describe("golden files", () => {
  it("rules/ has the seed rule", () => {
    expect([...expected.keys()].some((k) => k.includes("persistence_system_shells_via_services"))).toBe(true);
  });
  for (const [path, content] of expected) {
    it(`${path} matches`, () => {
      const have = onDisk.get(path);
      expect(have, `missing golden ${path}: run npm run golden:update and read the diff`).toBeDefined();
      expect(have).toBe(content);
    });
  }
  it("no stale golden files", () => {
    const stale = [...onDisk.keys()].filter((k) => !expected.has(k));
    expect(stale).toEqual([]);
  });
});
