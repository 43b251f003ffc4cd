/**
 * Where a key of a small hand-written YAML file (a mapping override, a config
 * file) is, for messages: js-yaml gives positions for syntax errors only, not
 * for the keys of the data it returns. Best effort: the first `key:` found.
 */

/** The offset of the first `key:` at or after offset `from`, or null. */
export function keyOffset(text: string, key: string, from = 0): number | null {
  const re = new RegExp(`(^\\s*-?\\s*|[{,]\\s*)(["']?)${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\2\\s*:`, "m");
  const m = re.exec(text.slice(from));
  return m ? from + m.index + (m[1]?.length ?? 0) : null;
}

/** The 1-based line and column of an offset. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split("\n").length, column: offset - before.lastIndexOf("\n") };
}

/** The 1-based line and column of the first `key:` at or after offset `from` (1:1 when not found). */
export function keyPosition(text: string, key: string, from = 0): { line: number; column: number } {
  const off = keyOffset(text, key, from);
  return off === null ? { line: 1, column: 1 } : positionAt(text, off);
}

/** The 1-based position of a js-yaml syntax error (its `mark`), or 1:1. */
export function yamlErrorPosition(e: unknown): { line: number; column: number } {
  const m = (e as { mark?: { line: number; column: number } }).mark;
  return { line: (m?.line ?? 0) + 1, column: (m?.column ?? 0) + 1 };
}
