/**
 * The pure pipeline: rule text -> document -> IR -> each requested target.
 * No file system (beyond the bundled mapping data), no clock, no randomness.
 */
import type { RuleIR, Span } from "./ir/nodes.js";
import { type Diagnostic, SourceFile, statusOf, type Status } from "./diagnostics/index.js";
import { loadRule } from "./frontend/load-rule.js";
import { lowerRule } from "./frontend/lower.js";
import type { RuleDocument } from "./frontend/rule-document.js";
import { loadBundledMapping, type MappingSpec } from "./mapping/index.js";
import { getTarget } from "./targets.js";
import { type ConvertResult, TARGET_IDS, type TargetDefinition } from "./target.js";

export interface TargetRequest {
  readonly target: TargetDefinition;
  readonly profile: string;
  /** The mapping in force; defaults to the profile's bundled mapping. */
  readonly mapping?: MappingSpec;
}

export interface TargetOutcome {
  readonly target: TargetDefinition;
  readonly profile: string;
  readonly status: Status;
  readonly result: ConvertResult;
}

export interface CompiledRule {
  readonly source: SourceFile;
  readonly document: RuleDocument | null;
  readonly ir: RuleIR | null;
  /** Loading and parsing diagnostics. */
  readonly parseDiagnostics: readonly Diagnostic[];
  readonly parseStatus: Status;
  readonly outcomes: readonly TargetOutcome[];
}

/** Parses a rule file's text into its document and IR. */
export function parseRule(path: string, text: string): Omit<CompiledRule, "outcomes"> {
  let loaded: ReturnType<typeof loadRule>;
  try {
    loaded = loadRule(path, text);
  } catch (e) {
    // a loader bug must not stop a batch: an internal error on this rule
    return { source: new SourceFile(path, text), document: null, ir: null, parseDiagnostics: [internal("the rule loader", e, null)], parseStatus: "error" };
  }
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const document = loaded.value.document;
  let ir: RuleIR | null = null;
  if (document && !diagnostics.some((d) => d.severity === "error")) {
    try {
      const lowered = lowerRule(document);
      diagnostics.push(...lowered.diagnostics);
      ir = lowered.value;
    } catch (e) {
      diagnostics.push(internal("the query frontend", e, document.querySpan));
    }
  }
  let parseStatus = statusOf(diagnostics);
  if (parseStatus === "ok" && !ir) parseStatus = "error";
  return { source: loaded.value.source, document, ir, parseDiagnostics: diagnostics, parseStatus };
}

function internal(where: string, e: unknown, span: Span | null): Diagnostic {
  const stack = String((e as Error)?.stack ?? e);
  const what = e instanceof RangeError ? `the rule is nested too deeply for this process's stack (${stack})` : stack;
  return { code: "INTERNAL", severity: "error", message: `internal error in ${where}: ${what}`, span };
}

/** The bundled mapping of a target profile. */
export function bundledMapping(target: TargetDefinition, profile: string): MappingSpec {
  const p = target.profiles.find((x) => x.name === profile);
  if (!p) throw new Error(`internal error: target ${target.id} has no profile ${profile}`);
  return loadBundledMapping(target.id, p.mapping);
}

/** Converts a parsed rule for one target. */
export function convertParsed(parsed: Omit<CompiledRule, "outcomes">, req: TargetRequest, outputStem: string, templateDir: string | null = null): TargetOutcome {
  if (!parsed.ir || !parsed.document) {
    return { target: req.target, profile: req.profile, status: parsed.parseStatus === "ok" ? "error" : parsed.parseStatus, result: { text: null, diagnostics: [] } };
  }
  let result: ConvertResult;
  try {
    result = req.target.convert({
      rule: parsed.ir,
      document: parsed.document,
      profile: req.profile,
      mapping: req.mapping ?? bundledMapping(req.target, req.profile),
      outputStem,
      templateDir,
    });
  } catch (e) {
    // A target bug must not stop a batch: report it as an internal error on this rule.
    result = { text: null, diagnostics: [{ ...internal(`target ${req.target.id}`, e, parsed.ir.query.span), target: req.target.id }] };
  }
  let status = statusOf(result.diagnostics);
  if (status === "ok" && result.text === null) status = "error";
  if (status !== "ok" && result.text !== null) result = { ...result, text: null };
  return { target: req.target, profile: req.profile, status, result };
}

/** Parses and converts one rule for each requested target (default: every target, default profiles). */
export function compileRule(path: string, text: string, requests?: readonly TargetRequest[], outputStem = path.replace(/\.toml$/i, "")): CompiledRule {
  const parsed = parseRule(path, text);
  const reqs =
    requests ??
    TARGET_IDS.map((id) => {
      const target = getTarget(id) as TargetDefinition;
      return { target, profile: target.defaultProfile };
    });
  return { ...parsed, outcomes: reqs.map((r) => convertParsed(parsed, r, outputStem)) };
}
