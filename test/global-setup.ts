/**
 * Gives the test run a temporary folder of its own (TMPDIR, which os.tmpdir()
 * reads, inherited by the test threads and by the CLI processes tests spawn)
 * and removes it at the end: the tests make a few thousand temporary folders,
 * and a CI machine's /tmp should not keep them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "ruleport-test-run-"));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
