/**
 * One slice of a batch: read, parse, convert and write a list of rule files.
 * Runs in the main thread and, with --jobs, in worker threads; everything it
 * returns is plain data, merged by the caller in the files' order, so output
 * and report are the same for every --jobs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Diagnostic, render, type SourceFile, type Status } from "../diagnostics/index.js";
import { bundledMapping, convertParsed, parseRule, type TargetRequest } from "../compile.js";
import { loadOverride } from "../mapping/index.js";
import { getTarget } from "../targets.js";
import { displayPath, outputStem, type RuleFile, writeAtomic } from "./files.js";
import { type ReportRule, toReportDiagnostic } from "./report.js";

export type FailOn = "error" | "unsupported" | "warning";

/** What a batch slice needs, as plain (cloneable) data. */
export interface BatchOptions {
  readonly mode: "check" | "convert";
  readonly targets: readonly { readonly id: string; readonly profile: string; readonly mappingFile: string | null }[];
  readonly outDir: string | null;
  readonly templateDir: string | null;
  readonly failOn: FailOn;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly timings: boolean;
  readonly cwd: string;
  /** Targets whose output folder cannot be written (reported once by the caller): their outputs are not attempted. */
  readonly blockedTargets: readonly string[];
  /** Files whose output stem another file of the batch already takes: absolute path -> the other file's path. */
  readonly stemClashes: Readonly<Record<string, string>>;
}

export interface SliceResult {
  readonly rules: ReportRule[];
  /** Rendered diagnostics to print, in order (already filtered by verbosity). */
  readonly messages: string[];
  readonly bundles: { readonly target: string; readonly outputStem: string; readonly entry: unknown }[];
  readonly failed: boolean;
  readonly outFailed: boolean;
  readonly timings: Record<string, number>;
}

/** Builds the target requests (with mapping overrides). Throws MappingLoadError or a read error for a bad override file. */
export function buildRequests(targets: BatchOptions["targets"]): TargetRequest[] {
  return targets.map((t) => {
    const target = getTarget(t.id);
    if (!target) throw new Error(`internal error: unknown target ${t.id}`);
    let mapping = bundledMapping(target, t.profile);
    if (t.mappingFile) mapping = loadOverride(mapping, t.mappingFile, readFileSync(t.mappingFile, "utf8"));
    return { target, profile: t.profile, mapping };
  });
}

export function fails(status: Status, diagnostics: readonly Diagnostic[], failOn: FailOn): boolean {
  if (status === "error") return true;
  if (failOn === "error") return false;
  if (status === "unsupported") return true;
  return failOn === "warning" && diagnostics.some((d) => d.severity === "warning");
}

/** Processes files in order; `onFile` is called after each (for progress). */
export function processSlice(files: readonly RuleFile[], opts: BatchOptions, requests: readonly TargetRequest[], onFile?: () => void): SliceResult {
  const rules: ReportRule[] = [];
  const messages: string[] = [];
  const bundles: { target: string; outputStem: string; entry: unknown }[] = [];
  const totals = new Map<string, number>();
  let failed = false;
  let outFailed = false;
  const time = <T>(phase: string, f: () => T): T => {
    if (!opts.timings) return f();
    const t0 = performance.now();
    try {
      return f();
    } finally {
      totals.set(phase, (totals.get(phase) ?? 0) + performance.now() - t0);
    }
  };
  const show = (d: Diagnostic, source: SourceFile) => {
    if (opts.quiet) return;
    if (!opts.verbose && d.severity === "info") return;
    if (!opts.verbose && d.severity === "warning" && opts.mode === "convert") return;
    messages.push(render(d, source));
  };

  for (const file of files) {
    onFile?.();
    let text: string;
    try {
      text = time("read", () => readFileSync(file.absolute, "utf8"));
    } catch (e) {
      const message = `cannot read the file: ${(e as Error).message}`;
      if (!opts.quiet) messages.push(`${file.path}:1:1: error CLI001: ${message}`);
      rules.push({ file: file.path, rule_id: "", name: "", type: "", language: "none", parse: { status: "error", diagnostics: [{ severity: "error", code: "CLI001", message, line: 1, column: 1 }] }, targets: {} });
      failed = true;
      continue;
    }
    const parsed = time("load+parse", () => parseRule(file.path, text));
    for (const d of parsed.parseDiagnostics) show(d, parsed.source);
    const doc = parsed.document;
    const rule: ReportRule = {
      file: file.path,
      rule_id: doc?.ruleId ?? "",
      name: doc?.name ?? "",
      type: doc?.type ?? "",
      language: doc?.language ?? "none",
      parse: { status: parsed.parseStatus, diagnostics: parsed.parseDiagnostics.map((d) => toReportDiagnostic(d, parsed.source)) },
      targets: {},
    };
    if (fails(parsed.parseStatus, parsed.parseDiagnostics, opts.failOn)) failed = true;
    const stem = outputStem(file.relative);
    const clash = opts.stemClashes[file.absolute];
    for (const req of requests) {
      const outcome = time(`convert:${req.target.id}`, () => convertParsed(parsed, req, stem, opts.templateDir));
      const diags = [...outcome.result.diagnostics];
      let status = outcome.status;
      const outputs: string[] = [];
      const writable = status === "ok" && outcome.result.text !== null && opts.outDir !== null;
      if (writable && opts.blockedTargets.includes(req.target.id)) {
        status = "error";
        // the folder's error is printed once by the caller; the report still says it per rule
        diags.push({ code: "CLI013", severity: "error", message: `not written: the output folder of ${req.target.id} cannot be written (CLI010 above)`, span: null, target: req.target.id });
        outFailed = true;
        rule.targets[req.target.id] = { status, profile: req.profile, outputs, diagnostics: diags.map((d) => toReportDiagnostic(d, parsed.source)) };
        continue;
      }
      if (writable && clash !== undefined) {
        status = "error";
        diags.push({ code: "CLI012", severity: "error", message: `not written: its output path ${req.target.id}/${stem}${req.target.extension} is already taken by ${clash} (same relative path or name after making it safe)`, span: null, target: req.target.id });
      } else if (writable && opts.outDir) {
        const dest = join(opts.outDir, req.target.id, stem + req.target.extension);
        try {
          time("write", () => writeAtomic(dest, outcome.result.text as string));
          outputs.push(displayPath(dest, opts.cwd));
          if (outcome.result.bundleEntry !== undefined) bundles.push({ target: req.target.id, outputStem: stem, entry: outcome.result.bundleEntry });
        } catch (e) {
          status = "error";
          outFailed = true;
          diags.push({ code: "CLI010", severity: "error", message: `cannot write ${dest}: ${(e as Error).message}`, span: null, target: req.target.id });
        }
      }
      for (const d of diags) show(d, parsed.source);
      if (parsed.ir && fails(status, diags, opts.failOn)) failed = true;
      rule.targets[req.target.id] = {
        status: parsed.ir ? status : parsed.parseStatus,
        profile: req.profile,
        outputs,
        diagnostics: diags.map((d) => toReportDiagnostic(d, parsed.source)),
      };
    }
    rules.push(rule);
  }
  return { rules, messages, bundles, failed, outFailed, timings: Object.fromEntries(totals) };
}
