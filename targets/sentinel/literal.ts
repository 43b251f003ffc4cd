/**
 * KQL string literals. Every value goes through `kqlString`, once: a value can
 * never end a literal early or inject query text.
 *
 * Two spellings (Kusto "string data type"):
 * - verbatim `@"..."`: no escapes, `"` doubled. Used when the value has a
 *   backslash (paths, regexes) and no control characters.
 * - regular `"..."`: `\\`, `\"`, `\n`, `\r`, `\t`, and `\uXXXX` for other
 *   control characters.
 */
export function kqlString(value: string): string {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f\u2028\u2029]/.test(value);
  if (!control && value.includes("\\")) return `@"${value.replace(/"/g, '""')}"`;
  let out = '"';
  for (const ch of value) {
    const c = ch.codePointAt(0) as number;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** KQL keywords that cannot be bare column names. */
const RESERVED = new Set(["and", "or", "not", "in", "has", "contains", "where", "by", "on", "let", "true", "false", "null", "project", "extend", "summarize", "join", "kind", "with", "to", "between", "of", "typeof", "datatable", "print", "range", "set", "as", "count"]);

/** A column (or other identifier) reference, bracket-quoted when it is not a plain identifier. */
export function kqlIdent(name: string): string {
  if (IDENT.test(name) && !RESERVED.has(name.toLowerCase())) return name;
  return `['${name.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}']`;
}
