/**
 * Strings that are kept: a copy that holds its own characters.
 *
 * A string cut from a rule's text (a field name, a rule's name) shares that
 * text's memory, and a string built with `+` keeps its pieces. Kept until the
 * end of a batch (in the report, a bundle entry, a module's cache), each would
 * keep its rule file's whole text alive, and the garbage collector would copy
 * and promote every one of them: some 15 MB and 0.1 s on Elastic's library.
 */
export function ownText(s: string): string {
  // slicing a rope copies it into one new string; the slice is then of that copy only
  return s.length < 2 ? s : (" " + s).slice(1);
}

/** `value` with every string in its arrays and plain objects replaced by its own copy (ownText). */
export function ownTexts<T>(value: T): T {
  if (typeof value === "string") return ownText(value) as T;
  if (Array.isArray(value)) return value.map(ownTexts) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = ownTexts(v);
    return out as T;
  }
  return value;
}
