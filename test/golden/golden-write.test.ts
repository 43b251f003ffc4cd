/**
 * The writer behind `npm run golden:update`. It only writes when
 * RULEPORT_GOLDEN_WRITE=1 and not under CI; otherwise it is skipped (reason in the name).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect, it } from "vitest";
import { computeGoldens, GOLDEN, readGoldens } from "./golden-lib.js";

const enabled = process.env.RULEPORT_GOLDEN_WRITE === "1" && !process.env.CI;
const only = process.env.RULEPORT_GOLDEN_TARGET || undefined;

it.runIf(enabled)("writes golden files (only via npm run golden:update, never in CI)", () => {
  const expected = computeGoldens(only);
  for (const path of readGoldens(only).keys()) if (!expected.has(path)) rmSync(join(GOLDEN, path));
  for (const [path, content] of expected) {
    const file = join(GOLDEN, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  console.log(`golden-update: ${expected.size} files${only ? ` for ${only}` : ""}`);
  expect(expected.size).toBeGreaterThan(0);
});
