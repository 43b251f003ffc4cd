/**
 * The typed Elastic rule document: what the loader makes of a rule's TOML file.
 * Metadata travels to every target unchanged; the query is lowered to the IR
 * separately (see lower.ts).
 */
import type { Span } from "../ir/nodes.js";
import type { QuerySource } from "./source.js";

export interface ThreatTechnique {
  readonly id: string;
  readonly name: string;
  readonly reference: string;
  readonly subtechniques: readonly { readonly id: string; readonly name: string; readonly reference: string }[];
}

export interface Threat {
  readonly framework: string;
  readonly tactic: { readonly id: string; readonly name: string; readonly reference: string };
  readonly techniques: readonly ThreatTechnique[];
}

/** A Kibana filter object (`[[rule.filters]]`), kept as data; lower.ts folds it into the query. */
export interface KibanaFilter {
  readonly raw: Readonly<Record<string, unknown>>;
  readonly span: Span | null;
}

export interface RuleDocument {
  /** The path the user named (for messages and output paths). */
  readonly path: string;
  readonly metadata: {
    readonly creationDate: string | null;
    readonly updatedDate: string | null;
    readonly maturity: string | null;
    readonly deprecationDate: string | null;
    readonly deprecatedReason: string | null;
    readonly integration: readonly string[];
    readonly minStackVersion: string | null;
  };
  readonly ruleId: string;
  readonly name: string;
  readonly description: string;
  readonly author: readonly string[];
  readonly severity: string;
  readonly riskScore: number | null;
  readonly tags: readonly string[];
  /** `rule.type`: query, eql, threshold, new_terms, threat_match, esql, machine_learning, ... */
  readonly type: string;
  /** `rule.language`, or null when the rule has none (machine_learning). */
  readonly language: string | null;
  /** The query text and how its offsets map to the file; null when the rule has no query. */
  readonly query: QuerySource | null;
  readonly querySpan: Span | null;
  readonly index: readonly string[];
  readonly from: string | null;
  readonly interval: string | null;
  readonly maxSignals: number | null;
  readonly references: readonly string[];
  readonly falsePositives: readonly string[];
  readonly note: string | null;
  readonly setup: string | null;
  readonly license: string | null;
  readonly timestampOverride: string | null;
  readonly eventCategoryOverride: string | null;
  readonly buildingBlockType: string | null;
  readonly threat: readonly Threat[];
  readonly threshold: {
    readonly field: readonly string[];
    readonly value: number;
    readonly cardinality: readonly { readonly field: string; readonly value: number }[];
    readonly span: Span | null;
  } | null;
  readonly newTerms: { readonly fields: readonly string[]; readonly historyWindowStart: string; readonly span: Span | null } | null;
  readonly filters: readonly KibanaFilter[];
  /** `threat_filters`: Kibana filters on the indicator documents of a threat_match rule. */
  readonly threatFilters: readonly KibanaFilter[];
  readonly threatIndex: readonly string[];
  readonly threatQuery: QuerySource | null;
  readonly threatLanguage: string | null;
  readonly threatIndicatorPath: string | null;
  readonly threatMapping: readonly (readonly { readonly field: string; readonly type: string; readonly value: string }[])[];
  readonly threatMappingSpan: Span | null;
  readonly alertSuppression: {
    readonly groupBy: readonly string[];
    readonly duration: { readonly value: number; readonly unit: string } | null;
    readonly missingFieldsStrategy: string | null;
    readonly span: Span | null;
  } | null;
  readonly investigationFields: readonly string[];
  readonly machineLearningJobId: readonly string[];
  readonly requiredFields: readonly { readonly name: string; readonly type: string }[];
  readonly relatedIntegrations: readonly { readonly package: string; readonly version: string; readonly integration: string | null }[];
  /** The whole parsed TOML, for keys that only some targets use. */
  readonly raw: Readonly<Record<string, unknown>>;
  /** Where each dotted key path starts in the file (`rule.query`, `rule.threat`, ...), for diagnostics. */
  readonly keySpans: ReadonlyMap<string, Span>;
}
