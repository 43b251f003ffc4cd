/**
 * Sigma target (placeholder until the target lands: every rule is reported
 * as unsupported, honestly).
 */
import { unsupported } from "../../src/diagnostics/index.js";
import type { ConvertInput, ConvertResult, TargetDefinition } from "../../src/target.js";

export const sigma = {
  id: "sigma",
  title: "Sigma",
  extension: ".yml",
  profiles: [
    { name: "default", description: "Sigma taxonomy field names (SigmaHQ)", mapping: "fields/default.yaml" },
  ],
  defaultProfile: "default",
  capabilities: { sequences: "no", regex: false, cidr: false, caseSensitiveMatch: false, oneCharWildcard: false, threshold: false, newTerms: false, threatMatch: false },
  convert(input: ConvertInput): ConvertResult {
    return { text: null, diagnostics: [unsupported("SIGMA000", "the Sigma target is not implemented yet", input.rule.query.span, { target: "sigma" })] };
  },
} satisfies TargetDefinition;
