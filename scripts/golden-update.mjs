#!/usr/bin/env node
// Regenerates golden/ (all targets, or one with --target <id>) from the current code.
// Refuses to run under CI: CI must fail on a missing or different golden, never write one.
import { spawnSync } from "node:child_process";

if (process.env.CI) {
  console.error("golden-update: refusing to write goldens under CI");
  process.exit(2);
}
const i = process.argv.indexOf("--target");
const target = i >= 0 ? process.argv[i + 1] : "";
const r = spawnSync("npx", ["vitest", "run", "test/golden/golden-write.test.ts"], {
  stdio: "inherit",
  env: { ...process.env, RULEPORT_GOLDEN_WRITE: "1", RULEPORT_GOLDEN_TARGET: target ?? "" },
});
process.exit(r.status ?? 1);
