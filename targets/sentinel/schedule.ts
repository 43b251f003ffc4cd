/**
 * Elastic schedules -> Sentinel's queryFrequency / queryPeriod.
 * Sentinel accepts 5 minutes .. 14 days for both, queryPeriod >= queryFrequency,
 * and a queryPeriod of 2 days or more needs a queryFrequency of at least 1 hour
 * (Azure-Sentinel template validation, shared/schemas/sentinel x-crossFieldRules).
 */
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export const MIN_MS = 5 * 60_000;
export const MAX_MS = 14 * 86_400_000;
const HOUR = 3_600_000;
const TWO_DAYS = 2 * 86_400_000;

/** `5m`, `1h`, `30s`, `2d` -> milliseconds; null when not a plain duration. */
export function durationMs(text: string): number | null {
  const m = /^\s*(\d+)\s*([smhd])\s*$/.exec(text);
  return m ? Number(m[1]) * (UNIT_MS[m[2] as string] as number) : null;
}

/** `now-9m` -> 9 minutes; null when not of that form. */
export function lookbackMs(from: string): number | null {
  const m = /^\s*now\s*-\s*(\d+\s*[smhd])\s*$/.exec(from);
  return m ? durationMs(m[1] as string) : null;
}

/** Sentinel's spelling: whole days, else whole hours, else minutes (rounded up). */
export function formatSpan(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  return `${Math.ceil(ms / 60_000)}m`;
}

/** A KQL timespan literal for `ago()`. */
export function kqlSpan(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export interface Schedule {
  readonly frequencyMs: number;
  readonly periodMs: number;
  /** What had to change to fit Sentinel's limits (each becomes a warning). */
  readonly adjustments: readonly string[];
}

/**
 * `interval` runs the rule, `lookback` is how far each run reads (Elastic `from`),
 * `minPeriod` what the query itself needs (new_terms history).
 */
export function fitSchedule(intervalMs: number, lookback: number, minPeriod = 0): Schedule {
  const adjustments: string[] = [];
  let freq = intervalMs;
  if (freq < MIN_MS) {
    adjustments.push(`the interval ${formatSpan(intervalMs)} is below Sentinel's 5-minute minimum; the rule runs every 5m`);
    freq = MIN_MS;
  }
  if (freq > MAX_MS) {
    adjustments.push(`the interval is above Sentinel's 14-day maximum; the rule runs every 14d`);
    freq = MAX_MS;
  }
  let period = Math.max(lookback, freq, minPeriod, MIN_MS);
  if (lookback < freq) adjustments.push(`the look-back (${formatSpan(lookback)}) is shorter than the run frequency; each run reads ${formatSpan(period)}`);
  if (period > MAX_MS) {
    adjustments.push(`the look-back is above Sentinel's 14-day maximum; each run reads 14d`);
    period = MAX_MS;
  }
  if (period >= TWO_DAYS && freq < HOUR) {
    adjustments.push(`Sentinel requires a frequency of at least 1h when a run reads 2 days or more; the rule runs every 1h instead of ${formatSpan(freq)}`);
    freq = HOUR;
  }
  return { frequencyMs: freq, periodMs: period, adjustments };
}
