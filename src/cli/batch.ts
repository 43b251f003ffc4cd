/**
 * One slice of a batch: read, parse, convert and write a list of rule files.
 * Runs in the main thread and, with --jobs, in worker threads; everything it
 * returns is plain data, merged by the caller in the files' order, so output
 * and report are the same for every --jobs.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Diagnostic, render, SourceFile, type Status } from "../diagnostics/index.js";
import { bundledMapping, convertParsed, parseRule, type TargetRequest } from "../compile.js";
import { loadOverride } from "../mapping/index.js";
import { getTarget } from "../targets.js";
import { deployPath, displayPath, type OutputWriter, outputStem, type RuleFile, syncWriter } from "./files.js";
import { ownText, ownTexts } from "../own-text.js";
import { type ReportDiagnostic, type ReportRule, toReportDiagnostic } from "./report.js";

export type FailOn = "error" | "unsupported" | "warning";
export const FAIL_ON: readonly FailOn[] = ["error", "unsupported", "warning"];

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
  /** The per-rule deploy files written, in the files' order. */
  readonly deployFiles: { readonly target: string; readonly path: string }[];
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

export function fails(status: Status, diagnostics: readonly { readonly severity: Diagnostic["severity"] }[], failOn: FailOn): boolean {
  if (status === "error") return true;
  if (failOn === "error") return false;
  if (status === "unsupported") return true;
  return failOn === "warning" && diagnostics.some((d) => d.severity === "warning");
}

/** One rule's result for one target, completed once its output file's write is known to have succeeded or failed. */
interface PendingTarget {
  readonly id: string;
  readonly profile: string;
  status: Status;
  /** The diagnostics as the report and the terminal show them (made at once, so the rule's text need not be kept). */
  readonly reportDiags: ReportDiagnostic[];
  readonly messages: string[];
  readonly outputs: string[];
  /** The write's ticket, its destination, what the target's bundle step gets if it succeeds, and the rule's deploy files' writes (made only after it). */
  readonly write: { readonly ticket: number; readonly dest: string; readonly bundleEntry: unknown; readonly deploy: readonly { readonly ticket: number; readonly dest: string }[] } | null;
  /** Whether the rule has an IR (else the target's status is the parse status). */
  readonly converted: boolean;
  /** Not written because the target's folder cannot be written: reported by the caller once, not per rule. */
  readonly blocked: boolean;
}

interface PendingRule {
  readonly rule: ReportRule;
  readonly stem: string;
  /** Rendered load and parse diagnostics. */
  readonly parseMessages: readonly string[];
  readonly targets: readonly PendingTarget[];
}

/** What a slice tells a progress display: a file done, a new phase of the slice ("write": waiting for its output files). */
export interface SliceProgress {
  tick(): void;
  phase(name: string): void;
}

/**
 * Processes files in order; `progress` hears of each file and of the wait for the writes.
 * Output files go to `writer` (default: written at once, in this thread); the
 * report entries, messages and bundle entries are put together once every
 * write is done, in the files' order, so they do not depend on the writes' timing.
 */
export async function processSlice(files: readonly RuleFile[], opts: BatchOptions, requests: readonly TargetRequest[], progress?: SliceProgress, writer: OutputWriter = syncWriter()): Promise<SliceResult> {
  const rules: ReportRule[] = [];
  const messages: string[] = [];
  const bundles: { target: string; outputStem: string; entry: unknown }[] = [];
  const deployFiles: { target: string; path: string }[] = [];
  const totals = new Map<string, number>();
  const pendingRules: PendingRule[] = [];
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
  const show = (d: Diagnostic, source: SourceFile, into: string[]) => {
    if (opts.quiet) return;
    if (!opts.verbose && d.severity === "info") return;
    if (!opts.verbose && d.severity === "warning" && opts.mode === "convert") return;
    into.push(ownText(render(d, source)));
  };

  for (const file of files) {
    progress?.tick();
    let text: string;
    try {
      text = time("read", () => readFileSync(file.absolute, "utf8"));
    } catch (e) {
      const message = `cannot read the file: ${(e as Error).message}`;
      const rule: ReportRule = { file: file.path, rule_id: "", name: "", type: "", language: "none", parse: { status: "error", diagnostics: [{ severity: "error", code: "CLI001", message, line: 1, column: 1 }] }, targets: {} };
      pendingRules.push({ rule, stem: "", parseMessages: opts.quiet ? [] : [`${file.path}:1:1: error CLI001: ${message}`], targets: [] });
      failed = true;
      continue;
    }
    const parsed = time("load+parse", () => parseRule(file.path, text));
    const parseMessages: string[] = [];
    for (const d of parsed.parseDiagnostics) show(d, parsed.source, parseMessages);
    const doc = parsed.document;
    const rule: ReportRule = {
      file: file.path,
      rule_id: ownText(doc?.ruleId ?? ""),
      name: ownText(doc?.name ?? ""),
      type: ownText(doc?.type ?? ""),
      language: ownText(doc?.language ?? "none"),
      parse: { status: parsed.parseStatus, diagnostics: parsed.parseDiagnostics.map((d) => toReportDiagnostic(d, parsed.source)) },
      targets: {},
    };
    if (fails(parsed.parseStatus, parsed.parseDiagnostics, opts.failOn)) failed = true;
    const stem = outputStem(file.relative);
    const clash = opts.stemClashes[file.absolute];
    const targets: PendingTarget[] = [];
    for (const req of requests) {
      const outcome = time(`convert:${req.target.id}`, () => convertParsed(parsed, req, stem, opts.templateDir));
      const diags = [...outcome.result.diagnostics];
      let status = outcome.status;
      let write: PendingTarget["write"] = null;
      let blocked = false;
      const writable = status === "ok" && outcome.result.text !== null && opts.outDir !== null;
      if (writable && opts.blockedTargets.includes(req.target.id)) {
        status = "error";
        // the folder's error is printed once by the caller; the report still says it per rule
        diags.push({ code: "CLI013", severity: "error", message: `not written: the output folder of ${req.target.id} cannot be written (CLI010 above)`, span: null, target: req.target.id });
        outFailed = true;
        blocked = true;
      } else if (writable && clash !== undefined) {
        status = "error";
        diags.push({ code: "CLI012", severity: "error", message: `not written: its output path ${req.target.id}/${stem}${req.target.extension} is already taken by ${clash} (same relative path or name after making it safe)`, span: null, target: req.target.id });
      } else if (writable && opts.outDir) {
        const outDir = opts.outDir;
        const dest = join(outDir, req.target.id, stem + req.target.extension);
        write = time("write", () => {
          const ticket = writer.write(dest, outcome.result.text as string);
          const deploy = (outcome.result.deployFiles ?? []).map((f) => {
            const d = deployPath(outDir, req.target.id, f.path);
            return { ticket: writer.write(d, f.content, ticket), dest: d };
          });
          return { ticket, dest, bundleEntry: ownTexts(outcome.result.bundleEntry), deploy };
        });
      }
      const messages: string[] = [];
      if (!blocked) for (const d of diags) show(d, parsed.source, messages);
      const reportDiags = diags.map((d) => toReportDiagnostic(d, parsed.source));
      targets.push({ id: req.target.id, profile: req.profile, status, reportDiags, messages, outputs: [], write, converted: parsed.ir !== null, blocked });
    }
    pendingRules.push({ rule, stem, parseMessages, targets });
  }

  if (opts.outDir !== null) progress?.phase("write");
  const t0 = performance.now();
  const writeFailures = await writer.finish();
  if (opts.timings) totals.set("write wait", performance.now() - t0);
  for (const p of pendingRules) {
    messages.push(...p.parseMessages);
    for (const t of p.targets) {
      if (t.write) {
        const failedWrite = [t.write, ...t.write.deploy].find((w) => writeFailures.has(w.ticket));
        const problem = failedWrite === undefined ? undefined : `cannot write ${failedWrite.dest}: ${writeFailures.get(failedWrite.ticket)}`;
        if (problem === undefined) {
          t.outputs.push(displayPath(t.write.dest, opts.cwd));
          for (const d of t.write.deploy) deployFiles.push({ target: t.id, path: displayPath(d.dest, opts.cwd) });
          if (t.write.bundleEntry !== undefined) bundles.push({ target: t.id, outputStem: p.stem, entry: t.write.bundleEntry });
        } else {
          // A rule that fails writes nothing: its files written before the failure are removed.
          for (const w of [t.write, ...t.write.deploy]) if (!writeFailures.has(w.ticket)) rmSync(w.dest, { force: true });
          t.status = "error";
          outFailed = true;
          const d: Diagnostic = { code: "CLI010", severity: "error", message: problem, span: null, target: t.id };
          // no span: only the file's path is needed to show it
          const source = new SourceFile(p.rule.file, "");
          t.reportDiags.push(toReportDiagnostic(d, source));
          show(d, source, t.messages);
        }
      }
      if (!t.blocked) {
        messages.push(...t.messages);
        if (t.converted && fails(t.status, t.reportDiags, opts.failOn)) failed = true;
      }
      p.rule.targets[t.id] = {
        status: t.blocked || t.converted ? t.status : p.rule.parse.status,
        profile: t.profile,
        outputs: t.outputs,
        diagnostics: t.reportDiags,
      };
    }
    rules.push(p.rule);
  }
  return { rules, messages, bundles, deployFiles, failed, outFailed, timings: Object.fromEntries(totals) };
}
