/**
 * Independent output checks for the cross-target escaping properties. These
 * are written from each language's documented rules, not from the targets'
 * code, so they cross-check the targets' own validators:
 *
 * - Sigma: YAML 1.2 via js-yaml, then the Sigma specification's value
 *   escaping (`*` any run, `?` one character, `\*` `\?` `\\` literal; a
 *   backslash before anything else is itself) and the `contains`,
 *   `startswith`, `endswith` modifiers.
 * - Sentinel (KQL): Microsoft's Kusto parser (`KustoCode.Parse`, syntax only),
 *   string literals read back from its syntax tree.
 * - osquery (SQLite): sql.js with osquery's tables (targets/osquery/schema,
 *   copied from osquery's specs) and its extra functions as stubs; the text
 *   must be exactly one statement that prepares. String literals ('' doubles
 *   a quote) are decoded as plain text, as LIKE with ESCAPE '\', and as GLOB.
 * - Splunk (SPL): double and single quotes balanced (a backslash escapes in
 *   double quotes), and brackets and parentheses balanced outside quotes.
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { load as loadYaml } from "js-yaml";
import initSqlJs, { type Database, type SqlValue } from "sql.js";
import { ROOT } from "./settings.js";

// ---------------------------------------------------------------------------
// Patterns: what a value means, as a list of parts (text characters, any-run, one-char)
// ---------------------------------------------------------------------------

export type Tok = { readonly t: "c"; readonly ch: string } | { readonly t: "any" } | { readonly t: "one" };

/** Normalises: consecutive any-runs collapse to one. */
export function norm(toks: readonly Tok[]): Tok[] {
  const out: Tok[] = [];
  for (const k of toks) {
    if (k.t === "any" && out.at(-1)?.t === "any") continue;
    out.push(k);
  }
  return out;
}

export function textToks(s: string): Tok[] {
  return [...s].map((ch) => ({ t: "c", ch }) as const);
}
const ANY: Tok = { t: "any" };

/** EQL `:`/`like` pattern semantics: `*` any, `?` one, nothing escapes them (eql-semantics.md). */
export function eqlPatternToks(p: string): Tok[] {
  return norm([...p].map((ch): Tok => (ch === "*" ? ANY : ch === "?" ? { t: "one" } : { t: "c", ch })));
}

/**
 * Whether `got` expresses `want` exactly. With `lossyControl`, a one-char
 * wildcard may stand for a control character (an approximation a target may
 * make only with a warning).
 */
export function sameToks(want: readonly Tok[], got: readonly Tok[], lossyControl: boolean): boolean {
  const a = norm(want);
  const b = norm(got);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Tok;
    const y = b[i] as Tok;
    if (x.t === "c" && y.t === "c") {
      if (x.ch !== y.ch) return false;
    } else if (x.t === "c" && y.t === "one") {
      if (!(lossyControl && /[\x00-\x1f\x7f]/.test(x.ch))) return false;
    } else if (x.t !== y.t) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Sigma
// ---------------------------------------------------------------------------

/** The Sigma specification's string value: wildcards and their escapes. */
export function sigmaToks(s: string): Tok[] {
  const out: Tok[] = [];
  const cs = [...s];
  for (let i = 0; i < cs.length; i++) {
    const ch = cs[i] as string;
    const next = cs[i + 1];
    if (ch === "\\" && (next === "*" || next === "?" || next === "\\")) {
      out.push({ t: "c", ch: next });
      i++;
    } else if (ch === "*") out.push(ANY);
    else if (ch === "?") out.push({ t: "one" });
    else out.push({ t: "c", ch });
  }
  return out;
}

/** Every (modifiers, value) leaf under `detection`, values as Sigma patterns with the modifiers applied. */
export function sigmaLeaves(doc: unknown): { key: string; toks: Tok[] | null }[] {
  const out: { key: string; toks: Tok[] | null }[] = [];
  const det = (doc as Record<string, unknown> | null)?.["detection"];
  const visit = (key: string, v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(key, x);
      return;
    }
    if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) visit(k, x);
      return;
    }
    if (typeof v !== "string") return;
    const mods = key.split("|").slice(1);
    if (mods.includes("re") || mods.includes("cidr") || mods.some((m) => m.startsWith("base64"))) {
      out.push({ key, toks: null });
      return;
    }
    let toks = sigmaToks(v);
    if (mods.includes("contains")) toks = [ANY, ...toks, ANY];
    else if (mods.includes("startswith")) toks = [...toks, ANY];
    else if (mods.includes("endswith")) toks = [ANY, ...toks];
    out.push({ key, toks });
  };
  visit("", det);
  return out;
}

export function checkSigma(text: string, want: Tok[] | null, lossyControl: boolean): string[] {
  let doc: unknown;
  try {
    doc = loadYaml(text);
  } catch (e) {
    return [`YAML does not load: ${(e as Error).message.split("\n")[0]}`];
  }
  if (!doc || typeof doc !== "object" || !("detection" in doc)) return ["the YAML has no detection"];
  if (want === null) return [];
  const leaves = sigmaLeaves(doc);
  if (leaves.some((l) => l.toks && sameToks(want, l.toks, lossyControl))) return [];
  return [`no detection value recovers the input; values: ${JSON.stringify(leaves.map((l) => l.key)).slice(0, 200)}`];
}

// ---------------------------------------------------------------------------
// Sentinel (Kusto)
// ---------------------------------------------------------------------------

/* eslint-disable @typescript-eslint/no-explicit-any */
let kusto: any = null;
function kustoLanguage(): any {
  if (kusto) return kusto;
  const require = createRequire(import.meta.url);
  require("@kusto/language-service-next/bridge.min.js");
  require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
  kusto = (globalThis as any).Kusto.Language;
  return kusto;
}

/** Syntax errors of a KQL query and its decoded string literals. */
export function parseKusto(query: string): { errors: string[]; strings: string[] } {
  const L = kustoLanguage();
  const code = L.KustoCode.Parse(query);
  const diags = code.GetDiagnostics();
  const errors: string[] = [];
  for (let i = 0; i < diags.Count; i++) {
    const d = diags.getItem(i);
    if (String(d.Severity) === "Error") errors.push(`${d.Message} at ${d.Start}`);
  }
  const strings: string[] = [];
  code.Syntax.WalkElements((el: any) => {
    if (el.Kind === L.Syntax.SyntaxKind.StringLiteralExpression) strings.push(String(el.LiteralValue));
  });
  return { errors, strings };
}

/** The query of a Sentinel output: the text itself, or the `query` of a rule YAML. */
function sentinelQuery(text: string): string {
  if (/^\s*(id|name|kind|query):/m.test(text)) {
    try {
      const doc = loadYaml(text) as Record<string, unknown> | null;
      if (doc && typeof doc["query"] === "string") return doc["query"];
    } catch {
      // not YAML: the text is the query
    }
  }
  return text;
}

export function checkSentinel(text: string, exact: string | null): string[] {
  const { errors, strings } = parseKusto(sentinelQuery(text));
  if (errors.length > 0) return [`Kusto syntax errors: ${errors.slice(0, 3).join("; ")}`];
  if (exact !== null && !strings.includes(exact)) return [`no string literal equals the input (literals: ${JSON.stringify(strings).slice(0, 200)})`];
  return [];
}

// ---------------------------------------------------------------------------
// osquery (SQLite)
// ---------------------------------------------------------------------------

let db: Database | null = null;
export async function osqueryDb(): Promise<Database> {
  if (db) return db;
  const SQL = await initSqlJs();
  const d = new SQL.Database();
  const schema = join(ROOT, "targets", "osquery", "schema");
  d.run(readFileSync(join(schema, "osquery-schema.sql"), "utf8"));
  const fns = JSON.parse(readFileSync(join(schema, "functions.json"), "utf8")) as { functions: Record<string, number[]> };
  for (const [name, arities] of Object.entries(fns.functions)) {
    for (const arity of arities) {
      const stub = (..._a: SqlValue[]): SqlValue => null;
      Object.defineProperty(stub, "length", { value: arity < 0 ? 0 : arity });
      d.create_function(name, stub);
    }
  }
  db = d;
  return d;
}

/** SQL string literals of a statement, decoded ('' is one quote), outside comments, with the ESCAPE character that follows a LIKE pattern. */
export function sqlStrings(sql: string): { value: string; escape: string | null }[] {
  const out: { value: string; escape: string | null }[] = [];
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? sql.length : nl;
    } else if (c === "/" && sql[i + 1] === "*") {
      const e = sql.indexOf("*/", i + 2);
      i = e < 0 ? sql.length : e + 1;
    } else if (c === '"') {
      const e = sql.indexOf('"', i + 1);
      i = e < 0 ? sql.length : e;
    } else if (c === "'") {
      let s = "";
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === "'") {
          if (sql[j + 1] === "'") {
            s += "'";
            j++;
            continue;
          }
          break;
        }
        s += sql[j];
      }
      const esc = /^\s*ESCAPE\s*'([^'])'/i.exec(sql.slice(j + 1, j + 20));
      out.push({ value: s, escape: esc ? (esc[1] as string) : null });
      i = j;
    }
  }
  return out;
}

/** LIKE (`%` any, `_` one), with its ESCAPE character if it has one (SQLite has none by default). */
export function likeToks(s: string, escape: string | null): Tok[] {
  const out: Tok[] = [];
  const cs = [...s];
  for (let i = 0; i < cs.length; i++) {
    const ch = cs[i] as string;
    if (escape !== null && ch === escape && i + 1 < cs.length) out.push({ t: "c", ch: cs[++i] as string });
    else if (ch === "%") out.push(ANY);
    else if (ch === "_") out.push({ t: "one" });
    else out.push({ t: "c", ch });
  }
  return out;
}

/** GLOB (`*` any, `?` one, `[x]` a one-character class, used to quote). */
export function globToks(s: string): Tok[] {
  const out: Tok[] = [];
  const cs = [...s];
  for (let i = 0; i < cs.length; i++) {
    const ch = cs[i] as string;
    if (ch === "[" && cs[i + 2] === "]" && cs[i + 1] !== undefined) {
      out.push({ t: "c", ch: cs[i + 1] as string });
      i += 2;
    } else if (ch === "*") out.push(ANY);
    else if (ch === "?") out.push({ t: "one" });
    else out.push({ t: "c", ch });
  }
  return out;
}

export function checkOsquery(d: Database, sql: string, want: Tok[] | null): string[] {
  let count = 0;
  try {
    for (const stmt of d.iterateStatements(sql)) {
      count++;
      stmt.free();
    }
  } catch (e) {
    return [`SQLite does not prepare it: ${(e as Error).message}`];
  }
  if (count !== 1) return [`${count} SQL statements instead of one`];
  if (want === null) return [];
  const wantText = want.every((k) => k.t === "c") ? want.map((k) => (k.t === "c" ? k.ch : "")).join("") : null;
  for (const { value: s, escape } of sqlStrings(sql)) {
    if (wantText !== null && s === wantText) return [];
    const asLike = likeToks(s, escape);
    const asGlob = globToks(s);
    if (sameToks(want, asLike, false) || sameToks(want, asGlob, false)) return [];
  }
  return [`no SQL string literal recovers the input`];
}

// ---------------------------------------------------------------------------
// Splunk
// ---------------------------------------------------------------------------

/** Balance of quotes, brackets and parentheses; the decoded double-quoted strings. */
export function splQuotes(spl: string): { problems: string[]; strings: string[] } {
  const problems: string[] = [];
  const strings: string[] = [];
  const stack: string[] = [];
  for (let i = 0; i < spl.length; i++) {
    const c = spl[i];
    if (c === '"' || c === "'") {
      let s = "";
      let j = i + 1;
      for (; j < spl.length && spl[j] !== c; j++) {
        if (c === '"' && spl[j] === "\\" && j + 1 < spl.length) {
          j++;
          s += spl[j] === '"' || spl[j] === "\\" ? spl[j] : `\\${spl[j]}`;
          continue;
        }
        s += spl[j];
      }
      if (j >= spl.length) {
        problems.push(`unterminated ${c} at ${i}`);
        break;
      }
      if (c === '"') strings.push(s);
      i = j;
    } else if (c === "(" || c === "[") stack.push(c);
    else if (c === ")" || c === "]") {
      const open = stack.pop();
      if (open !== (c === ")" ? "(" : "[")) problems.push(`unbalanced ${c} at ${i}`);
    }
  }
  if (stack.length > 0) problems.push(`${stack.length} unclosed ${stack.join("")}`);
  return { problems, strings };
}

export function checkSplunk(spl: string, exact: string | null): string[] {
  const { problems, strings } = splQuotes(spl);
  if (problems.length > 0) return problems;
  if (exact !== null && !strings.includes(exact)) return [`no quoted string equals the input`];
  return [];
}

/** No raw NUL in any output: every consumer (conf files, REST, C parsers) truncates or rejects it. */
export function checkNoNul(text: string): string[] {
  return text.includes("\u0000") ? ["a raw NUL character in the output"] : [];
}

// ---------------------------------------------------------------------------
// osquery: executing the query against rows holding the value and near misses
// ---------------------------------------------------------------------------

/** Whether `s` matches a pattern (whole-value), optionally folding ASCII case. */
export function matchesToks(toks: readonly Tok[], s: string, foldAscii: boolean): boolean {
  const fold = (c: string) => (foldAscii ? c.replace(/[A-Z]/g, (x) => x.toLowerCase()) : c);
  const p = norm(toks);
  const cs = [...s];
  // Classic wildcard matching with backtracking on the last any-run (linear enough for short strings).
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (i < cs.length) {
    const k = p[j];
    if (k && (k.t === "one" || (k.t === "c" && fold(k.ch) === fold(cs[i] as string)))) {
      i++;
      j++;
    } else if (k && k.t === "any") {
      star = j++;
      mark = i;
    } else if (star >= 0) {
      j = star + 1;
      i = ++mark;
    } else return false;
  }
  while (p[j]?.t === "any") j++;
  return j === p.length;
}

/** Strings near `v`: the value itself, one character more or less at either end, case flipped, empty. */
export function nearMisses(v: string): string[] {
  const cs = [...v];
  const flip = v.replace(/[A-Za-z]/, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
  const out = [v, `${v}x`, `x${v}`, `x${v}x`, cs.slice(1).join(""), cs.slice(0, -1).join(""), flip, "", `${v}${v}`];
  return [...new Set(out)];
}

/**
 * Runs an osquery statement against its table holding one row per candidate
 * string in `column` (other columns compared with a literal by `alias.col =
 * '...'` get that literal, so the query's fixed conditions hold), and returns
 * the candidates it selects. Null when the statement's shape is not understood.
 */
export function osquerySelect(d: Database, sql: string, column: string, candidates: readonly string[]): Set<string> | null {
  const from = /\bFROM\s+"?(\w+)"?(?:\s+AS\s+(\w+))?/i.exec(sql);
  if (!from) return null;
  const table = from[1] as string;
  const alias = from[2] ?? table;
  const fixed = new Map<string, string>();
  for (const m of sql.matchAll(new RegExp(`\\b${alias}\\.(\\w+)\\s*=\\s*'((?:[^']|'')*)'`, "g"))) {
    if (m[1] !== column) fixed.set(m[1] as string, (m[2] as string).replace(/''/g, "'"));
  }
  try {
    d.run(`DELETE FROM "${table}"`);
    for (const c of candidates) {
      const cols = [column, ...fixed.keys()];
      d.run(`INSERT INTO "${table}" (${cols.map((x) => `"${x}"`).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`, [c, ...fixed.values()]);
    }
    // Read the selected values back as hex: sql.js decodes result text like TextDecoder, which drops a leading BOM.
    const byHex = new Map(candidates.map((c) => [Buffer.from(c, "utf8").toString("hex").toUpperCase(), c]));
    const stmt = d.prepare(`SELECT hex("${column}") FROM (${sql.replace(/;\s*$/, "")})`);
    const got = new Set<string>();
    while (stmt.step()) {
      const c = byHex.get(String(stmt.get()[0]));
      if (c !== undefined) got.add(c);
    }
    stmt.free();
    return got;
  } catch {
    return null;
  } finally {
    d.run(`DELETE FROM "${table}"`);
  }
}
