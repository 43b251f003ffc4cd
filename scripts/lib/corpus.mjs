// Shared by the conformance scripts: where the corpus is, and its rule files.
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project's root folder. */
export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * The corpus folder named on the command line (the first argument that is not an option nor
 * the value of one of `valueFlags`), else ../shared/corpus/elastic-detection-rules. Exits 0 with
 * a message when it does not exist: there is nothing to measure.
 */
export function corpusDir(args, script, valueFlags = []) {
  const dir = args.find((a, i) => !a.startsWith("--") && !valueFlags.includes(args[i - 1])) ?? join(root, "..", "shared", "corpus", "elastic-detection-rules");
  if (!existsSync(dir)) {
    console.log(`${script}: no corpus at ${dir}; nothing to measure`);
    process.exit(0);
  }
  return dir;
}

/** Every `*.toml` under `dir`, recursively, in a stable order. */
export function ruleFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) ruleFiles(p, out);
    else if (e.name.endsWith(".toml")) out.push(p);
  }
  return out;
}
