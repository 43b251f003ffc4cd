/**
 * SPL lexical rules, stated once: how a string value is quoted, how a field
 * name is written in `search` and in eval expressions (`where`, `eval`), how
 * an ECS date-math string becomes a Splunk relative time, and how a literal
 * text becomes PCRE.
 *
 * Sources (Splunk Search Manual, "Backslashes", "Quotation marks", "SPL and
 * regular expressions"): a backslash in an SPL argument is escaped as `\\`, a
 * double quote inside a quoted string as `\"`; the asterisk is the only
 * wildcard of `search` and cannot be escaped; field names with characters
 * other than letters, digits and `_` are written in single quotes in eval
 * expressions; regular expressions are PCRE and go through SPL's own
 * escaping first (so the regex `\.` is written `"\\."`).
 */
import { escapePcre } from "../../src/regex/pcre.js";

/** Quotes a string value for SPL: `"` ... `"` with `\` -> `\\` and `"` -> `\"`. Every value goes through here exactly once. */
export function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Field names `search`/`tstats` accept unquoted (dotted CIM names, JSON paths with `{}`). */
const SEARCH_FIELD = /^[A-Za-z_@][A-Za-z0-9_.@{}]*$/;

export function isSearchField(name: string): boolean {
  return SEARCH_FIELD.test(name) && !/^(AND|OR|NOT|IN)$/i.test(name);
}

/** Whether an eval expression can name the field at all (single quotes cannot be escaped inside `'...'`). */
export function isEvalField(name: string): boolean {
  return name.length > 0 && !name.includes("'") && !/[\r\n]/.test(name);
}

/** A field reference in an eval expression: bare when it is a plain identifier, else `'single quoted'`. */
export function evalField(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !/^(AND|OR|NOT|LIKE|IN|true|false|null)$/i.test(name) ? name : `'${name}'`;
}

/** A number as SPL writes it: the source spelling when it is a plain decimal, else the JavaScript rendering. */
export function numberText(raw: string, value: number): string {
  return /^-?\d+(\.\d+)?$/.test(raw) ? raw : String(value);
}

/** Literal text as PCRE (before SPL quoting). */
export const pcreLiteral: (text: string) => string = escapePcre;

/**
 * Elasticsearch date math (`now-9m`, `now-1d/d`, `now`) as a Splunk relative
 * time modifier (`-9m`, `-1d@d`, `now`), or null when it has no counterpart.
 */
export function relativeTime(expr: string): string | null {
  const m = /^now((?:[+-]\d+[smhdwMy])*)(?:\/([smhdwMy]))?$/.exec(expr.trim());
  if (!m) return null;
  const unit: Record<string, string> = { s: "s", m: "m", h: "h", d: "d", w: "w", M: "mon", y: "y" };
  let out = "";
  for (const part of (m[1] ?? "").match(/[+-]\d+[smhdwMy]/g) ?? []) {
    const u = unit[part.slice(-1)] as string;
    out += part.slice(0, -1) + u;
  }
  if (m[2]) out += `@${unit[m[2]] as string}`;
  return out === "" ? "now" : out;
}

/** An Elastic rule interval (`5m`, `1h`, `30s`) as a cron schedule, or null when cron cannot express it. */
export function cronOf(interval: string): string | null {
  const m = /^(\d+)([smhd])$/.exec(interval.trim());
  if (!m) return null;
  const n = Number(m[1]);
  switch (m[2]) {
    case "s":
      return n > 0 && n % 60 === 0 ? cronOf(`${n / 60}m`) : null;
    case "m":
      if (n <= 0) return null;
      if (n < 60) return 60 % n === 0 ? (n === 1 ? "* * * * *" : `*/${n} * * * *`) : null;
      return n % 60 === 0 ? cronOf(`${n / 60}h`) : null;
    case "h":
      if (n <= 0) return null;
      if (n < 24) return 24 % n === 0 ? (n === 1 ? "0 * * * *" : `0 */${n} * * *`) : null;
      return n % 24 === 0 ? cronOf(`${n / 24}d`) : null;
    case "d":
      return n === 1 ? "0 0 * * *" : null;
    default:
      return null;
  }
}

/** An Elastic duration (`5m`, `30s`, `2h`) as a Splunk time span (`5m`, `30s`, `2h`); maxspan uses ms too. */
export function spanText(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
