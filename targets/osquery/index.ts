/**
 * osquery SQL target (placeholder until the target lands: every rule is reported
 * as unsupported, honestly).
 */
import { unsupported } from "../../src/diagnostics/index.js";
import type { ConvertInput, ConvertResult, TargetDefinition } from "../../src/target.js";

export const osquery = {
  id: "osquery",
  title: "osquery SQL",
  extension: ".sql",
  profiles: [
    { name: "events", description: "evented tables (process_events, process_etw_events, ...)", mapping: "fields/events.yaml" },
    { name: "live", description: "state tables for live hunting (processes, ...)", mapping: "fields/live.yaml" },
  ],
  defaultProfile: "events",
  capabilities: { sequences: "no", regex: false, cidr: false, caseSensitiveMatch: false, oneCharWildcard: false, threshold: false, newTerms: false, threatMatch: false },
  convert(input: ConvertInput): ConvertResult {
    return { text: null, diagnostics: [unsupported("OSQUERY000", "the osquery SQL target is not implemented yet", input.rule.query.span, { target: "osquery" })] };
  },
} satisfies TargetDefinition;
