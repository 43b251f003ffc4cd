/**
 * Microsoft Sentinel KQL target.
 *
 * Profiles: `asim` reads Microsoft's normalized ASIM parser functions
 * (imProcessCreate, imFileEvent, ...) with ASIM column names; `mde` reads the
 * Defender XDR advanced-hunting tables (DeviceProcessEvents, ...). Which table
 * or function a query reads, its computed columns, connectors and entity
 * columns are mapping data (fields/<profile>.yaml, `emit`).
 *
 * Per rule: the `.kql` query and, as its deploy file, the Sentinel scheduled
 * analytics rule `<outputStem>.yaml` in the Azure-Sentinel repository's
 * format (convert). No run-wide bundle.
 */
import { type Diagnostic, hasErrors, info } from "../../src/diagnostics/index.js";
import type { ConvertInput, ConvertResult, TargetDefinition } from "../../src/target.js";
import { buildQuery } from "./query.js";
import { buildAnalyticsRule, dumpAnalyticsRule } from "./rule-yaml.js";

const T = { target: "sentinel" } as const;

function convert(input: ConvertInput): ConvertResult {
  const { rule, document, mapping, profile } = input;
  const diagnostics: Diagnostic[] = [];
  const built = buildQuery(rule, document, mapping, profile, diagnostics);
  if (!built || hasErrors(diagnostics)) return { text: null, diagnostics };
  if (rule.suppression)
    diagnostics.push(info("SENTINEL301", "alert_suppression (grouping alerts per field for a duration) is not carried into the analytics rule", rule.suppression.span, T));
  const analytics = buildAnalyticsRule(rule, document, profile, built, built.text, diagnostics);
  // No analytics rule when the query is longer than Sentinel accepts (SENTINEL310): only the .kql.
  return { text: built.text + "\n", diagnostics, deployFiles: analytics ? [{ path: `${input.outputStem}.yaml`, content: dumpAnalyticsRule(analytics) }] : [] };
}

export const sentinel = {
  id: "sentinel",
  title: "Microsoft Sentinel KQL",
  extension: ".kql",
  profiles: [
    { name: "asim", description: "ASIM normalized parser functions (imProcessCreate, imFileEvent, ...) with ASIM columns", mapping: "fields/asim.yaml" },
    { name: "mde", description: "Microsoft Defender XDR advanced hunting tables (DeviceProcessEvents, ...)", mapping: "fields/mde.yaml" },
  ],
  defaultProfile: "asim",
  capabilities: {
    sequences: "partial",
    regex: true,
    cidr: true,
    caseSensitiveMatch: true,
    oneCharWildcard: true,
    threshold: true,
    newTerms: true,
    threatMatch: false,
  },
  convert,
} satisfies TargetDefinition;
