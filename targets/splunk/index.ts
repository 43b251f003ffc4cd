/**
 * Splunk SPL target (placeholder until the target lands: every rule is reported
 * as unsupported, honestly).
 */
import { unsupported } from "../../src/diagnostics/index.js";
import type { ConvertInput, ConvertResult, TargetDefinition } from "../../src/target.js";

export const splunk = {
  id: "splunk",
  title: "Splunk SPL",
  extension: ".spl",
  profiles: [
    { name: "cim", description: "Splunk Common Information Model data models via tstats", mapping: "fields/cim.yaml" },
    { name: "sysmon", description: "raw Windows Sysmon / Security events with native field names", mapping: "fields/sysmon.yaml" },
  ],
  defaultProfile: "cim",
  capabilities: { sequences: "no", regex: false, cidr: false, caseSensitiveMatch: false, oneCharWildcard: false, threshold: false, newTerms: false, threatMatch: false },
  convert(input: ConvertInput): ConvertResult {
    return { text: null, diagnostics: [unsupported("SPLUNK000", "the Splunk SPL target is not implemented yet", input.rule.query.span, { target: "splunk" })] };
  },
} satisfies TargetDefinition;
