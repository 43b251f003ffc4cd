/**
 * Builds rule files and query literals for the reliability tests, following
 * the documented quoting rules (TOML 1.0 basic strings; EQL strings per
 * shared/reference/eql-semantics.md: `\b \t \n \f \r \" \' \\` and
 * `\u{XXXXXXXX}` with 2-8 hex digits).
 */

/** A TOML basic string holding `s` exactly (every control character as \uXXXX). */
export function tomlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out + '"';
}

/** An EQL double-quoted string literal whose value is `s`. */
export function eqlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += `\\u{${c.toString(16).padStart(2, "0")}}`;
    else out += ch;
  }
  return out + '"';
}

/** Whether `s` is well-formed UTF-16 (no lone surrogates): TOML and files cannot carry anything else. */
export function isWellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

export interface RuleOptions {
  readonly language?: "eql" | "kuery";
  readonly type?: string;
  /** Extra `[rule]` keys, already written as TOML lines. */
  readonly extra?: string;
  /** The query as written in the file; default a TOML basic string of `query`. */
  readonly rawQuery?: string;
}

/** A complete, valid rule file (keys as the corpus writes them) around a query. */
export function ruleToml(query: string, o: RuleOptions = {}): string {
  const language = o.language ?? "eql";
  const type = o.type ?? (language === "eql" ? "eql" : "query");
  return [
    "[metadata]",
    'creation_date = "2024/01/01"',
    'maturity = "production"',
    'updated_date = "2024/01/01"',
    "",
    "[rule]",
    'author = ["ruleport reliability suite"]',
    'description = "A generated rule for the reliability suite."',
    'from = "now-9m"',
    'index = ["logs-endpoint.events.*", "winlogbeat-*"]',
    `language = "${language}"`,
    'license = "Elastic License v2"',
    'name = "Reliability probe"',
    "risk_score = 21",
    'rule_id = "6f0c3a52-8d1e-4b7a-9c55-0d5b3f1e2a10"',
    'severity = "low"',
    `type = "${type}"`,
    ...(o.extra ? [o.extra] : []),
    `query = ${o.rawQuery ?? tomlString(query)}`,
    "",
  ].join("\n");
}

/**
 * A KQL (kuery) quoted string whose value is `s`: Kibana's grammar takes `\\`
 * and `\"` in quoted strings, `\t` `\r` `\n` as whitespace escapes, and any
 * other character as itself; `*` inside quotes is literal.
 */
export function kqlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else out += ch;
  }
  return out + '"';
}
