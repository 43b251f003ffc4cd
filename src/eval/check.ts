/**
 * Evaluates an event file the way `ruleport eval` and the self-consistency
 * check do: events with the same `_stream` are evaluated on their own (a
 * stream is one scenario), all other events together; then every `_expect`
 * is compared with the result. An event matches when some alert contains it;
 * a stream's verdict sits on its last event.
 */
import type { RuleIR } from "../ir/nodes.js";
import type { Diagnostic } from "../diagnostics/index.js";
import { evaluate } from "./evaluate.js";

export interface Verdict {
  /** 0-based index of the event carrying `_expect`. */
  readonly index: number;
  readonly expected: boolean;
  readonly actual: boolean;
  readonly why: string;
  readonly stream: string | null;
}

export interface CheckResult {
  /** Alerts as 0-based indexes into the given events, ordered by their first event. */
  readonly alerts: { events: number[] }[];
  readonly verdicts: Verdict[];
  readonly diagnostics: Diagnostic[];
}

function stripMeta(e: Record<string, unknown>): Record<string, unknown> {
  if (!("_expect" in e) && !("_stream" in e)) return e;
  const { _expect, _stream, ...rest } = e;
  void _expect;
  void _stream;
  return rest;
}

export function checkEvents(rule: RuleIR, events: readonly Record<string, unknown>[]): CheckResult {
  const units = new Map<string | null, number[]>();
  events.forEach((e, i) => {
    const s = typeof e["_stream"] === "string" ? (e["_stream"] as string) : null;
    let list = units.get(s);
    if (!list) units.set(s, (list = []));
    list.push(i);
  });
  const alerts: { events: number[] }[] = [];
  const diagnostics: Diagnostic[] = [];
  const inAlert = new Set<number>();
  const seenDiag = new Set<string>();
  for (const [, idxs] of units) {
    const r = evaluate(
      rule,
      idxs.map((i) => stripMeta(events[i] as Record<string, unknown>)),
    );
    for (const d of r.diagnostics) {
      const k = `${d.code}|${d.message}`;
      if (!seenDiag.has(k)) {
        seenDiag.add(k);
        diagnostics.push(d);
      }
    }
    for (const a of r.alerts) {
      const mapped = a.events.map((j) => idxs[j] as number);
      mapped.forEach((m) => inAlert.add(m));
      alerts.push({ events: mapped });
    }
  }
  alerts.sort((a, b) => (a.events[0] ?? 0) - (b.events[0] ?? 0));
  const verdicts: Verdict[] = [];
  events.forEach((e, i) => {
    const exp = e["_expect"];
    if (typeof exp !== "object" || exp === null || typeof (exp as { match?: unknown }).match !== "boolean") return;
    const x = exp as { match: boolean; why?: unknown };
    verdicts.push({
      index: i,
      expected: x.match,
      actual: inAlert.has(i),
      why: typeof x.why === "string" ? x.why : "",
      stream: typeof e["_stream"] === "string" ? (e["_stream"] as string) : null,
    });
  });
  return { alerts, verdicts, diagnostics };
}
