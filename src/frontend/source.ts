/**
 * A query's text and the way back from its offsets to the rule file's.
 * Queries sit inside TOML strings; spans in the IR are file offsets, so the
 * frontends map every offset they record through `toFile`.
 */
export interface QuerySource {
  readonly text: string;
  /** File offset of query offset `i` (0 <= i <= text.length). */
  toFile(i: number): number;
}

/** The query text starts at file offset `base` and was not unescaped (TOML literal strings). */
export function literalSource(text: string, base: number): QuerySource {
  return { text, toFile: (i) => base + i };
}

/** Each query character came from file offset `offsets[i]`; `offsets` has text.length + 1 entries. */
export function mappedSource(text: string, offsets: ArrayLike<number>): QuerySource {
  return {
    text,
    toFile: (i) => {
      const n = offsets.length;
      if (n === 0) return 0;
      return offsets[Math.max(0, Math.min(i, n - 1))] as number;
    },
  };
}

/** A query with no file behind it (tests, the library API): offsets are query offsets. */
export function standaloneSource(text: string): QuerySource {
  return literalSource(text, 0);
}
