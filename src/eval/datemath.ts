/**
 * Elasticsearch date math (`now-30d`, `now/d`, `2024-01-01||+1M/d`) in UTC,
 * evaluated against a given `now` (the evaluator never reads the clock).
 */

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, H: 3_600_000, d: 86_400_000, w: 604_800_000 };

function add(t: number, n: number, unit: string): number | null {
  if (unit === "y" || unit === "M") {
    const d = new Date(t);
    if (unit === "y") d.setUTCFullYear(d.getUTCFullYear() + n);
    else d.setUTCMonth(d.getUTCMonth() + n);
    return d.getTime();
  }
  const ms = UNIT_MS[unit];
  return ms === undefined ? null : t + n * ms;
}

function roundDown(t: number, unit: string): number | null {
  const d = new Date(t);
  switch (unit) {
    case "y":
      return Date.UTC(d.getUTCFullYear(), 0, 1);
    case "M":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case "w": {
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
      return day - dow * 86_400_000;
    }
    case "d":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    default: {
      const ms = UNIT_MS[unit];
      return ms === undefined ? null : Math.floor(t / ms) * ms;
    }
  }
}

/** Epoch ms of a date math expression, or null when it is not one. */
export function parseDateMath(expr: string, now: number): number | null {
  let anchor: number;
  let rest: string;
  if (expr.startsWith("now")) {
    anchor = now;
    rest = expr.slice(3);
  } else {
    const bar = expr.indexOf("||");
    const base = bar >= 0 ? expr.slice(0, bar) : expr;
    rest = bar >= 0 ? expr.slice(bar + 2) : "";
    const t = /^-?\d+$/.test(base) ? Number(base) : Date.parse(base);
    if (Number.isNaN(t)) return null;
    anchor = t;
  }
  let t: number | null = anchor;
  const re = /([+-])(\d+)([yMwdhHms])|\/([yMwdhHms])/y;
  let i = 0;
  while (i < rest.length && t !== null) {
    re.lastIndex = i;
    const m = re.exec(rest);
    if (!m) return null;
    i = re.lastIndex;
    if (m[4]) t = roundDown(t, m[4]);
    else t = add(t, (m[1] === "-" ? -1 : 1) * Number(m[2]), m[3] as string);
  }
  return t;
}
