/**
 * The EQL functions with Elasticsearch's null behaviour, as documented in the
 * EQL function reference (elasticsearch docs/reference/query-languages/eql/
 * eql-function-ref.md). Every function returns null when a required argument
 * is null. Values are JSON scalars; `EqlValue` is what an expression yields.
 */
import type { FunctionName } from "../ir/nodes.js";

export type EqlValue = string | number | boolean | null;

/** A number that came from an integer literal or integer field stays an integer in arithmetic. */
const isInt = (x: number): boolean => Number.isInteger(x);

/** Java-like string form: integers without a fraction, booleans as true/false. */
export function eqlString(v: EqlValue): string | null {
  if (v === null) return null;
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  return String(v);
}

function num(v: EqlValue): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  return null;
}

function str(v: EqlValue): string | null {
  if (v === null) return null;
  return eqlString(v);
}

/** Lowercasing as the scripted `~` variants do (Java `toLowerCase(Locale.ROOT)`). */
const lower = (s: string): string => s.toLowerCase();

export function arith(op: "+" | "-" | "*" | "/" | "%", a: EqlValue, b: EqlValue): EqlValue {
  const x = num(a);
  const y = num(b);
  if (x === null || y === null) return null;
  switch (op) {
    case "+":
      return x + y;
    case "-":
      return x - y;
    case "*":
      return x * y;
    case "/":
      if (y === 0) return null;
      // Integer division truncates (Java); "divide(4, 3) returns 1".
      return isInt(x) && isInt(y) ? Math.trunc(x / y) : x / y;
    case "%":
      if (y === 0) return null;
      return x % y;
  }
}

/** IPv4 or IPv6 address to a 128-bit bigint (IPv4 as IPv4-mapped), or null. */
export function parseIp(s: string): bigint | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    let n = 0n;
    for (let i = 1; i <= 4; i++) {
      const o = Number(v4[i]);
      if (o > 255) return null;
      n = (n << 8n) | BigInt(o);
    }
    return (0xffffn << 32n) | n;
  }
  if (!s.includes(":")) return null;
  let text = s;
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  let tail: bigint[] = [];
  // Embedded IPv4 in the last 32 bits.
  const m4 = /^(.*:)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(text);
  if (m4) {
    const v = parseIp(m4[2] as string);
    if (v === null) return null;
    const low = v & 0xffffffffn;
    tail = [low >> 16n, low & 0xffffn];
    text = (m4[1] as string).endsWith("::") ? (m4[1] as string) : (m4[1] as string).slice(0, -1);
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (p: string): bigint[] | null => {
    if (p === "") return [];
    const groups = p.split(":");
    const out: bigint[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const head = parse(halves[0] as string);
  const rest = halves.length === 2 ? parse(halves[1] as string) : [];
  if (!head || !rest) return null;
  const total = head.length + rest.length + tail.length;
  if (halves.length === 1 && total !== 8) return null;
  if (halves.length === 2 && total > 7) return null;
  const groups = [...head, ...Array<bigint>(8 - total).fill(0n), ...rest, ...tail];
  let n = 0n;
  for (const g of groups) n = (n << 16n) | g;
  return n;
}

export interface Cidr {
  readonly base: bigint;
  readonly mask: bigint;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128 block). */
const cidrCache = new Map<string, Cidr | null>();

export function parseCidr(s: string): Cidr | null {
  let c = cidrCache.get(s);
  if (c === undefined) {
    c = parseCidrUncached(s);
    cidrCache.set(s, c);
  }
  return c;
}

function parseCidrUncached(s: string): Cidr | null {
  const slash = s.indexOf("/");
  const addr = slash >= 0 ? s.slice(0, slash) : s;
  const ip = parseIp(addr);
  if (ip === null) return null;
  const isV4 = !addr.includes(":");
  const width = isV4 ? 32 : 128;
  const prefix = slash >= 0 ? Number(s.slice(slash + 1)) : width;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > width) return null;
  const bits = BigInt((isV4 ? 96 : 0) + prefix);
  const mask = bits === 0n ? 0n : ((1n << 128n) - 1n) ^ ((1n << (128n - bits)) - 1n);
  return { base: ip & mask, mask };
}

export function inCidr(ip: string, cidr: Cidr): boolean {
  const v = parseIp(ip);
  return v !== null && (v & cidr.mask) === cidr.base;
}

/** Calls an EQL function on already-evaluated arguments. */
export function callFunction(name: FunctionName, args: readonly EqlValue[], caseInsensitive: boolean): EqlValue {
  const a0 = args[0] ?? null;
  const a1 = args[1] ?? null;
  switch (name) {
    case "add":
      return arith("+", a0, a1);
    case "subtract":
      return arith("-", a0, a1);
    case "multiply":
      return arith("*", a0, a1);
    case "divide":
      return arith("/", a0, a1);
    case "modulo":
      return arith("%", a0, a1);
    case "between": {
      const s = str(a0);
      const left = str(a1);
      const right = str(args[2] ?? null);
      if (s === null || left === null || right === null) return null;
      const greedy = args[3] === true;
      const hay = caseInsensitive ? lower(s) : s;
      const l = caseInsensitive ? lower(left) : left;
      const r = caseInsensitive ? lower(right) : right;
      const i = hay.indexOf(l);
      if (i < 0) return "";
      const start = i + l.length;
      const end = greedy ? hay.lastIndexOf(r) : hay.indexOf(r, start);
      if (end < start) return "";
      return s.slice(start, end);
    }
    case "cidrMatch": {
      const ip = str(a0);
      if (ip === null) return null;
      let any = false;
      for (const c of args.slice(1)) {
        const cs = str(c);
        if (cs === null) return null;
        const cidr = parseCidr(cs);
        if (cidr && inCidr(ip, cidr)) any = true;
      }
      return any;
    }
    case "concat": {
      let out = "";
      for (const a of args) {
        const s = str(a);
        if (s === null) return null;
        out += s;
      }
      return out;
    }
    case "endsWith":
    case "startsWith": {
      const s = str(a0);
      const sub = str(a1);
      if (s === null || sub === null) return null;
      const x = caseInsensitive ? lower(s) : s;
      const y = caseInsensitive ? lower(sub) : sub;
      return name === "startsWith" ? x.startsWith(y) : x.endsWith(y);
    }
    case "indexOf": {
      const s = str(a0);
      const sub = str(a1);
      if (s === null || sub === null) return null;
      let start = 0;
      if (args.length > 2) {
        const st = num(args[2] ?? null);
        if (st === null) return null;
        start = Math.max(0, Math.trunc(st));
      }
      if (start > s.length) return null;
      const x = caseInsensitive ? lower(s) : s;
      const y = caseInsensitive ? lower(sub) : sub;
      const i = x.indexOf(y, start);
      return i < 0 ? null : i;
    }
    case "length": {
      const s = str(a0);
      return s === null ? null : s.length;
    }
    case "number": {
      const s = str(a0);
      if (s === null) return null;
      const t = s.trim();
      const baseArg = args.length > 1 ? num(a1) : null;
      const hex = /^([+-]?)0[xX]([0-9a-fA-F]+)$/.exec(t);
      if (hex && (baseArg === null || baseArg === 16)) return (hex[1] === "-" ? -1 : 1) * parseInt(hex[2] as string, 16);
      if (baseArg !== null && baseArg !== 10) {
        const digits = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, baseArg);
        const m = new RegExp(`^[+-]?[${digits}]+$`, "i").exec(t);
        return m ? parseInt(t, baseArg) : null;
      }
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
      return Number(t);
    }
    case "string":
      return str(a0);
    case "stringContains": {
      const s = str(a0);
      const sub = str(a1);
      if (s === null || sub === null) return null;
      // The function reference: `stringContains("", "")` and `stringContains(field, "")` return false.
      if (sub === "") return false;
      const x = caseInsensitive ? lower(s) : s;
      const y = caseInsensitive ? lower(sub) : sub;
      return x.includes(y);
    }
    case "substring": {
      const s = str(a0);
      if (s === null) return null;
      const st = num(a1);
      if (st === null) return null;
      const len = s.length;
      const norm = (i: number): number => {
        const t = Math.trunc(i);
        return t < 0 ? Math.max(0, len + t) : Math.min(t, len);
      };
      const from = norm(st);
      let to = len;
      if (args.length > 2 && args[2] !== null && args[2] !== undefined) {
        const e = num(args[2]);
        if (e === null) return null;
        to = norm(e);
      }
      return from >= to ? "" : s.slice(from, to);
    }
  }
}
