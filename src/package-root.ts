/** The folder holding ruleport's package.json, whether running from src/ (tests) or dist/ (the CLI). */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | null = null;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "targets"))) return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error("internal error: cannot find ruleport's package root");
    dir = up;
  }
}
