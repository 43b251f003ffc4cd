/**
 * Microsoft Sentinel KQL target (placeholder until the target lands: every rule is reported
 * as unsupported, honestly).
 */
import { unsupported } from "../../src/diagnostics/index.js";
import type { ConvertInput, ConvertResult, TargetDefinition } from "../../src/target.js";

export const sentinel = {
  id: "sentinel",
  title: "Microsoft Sentinel KQL",
  extension: ".kql",
  profiles: [
    { name: "asim", description: "ASIM normalized parser functions", mapping: "fields/asim.yaml" },
    { name: "mde", description: "Microsoft Defender XDR advanced hunting tables", mapping: "fields/mde.yaml" },
  ],
  defaultProfile: "asim",
  capabilities: { sequences: "no", regex: false, cidr: false, caseSensitiveMatch: false, oneCharWildcard: false, threshold: false, newTerms: false, threatMatch: false },
  convert(input: ConvertInput): ConvertResult {
    return { text: null, diagnostics: [unsupported("SENTINEL000", "the Microsoft Sentinel KQL target is not implemented yet", input.rule.query.span, { target: "sentinel" })] };
  },
} satisfies TargetDefinition;
