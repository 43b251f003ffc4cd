/**
 * CIDR blocks for EQL `cidrMatch` (and KQL ip ranges), as osquery SQL.
 *
 * IPv4 blocks compare `inet_aton(ip)` (osquery: IPv4 text -> integer, NULL for
 * IPv6 or anything unparsable) with the block's first and last address. This is
 * exact and cannot fail. osquery's `in_cidr_block(cidr, ip)` is not used for
 * IPv4: it tests boost's `network_v4::hosts()`, which leaves out the network and
 * broadcast addresses of blocks shorter than /31, and it raises an error (ending
 * the query) on NULL or non-IP text.
 * IPv6 blocks use `in_cidr_block`, guarded so that only text with a `:` reaches it.
 */

export type Cidr =
  | { readonly family: 4; readonly first: number; readonly last: number; readonly text: string }
  | { readonly family: 6; readonly text: string };

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

function isV6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || !s.includes(":")) return false;
  const dbl = s.split("::").length - 1;
  if (dbl > 1) return false;
  const groups = s.split(":").filter((g) => g !== "");
  const last = groups[groups.length - 1] ?? "";
  const v4tail = last.includes(".");
  if (v4tail && parseV4(last) === null) return false;
  const hexGroups = v4tail ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const count = hexGroups.length + (v4tail ? 2 : 0);
  return dbl === 1 ? count < 8 : count === 8;
}

/** Parses `a.b.c.d/n`, `a.b.c.d`, `x:y::z/n` or `x:y::z`; null when it is not a block. */
export function parseCidr(text: string): Cidr | null {
  const [addr, len, ...rest] = text.split("/");
  if (addr === undefined || rest.length > 0) return null;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return null;
  const v4 = parseV4(addr);
  if (v4 !== null) {
    const bits = len === undefined ? 32 : Number(len);
    if (bits > 32) return null;
    const size = 2 ** (32 - bits);
    const first = Math.floor(v4 / size) * size;
    return { family: 4, first, last: first + size - 1, text };
  }
  if (isV6(addr)) {
    const bits = len === undefined ? 128 : Number(len);
    if (bits > 128) return null;
    return { family: 6, text: len === undefined ? `${addr}/128` : text };
  }
  return null;
}
