/** Helpers for CLI tests that compare two runs' output folders and reports. */
import { mkdtempSync, readdirSync, readFileSync, realpathSync, type Dirent } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

/** A new temporary folder (its real path, so the CLI's display paths match). */
export function workdir(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), `ruleport-${prefix}-`)));
}

/** Every file under `dir`, relative path -> content, in path order. */
export function tree(dir: string): Map<string, string> {
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[]).filter((e) => e.isFile());
  return new Map(files.map((e) => [relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name), "utf8")] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}

/** `text` with the output folder's path replaced, so two runs into different folders compare. */
export function withoutOut(text: string, out: string): string {
  return text.split(out).join("<out>");
}

/** A report file's text with the output folder's path replaced. */
export function reportOf(file: string, out: string): string {
  return withoutOut(readFileSync(file, "utf8"), out);
}
