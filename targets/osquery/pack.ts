/**
 * osquery packs: one JSON file per platform with every converted rule's query
 * (`queries: { <name>: { query, interval, platform, description, snapshot | removed } }`).
 * Built as objects and serialised with JSON.stringify: deterministic (rules in
 * the order given, keys in a fixed order), never assembled from strings.
 */
import type { Span } from "../../src/ir/nodes.js";
import { type Diagnostic, warning } from "../../src/diagnostics/index.js";
import type { RuleDocument } from "../../src/frontend/rule-document.js";
import type { OutputFile } from "../../src/target.js";
import type { Platform } from "./emit.js";

export interface PackEntry {
  readonly name: string;
  readonly ruleId: string;
  readonly query: string;
  readonly interval: number;
  readonly platform: Platform;
  /** The operating system of one query of a rule split per platform (for the test harness). */
  readonly os?: string;
  readonly description: string;
  /** Live profile: report the full result each run; events profile: only added rows. */
  readonly snapshot: boolean;
  /** The pack's description line (packDescription of the rule document): plain data, so entries cross worker threads. */
  readonly packDescription: string;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const DEFAULT_INTERVAL = 300;

/** A rule's `interval` (`5m`) in seconds, osquery's schedule unit. */
export function scheduleSeconds(interval: string, span: Span): { interval: number; diagnostic: Diagnostic | null } {
  const m = /^(\d+)([smhd])$/.exec(interval.trim());
  if (!m) return { interval: DEFAULT_INTERVAL, diagnostic: warning("OSQUERY301", `rule interval \`${interval}\` is not a number with s/m/h/d; the query is scheduled every ${DEFAULT_INTERVAL} seconds`, span, { target: "osquery" }) };
  return { interval: Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number), diagnostic: null };
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** One line: name, severity/risk, ATT&CK ids, rule id. */
export function packDescription(doc: RuleDocument): string {
  const attack = doc.threat.flatMap((t) => [t.tactic.id, ...t.techniques.flatMap((x) => [x.id, ...x.subtechniques.map((s) => s.id)])]).filter((x) => x !== "");
  const parts = [oneLine(doc.name), `severity ${doc.severity || "unknown"}${doc.riskScore !== null ? `, risk ${doc.riskScore}` : ""}`];
  if (attack.length) parts.push(`ATT&CK ${[...new Set(attack)].join(" ")}`);
  parts.push(`rule ${doc.ruleId}`);
  return parts.join(" | ");
}

export function buildPacks(entries: readonly PackEntry[], profile: string): OutputFile[] {
  const byPlatform = new Map<Platform, PackEntry[]>();
  for (const e of entries) byPlatform.set(e.platform, [...(byPlatform.get(e.platform) ?? []), e]);
  const files: OutputFile[] = [];
  for (const platform of [...byPlatform.keys()].sort()) {
    const queries: Record<string, unknown> = {};
    for (const e of byPlatform.get(platform) ?? []) {
      let name = e.name.replace(/[^A-Za-z0-9_.-]/g, "_") || "rule";
      if (Object.hasOwn(queries, name)) name = `${name}_${e.ruleId.slice(0, 8)}`;
      for (let i = 2; Object.hasOwn(queries, name); i++) name = `${name}_${i}`;
      queries[name] = {
        query: e.query,
        interval: e.interval,
        platform: e.platform,
        description: e.packDescription,
        ...(e.snapshot ? { snapshot: true } : { removed: false }),
      };
    }
    const pack = { platform, queries };
    files.push({ path: `packs/ruleport-${profile}-${platform}.json`, content: `${JSON.stringify(pack, null, 2)}\n` });
  }
  return files;
}
