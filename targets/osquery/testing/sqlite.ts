/**
 * A stand-in osquery for tests and the conformance script (never imported by the
 * target itself, so sql.js stays a development dependency): sql.js (WASM SQLite) with every osquery table
 * created from the DDL in targets/osquery/schema/ and osquery's extra SQL
 * functions registered with their arities. `regex_match`, `in_cidr_block` and
 * `inet_aton` are implemented as osquery does (see schema/README.md):
 * - regex_match: std::regex (ECMAScript) searched over the UTF-8 BYTES of the
 *   value (std::regex<char>), returning the whole match or NULL;
 * - in_cidr_block(cidr, ip): boost network hosts() (IPv4: network and broadcast
 *   excluded below /31), an error on NULL or unparsable input;
 * - inet_aton: strict dotted quad -> integer, NULL otherwise.
 * The other functions exist so that queries prepare; they are not exercised.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import initSqlJs, { type Database, type SqlValue } from "sql.js";
import { packageRoot } from "../../../src/package-root.js";

const SCHEMA = join(packageRoot(), "targets", "osquery", "schema");

/** Extra column every table gets in the harness, to tell which inserted row came back. */
export const ROW = "__row";

let sqlPromise: ReturnType<typeof initSqlJs> | null = null;

function utf8Bytes(s: string): string {
  return Buffer.from(s, "utf8").toString("latin1");
}

/** C-locale `\s` (JS would also take U+00A0, which is a UTF-8 continuation byte here). */
const SPACE = " \\t\\n\\v\\f\\r";

/** Rewrites a std::regex ECMAScript pattern for a JS RegExp over latin1-encoded UTF-8 bytes. */
function bytePattern(pattern: string): string {
  const p = utf8Bytes(pattern.replaceAll("[\\s\\S]", "[\\x00-\\xff]"));
  let out = "";
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === "\\") {
      const n = p[i + 1] ?? "";
      i++;
      if (n === "s") out += inClass ? SPACE : `[${SPACE}]`;
      else if (n === "S") {
        if (inClass) throw new Error("harness: \\S inside a class is not implemented");
        out += `[^${SPACE}]`;
      } else out += c + n;
      continue;
    }
    if (c === "[" && !inClass) {
      inClass = true;
      out += c;
      if (p[i + 1] === "^") out += p[++i];
      continue;
    }
    if (c === "]" && inClass) inClass = false;
    out += c;
  }
  return out;
}

/** std::regex ECMAScript searched over the UTF-8 bytes of the value (std::regex<char>). */
export function stdRegexSearch(value: string, pattern: string): string | null {
  const m = new RegExp(bytePattern(pattern)).exec(utf8Bytes(value));
  return m ? Buffer.from(m[0], "latin1").toString("utf8") : null;
}

function parseV4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  let n = 0;
  for (const part of m.slice(1)) {
    if (part.length > 1 && part.startsWith("0")) return null;
    const v = Number(part);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

function parseV6(s: string): bigint | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || !s.includes(":")) return null;
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string): number[] | null => {
    if (h === "") return [];
    const out: number[] = [];
    const parts = h.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseV4(p);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const a = groups(halves[0] as string);
  const b = halves.length === 2 ? groups(halves[1] as string) : [];
  if (!a || !b) return null;
  const fill = halves.length === 2 ? 8 - a.length - b.length : 0;
  if ((halves.length === 2 && fill < 1) || (halves.length === 1 && a.length !== 8)) return null;
  let n = 0n;
  for (const g of [...a, ...Array(fill).fill(0), ...b]) n = (n << 16n) | BigInt(g);
  return n;
}

function inCidrBlock(cidr: unknown, ip: unknown): number {
  if (typeof cidr !== "string") throw new Error("CIDR must be a string");
  if (typeof ip !== "string") throw new Error("IP address must be a string");
  const [net, lenText] = cidr.split("/");
  const v4 = parseV4(ip);
  if (v4 !== null) {
    const base = parseV4(net ?? "");
    const len = lenText === undefined ? 32 : Number(lenText);
    if (base === null || !(len >= 0 && len <= 32)) throw new Error("CIDR for IP address v4 cannot be parsed");
    const size = 2 ** (32 - len);
    const first = Math.floor(base / size) * size;
    if (len === 32) return ip === net || v4 === base ? 1 : 0;
    // hosts(): [network + 1, broadcast)
    return v4 > first && v4 < first + size - 1 ? 1 : 0;
  }
  const v6 = parseV6(ip);
  if (v6 === null) throw new Error("IP address cannot be parsed");
  const base = parseV6(net ?? "");
  const len = lenText === undefined ? 128 : Number(lenText);
  if (base === null || !(len >= 0 && len <= 128)) throw new Error("CIDR for IP address v6 cannot be parsed");
  const shift = BigInt(128 - len);
  return v6 >> shift === base >> shift ? 1 : 0;
}

function fn(arity: number, f: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
  Object.defineProperty(f, "length", { value: arity });
  return f;
}

function registerOsqueryFunctions(db: Database): void {
  const spec = JSON.parse(readFileSync(join(SCHEMA, "functions.json"), "utf8")) as { functions: Record<string, number[]> };
  const real: Record<string, (...a: unknown[]) => unknown> = {
    regex_match: (value, pattern, index) => {
      if (value === null || pattern === null || index === null) return null;
      if (Number(index) !== 0) throw new Error("harness: regex_match groups other than 0 are not implemented");
      return stdRegexSearch(String(value), String(pattern));
    },
    in_cidr_block: (cidr, ip) => inCidrBlock(cidr, ip),
    inet_aton: (ip) => (ip === null ? null : parseV4(String(ip)) ?? null),
  };
  for (const [name, arities] of Object.entries(spec.functions)) {
    for (const arity of arities) {
      const impl = real[name] ?? (() => null);
      db.create_function(name, fn(arity, impl) as (...a: SqlValue[]) => SqlValue);
    }
  }
}

/** A fresh database with every osquery table (plus the harness's row column) and osquery's functions. */
export async function openOsqueryDb(): Promise<Database> {
  sqlPromise ??= initSqlJs();
  const SQL = await sqlPromise;
  const db = new SQL.Database();
  const ddl = readFileSync(join(SCHEMA, "osquery-schema.sql"), "utf8").replace(/CREATE TABLE ("[^"]+") \(/g, `CREATE TABLE $1 (\n  "${ROW}" INTEGER,`);
  db.run(ddl);
  registerOsqueryFunctions(db);
  return db;
}

/** Prepares (compiles) a statement; returns the SQLite error message, or null when it prepares. */
export function prepareError(db: Database, sql: string): string | null {
  try {
    // Every statement (a rule split per platform has one query per platform).
    for (const stmt of db.iterateStatements(sql)) stmt.free();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

export function rows(db: Database, sql: string): Record<string, SqlValue>[] {
  const stmt = db.prepare(sql);
  const out: Record<string, SqlValue>[] = [];
  while (stmt.step()) out.push(stmt.getAsObject());
  stmt.free();
  return out;
}

export function insert(db: Database, table: string, row: Record<string, SqlValue>): void {
  const cols = Object.keys(row);
  db.run(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`, cols.map((c) => row[c] as SqlValue));
}
