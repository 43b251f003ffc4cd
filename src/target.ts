/**
 * The contract every backend in targets/<id>/ fulfils. A target is one value
 * checked with `satisfies TargetDefinition`; the CLI and the golden harness
 * know targets only through this contract.
 */
import type { RuleIR } from "./ir/nodes.js";
import type { Diagnostic } from "./diagnostics/index.js";
import type { RuleDocument } from "./frontend/rule-document.js";
import type { MappingSpec } from "./mapping/index.js";

/** Target ids: single lowercase words, used for folders, goldens, CLI flags and diagnostics. */
export type TargetId = "sigma" | "splunk" | "sentinel" | "osquery";
export const TARGET_IDS: readonly TargetId[] = ["sigma", "splunk", "sentinel", "osquery"];

/** What a target can express; the capability matrix in docs/ is generated from these. */
export interface Capabilities {
  readonly sequences: "yes" | "partial" | "no";
  readonly regex: boolean;
  readonly cidr: boolean;
  readonly caseSensitiveMatch: boolean;
  readonly oneCharWildcard: boolean;
  readonly threshold: boolean;
  readonly newTerms: boolean;
  readonly threatMatch: boolean;
}

export interface ProfileDefinition {
  readonly name: string;
  readonly description: string;
  /** The bundled field-mapping file for this profile, relative to the target's folder. */
  readonly mapping: string;
}

/** A file a target writes: `path` is relative to the target's output folder. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

export interface ConvertInput {
  readonly rule: RuleIR;
  readonly document: RuleDocument;
  readonly profile: string;
  /** The field mapping in force: the bundled one, with the user's overrides merged in. */
  readonly mapping: MappingSpec;
  /** The per-rule output's path, relative to the target's output folder, without extension (e.g. `windows/my_rule`). */
  readonly outputStem: string;
  /** A user folder whose `<target>/<name>` files replace the bundled templates (`--templates`); use loadTemplate() from src/templates.ts. */
  readonly templateDir?: string | null;
}

export interface ConvertResult {
  /** The per-rule output text, or null when the rule could not be converted. Never partial. */
  readonly text: string | null;
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Data the target's `bundle` step collects from each converted rule (a
   * stanza, a pack entry). It must be plain, structured-cloneable data (no
   * functions, Maps or class instances): with --jobs it crosses worker threads.
   */
  readonly bundleEntry?: unknown;
  /**
   * Deploy-format files that belong to this rule alone (a Sentinel analytics
   * rule), paths relative to the target's output folder. Written right after
   * the per-rule output and only if it was written, so they do not wait for
   * the end of the run; listed among the run's deploy files.
   */
  readonly deployFiles?: readonly OutputFile[];
}

export interface TargetDefinition {
  readonly id: TargetId;
  readonly title: string;
  /** Extension of the per-rule output, with its dot (`.yml`). */
  readonly extension: string;
  readonly profiles: readonly ProfileDefinition[];
  readonly defaultProfile: string;
  readonly capabilities: Capabilities;
  /** Translates one rule. Pure: no file system, no clock, no randomness. */
  convert(input: ConvertInput): ConvertResult;
  /**
   * Deploy-format files built from every converted rule of a run (a
   * savedsearches.conf, an osquery pack), in the order the rules were given.
   */
  bundle?(entries: readonly { readonly outputStem: string; readonly entry: unknown }[], profile: string, templateDir?: string | null): readonly OutputFile[];
}
