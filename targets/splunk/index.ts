/**
 * Splunk SPL target.
 *
 * Profiles (field and source mappings are YAML data in fields/):
 * - `cim`: `| tstats ... from datamodel=<Model>.<Dataset> where ...` over the
 *   Common Information Model, as Splunk's own security content writes
 *   detections; data sources CIM does not model fall back to raw searches.
 * - `sysmon`: raw searches over Windows Sysmon and Security event logs (and
 *   Sysmon for Linux / auditd) with their native field names.
 *
 * Each rule becomes one `.spl` search; `bundle` writes savedsearches.conf.
 */
import { warning } from "../../src/diagnostics/index.js";
import type { ConvertInput, ConvertResult, TargetDefinition } from "../../src/target.js";
import { bundleSavedSearches, stanzaEntry } from "./bundle.js";
import { convertRule } from "./convert.js";
import { cronOf } from "./syntax.js";

/** The cron schedule of an Elastic interval; cron cannot state every interval, so some are approximated with a warning. */
function schedule(interval: string, span: ConvertInput["rule"]["query"]["span"]): { cron: string; diagnostic: ReturnType<typeof warning> | null } {
  const exact = cronOf(interval);
  if (exact) return { cron: exact, diagnostic: null };
  const m = /^(\d+)m$/.exec(interval.trim());
  const n = m ? Number(m[1]) : NaN;
  if (n > 0 && n < 60) {
    return { cron: `*/${n} * * * *`, diagnostic: warning("SPLUNK062", `approximation: interval ${interval} does not divide an hour; cron \`*/${n}\` restarts at each full hour`, span, { target: "splunk" }) };
  }
  return { cron: "*/5 * * * *", diagnostic: warning("SPLUNK062", `interval ${interval} has no cron counterpart; the saved search runs every 5 minutes`, span, { target: "splunk" }) };
}

export const splunk = {
  id: "splunk",
  title: "Splunk SPL",
  extension: ".spl",
  profiles: [
    { name: "cim", description: "Splunk Common Information Model data models via tstats", mapping: "fields/cim.yaml" },
    { name: "sysmon", description: "raw Windows Sysmon / Security events with native field names", mapping: "fields/sysmon.yaml" },
  ],
  defaultProfile: "cim",
  capabilities: { sequences: "partial", regex: true, cidr: true, caseSensitiveMatch: true, oneCharWildcard: true, threshold: true, newTerms: false, threatMatch: false },
  convert(input: ConvertInput): ConvertResult {
    const r = convertRule(input.rule, input.document, input.mapping);
    if (r.text === null) return { text: null, diagnostics: r.diagnostics };
    const s = schedule(input.rule.schedule.interval, input.document.keySpans.get("rule.interval") ?? input.rule.query.span);
    const diagnostics = s.diagnostic ? [...r.diagnostics, s.diagnostic] : r.diagnostics;
    return { text: r.text, diagnostics, bundleEntry: stanzaEntry(input.document, r.text, s.cron, r.earliest) };
  },
  bundle(entries, _profile, templateDir) {
    return bundleSavedSearches(entries, templateDir);
  },
} satisfies TargetDefinition;
