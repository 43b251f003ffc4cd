/**
 * The `ruleport` command line: the only module that touches files, the
 * terminal and exit codes.
 *
 * Exit codes: 0 all requested work succeeded; 1 some rule failed (or, with
 * --fail-on, was unsupported / had warnings); 2 usage error.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { TargetRequest } from "../compile.js";
import { MappingLoadError } from "../mapping/index.js";
import { packageRoot } from "../package-root.js";
import { getTarget, targets } from "../targets.js";
import { TARGET_IDS, type TargetDefinition } from "../target.js";
import { type CommandSpec, flagBool, flagList, flagString, type ParsedArgs, parseArgs, UsageError } from "./args.js";
import { type Config, ConfigError, findConfig, loadConfig } from "./config.js";
import { type BatchOptions, buildRequests, FAIL_ON, type FailOn, processSlice, type SliceResult } from "./batch.js";
import { deployPath, discoverRules, displayPath, isInside, outputStem, probeWritable, realPath, type OutputWriter, type RuleFile, syncWriter, threadWriter, writeAtomic } from "./files.js";
import { emptyReport, type Report, summarise, toSarif } from "./report.js";

/** Every command and its flags (exported for the test that keeps --help and the README complete). */
export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  check: {
    name: "check",
    summary: "load and parse rules; print diagnostics and a summary",
    usage: "ruleport check <paths...> [--report FILE] [--format json|sarif] [--fail-on error|unsupported|warning] [--config FILE] [--jobs N] [--verbose] [--quiet] [--timings]",
    flags: { report: "string", format: "string", verbose: "boolean", quiet: "boolean", "fail-on": "string", config: "string", timings: "boolean", jobs: "string", help: "boolean" },
    aliases: { h: "help", q: "quiet", v: "verbose" },
    minPositionals: 1,
    maxPositionals: Infinity,
  },
  convert: {
    name: "convert",
    summary: "translate rules to one or more targets",
    usage:
      "ruleport convert <paths...> --target <id>[,<id>...]|all --out DIR [--profile <target>=<name>]... [--mapping <target>=<file.yaml>]... [--templates DIR] [--config FILE] [--jobs N] [--report FILE] [--format json|sarif] [--fail-on error|unsupported|warning] [--verbose] [--quiet] [--timings]",
    flags: {
      target: "string",
      out: "string",
      profile: "list",
      mapping: "list",
      templates: "string",
      config: "string",
      report: "string",
      format: "string",
      "fail-on": "string",
      verbose: "boolean",
      quiet: "boolean",
      timings: "boolean",
      jobs: "string",
      help: "boolean",
    },
    aliases: { t: "target", o: "out", h: "help", q: "quiet", v: "verbose" },
    minPositionals: 1,
    maxPositionals: Infinity,
  },
  targets: {
    name: "targets",
    summary: "list targets, their profiles and output files",
    usage: "ruleport targets",
    flags: { help: "boolean" },
    minPositionals: 0,
    maxPositionals: 0,
  },
  events: {
    name: "events",
    summary: "generate test events that must (and must not) raise an alert",
    usage: "ruleport events <rule.toml> [--seed N] [--out file.ndjson]",
    flags: { seed: "string", out: "string", help: "boolean" },
    minPositionals: 1,
    maxPositionals: 1,
  },
  eval: {
    name: "eval",
    summary: "evaluate a rule on NDJSON events and print the alerts",
    usage: "ruleport eval <rule.toml> <events.ndjson> [--json]",
    flags: { json: "boolean", help: "boolean" },
    minPositionals: 2,
    maxPositionals: 2,
  },
};

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

function helpText(): string {
  const lines = [`ruleport ${version()}: translate Elastic detection rules (EQL, KQL) to ${TARGET_IDS.join(", ")}`, "", "Commands:"];
  for (const c of Object.values(COMMANDS)) lines.push(`  ${c.name.padEnd(9)} ${c.summary}`, `            ${c.usage}`);
  lines.push("", "Exit codes: 0 success; 1 some rule failed (see --fail-on); 2 usage error.", "Run `ruleport <command> --help` for one command; the README documents every option.");
  return lines.join("\n");
}

/** Where the CLI prints (exported for tests, which pass their own). */
export interface Io {
  out(s: string): void;
  err(s: string): void;
  /** Draws the progress bar, as is (no newline); only when standard error is a terminal. */
  readonly terminal?: (s: string) => void;
}
const stdio: Io = {
  out: (s) => process.stdout.write(s + "\n"),
  err: (s) => process.stderr.write(s + "\n"),
  ...(process.stderr.isTTY ? { terminal: (s: string) => void process.stderr.write(s) } : {}),
};

/**
 * How output files are written: in a writer thread running this module (a URL),
 * or in the main thread (null). Unset: the compiled CLI's writer thread, for
 * batches of MIN_FILES_FOR_WRITER_THREAD rule files or more.
 */
export interface MainOptions {
  readonly writerModule?: URL | null;
}

/** The writer thread's module, when the CLI runs compiled (from TypeScript sources, under tests, there is none). */
function defaultWriterModule(): URL | null {
  const url = new URL("./write-worker.js", import.meta.url);
  return import.meta.url.endsWith(".js") && existsSync(fileURLToPath(url)) ? url : null;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], io: Io = stdio, options: MainOptions = {}): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") {
    io.out(helpText());
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === "--version" || cmd === "-V") {
    io.out(version());
    return 0;
  }
  const spec = COMMANDS[cmd];
  if (!spec) {
    io.err(`ruleport: unknown command "${cmd}"; try: ruleport --help`);
    return 2;
  }
  let args: ParsedArgs;
  try {
    if (rest.includes("--help") || rest.includes("-h")) {
      const short = Object.entries(spec.aliases ?? {}).map(([a, long]) => `-${a} for --${long}`);
      io.out(`${spec.usage}\n  ${spec.summary}${short.length ? `\n  short forms: ${short.join(", ")}` : ""}`);
      return 0;
    }
    args = parseArgs(spec, rest);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`ruleport ${cmd}: ${e.message}\nusage: ${spec.usage}`);
      return 2;
    }
    throw e;
  }
  try {
    switch (spec.name) {
      case "check":
      case "convert":
        return await runBatch(spec.name, args, io, options.writerModule === undefined ? defaultWriterModule() : options.writerModule, options.writerModule === undefined ? MIN_FILES_FOR_WRITER_THREAD : 0);
      case "targets":
        return listTargets(io);
      case "events": {
        const { runEvents } = await loadEvalCli();
        const seed = flagString(args, "seed");
        if (seed !== undefined && !/^\d+$/.test(seed)) throw new UsageError("--seed must be a non-negative integer");
        return await runEvents(args.positionals[0] as string, { seed: seed === undefined ? undefined : Number(seed), out: flagString(args, "out") });
      }
      case "eval": {
        const { runEval } = await loadEvalCli();
        return await runEval(args.positionals[0] as string, args.positionals[1] as string, { json: flagBool(args, "json") });
      }
      default:
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`ruleport ${cmd}: ${e.message}\nusage: ${spec.usage}`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.err(e.message);
      return 2;
    }
    throw e;
  }
}

interface EvalCli {
  runEvents(rulePath: string, opts: { seed?: number | undefined; out?: string | undefined }): Promise<number>;
  runEval(rulePath: string, eventsPath: string, opts: { json?: boolean }): Promise<number>;
}
/** The evaluator is loaded only by the commands that use it, keeping `convert` start-up small. */
async function loadEvalCli(): Promise<EvalCli> {
  const path = "../eval/cli.js";
  return (await import(path)) as EvalCli;
}

function listTargets(io: Io): number {
  for (const t of Object.values(targets)) {
    io.out(`${t.id}  ${t.title}  (per rule: <out>/${t.id}/<rule>${t.extension})`);
    for (const p of t.profiles) io.out(`  profile ${p.name}${p.name === t.defaultProfile ? " (default)" : ""}: ${p.description} [mapping: targets/${t.id}/${p.mapping}]`);
  }
  return 0;
}

function selectTargets(args: ParsedArgs, config: Config | null): BatchOptions["targets"] {
  const raw = flagString(args, "target") ?? (config?.targets === "all" ? "all" : config?.targets?.join(","));
  if (!raw) throw new UsageError("--target is required (a target id, a comma-separated list, or all)");
  const ids = raw === "all" ? [...TARGET_IDS] : raw.split(",").map((s) => s.trim()).filter(Boolean);
  const chosen: TargetDefinition[] = [];
  for (const id of ids) {
    const t = getTarget(id);
    if (!t) throw new UsageError(`unknown target "${id}" (known: ${TARGET_IDS.join(", ")}, all)`);
    if (!chosen.includes(t)) chosen.push(t);
  }
  const profiles = new Map<string, string>();
  const configProfiles = Object.entries(config?.profiles ?? {}).map(([t, p]) => `${t}=${p}`);
  for (const p of [...configProfiles, ...flagList(args, "profile")]) {
    const m = /^([a-z]+)=([A-Za-z0-9_-]+)$/.exec(p);
    if (!m) throw new UsageError(`--profile takes <target>=<name>, got "${p}"`);
    const t = getTarget(m[1] as string);
    if (!t) throw new UsageError(`unknown target "${m[1]}" in --profile`);
    if (!t.profiles.some((x) => x.name === m[2])) throw new UsageError(`target ${t.id} has no profile "${m[2]}" (profiles: ${t.profiles.map((x) => x.name).join(", ")})`);
    profiles.set(t.id, m[2] as string);
  }
  const overrides = new Map<string, string>();
  const configMappings = Object.entries(config?.mappings ?? {}).map(([t, f]) => `${t}=${f}`);
  for (const p of [...configMappings, ...flagList(args, "mapping")]) {
    const m = /^([a-z]+)=(.+)$/.exec(p);
    if (!m || !getTarget(m[1] as string)) throw new UsageError(`--mapping takes <target>=<file.yaml>, got "${p}"`);
    overrides.set(m[1] as string, m[2] as string);
  }
  return chosen.map((target) => {
    const file = overrides.get(target.id) ?? null;
    if (file && !existsSync(file)) throw new UsageError(`cannot read mapping file ${file}`);
    return { id: target.id, profile: profiles.get(target.id) ?? target.defaultProfile, mappingFile: file ? resolve(file) : null };
  });
}

function failOnOf(args: ParsedArgs, config: Config | null): FailOn {
  const f = flagString(args, "fail-on") ?? config?.failOn ?? "error";
  if (!(FAIL_ON as readonly string[]).includes(f)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(", ")}`);
  return f as FailOn;
}

async function runBatch(mode: "check" | "convert", args: ParsedArgs, io: Io, writerModule: URL | null, minFilesForWriterThread: number): Promise<number> {
  const configFile = flagString(args, "config") ?? findConfig(process.cwd());
  const config = configFile ? loadConfig(configFile) : null;
  const failOn = failOnOf(args, config);
  const quiet = flagBool(args, "quiet");
  const verbose = flagBool(args, "verbose");
  const format = flagString(args, "format") ?? "json";
  if (format !== "json" && format !== "sarif") throw new UsageError("--format must be json or sarif");
  const jobsFlag = flagString(args, "jobs");
  if (jobsFlag !== undefined && !/^[1-9]\d*$/.test(jobsFlag)) throw new UsageError("--jobs must be a positive integer");
  let targetsWanted: BatchOptions["targets"] = [];
  let requests: TargetRequest[] = [];
  let outDir: string | null = null;
  if (mode === "convert") {
    try {
      targetsWanted = selectTargets(args, config);
      requests = buildRequests(targetsWanted);
    } catch (e) {
      if (e instanceof MappingLoadError) {
        io.err(e.message);
        return 2;
      }
      throw e;
    }
    const out = flagString(args, "out") ?? config?.out;
    if (!out) throw new UsageError("--out DIR is required");
    outDir = resolve(out);
  }
  const templateDir = flagString(args, "templates") ?? config?.templates ?? null;
  if (templateDir && !existsSync(templateDir)) throw new UsageError(`no such templates folder: ${templateDir}`);
  const discovery = discoverRules(args.positionals);
  if (discovery.missing.length > 0) throw new UsageError(`no such file or folder: ${discovery.missing.join(", ")}`);
  const files = discovery.files;
  const blockedTargets: string[] = [];
  let blockedMessages: string[] = [];
  const stemClashes: Record<string, string> = {};
  if (outDir) {
    const realOut = realPath(outDir);
    for (const root of discovery.roots) {
      const realRoot = realPath(root);
      if (isInside(realOut, realRoot) || isInside(realRoot, realOut)) {
        io.err(`ruleport convert: the output folder ${outDir} is, or is inside, or contains the input folder ${root}; choose another --out`);
        return 2;
      }
    }
    // one error per target folder that cannot be written, instead of one per rule
    const topProblem = probeWritable(outDir);
    if (topProblem) {
      blockedTargets.push(...requests.map((r) => r.target.id));
      blockedMessages.push(`ruleport convert: error CLI010: the output folder ${outDir} cannot be written: ${topProblem}`);
    } else {
      for (const r of requests) {
        const dir = join(outDir, r.target.id);
        const problem = probeWritable(dir);
        if (problem) {
          blockedTargets.push(r.target.id);
          blockedMessages.push(`ruleport convert: error CLI010: the output folder ${dir} cannot be written: ${problem}`);
        }
      }
    }
    // two rules may not share an output path (same relative path under two input folders, or names equal once made safe)
    const taken = new Map<string, string>();
    for (const f of files) {
      const key = outputStem(f.relative);
      const first = taken.get(key);
      if (first !== undefined) stemClashes[f.absolute] = first;
      else taken.set(key, f.path);
    }
  }

  const opts: BatchOptions = {
    mode,
    targets: targetsWanted,
    outDir,
    templateDir: templateDir ? resolve(templateDir) : null,
    failOn,
    quiet,
    verbose,
    timings: flagBool(args, "timings"),
    cwd: process.cwd(),
    blockedTargets,
    stemClashes,
  };
  const progress = !quiet && io.terminal ? new Progress(files.length, mode === "check" ? "parse" : "convert", io.terminal) : null;
  const jobs = Math.min(jobsFlag ? Number(jobsFlag) : DEFAULT_JOBS, Math.max(1, Math.floor(files.length / MIN_FILES_PER_JOB)));
  const writer = outDir !== null && writerModule !== null && files.length >= minFilesForWriterThread ? threadWriter(writerModule) : syncWriter();
  try {
    return await finishBatch(await runSlices(files, opts, requests, jobs, progress, writer));
  } finally {
    writer.close();
  }

  /** After the slices: merge them, write the bundles, the report and the summary; returns the exit code. */
  async function finishBatch(slices: SliceResult[]): Promise<number> {
    // Printed once the progress bar is cleared, after the bundles and the report.
    const lines: string[] = [];
    try {
      return await finish(slices, lines);
    } finally {
      progress?.done();
      for (const l of lines) io.err(l);
    }
  }

  async function finish(slices: SliceResult[], lines: string[]): Promise<number> {
    const report: Report = emptyReport(version());
    for (const r of requests) report.summary.targets[r.target.id] = { ok: 0, unsupported: 0, error: 0, profile: r.profile };
    let failed = false;
    let outFailed = false;
    let printed = 0;
    const printLimit = verbose ? Infinity : 200;
    if (!quiet) for (const m of blockedMessages) lines.push(m);
    blockedMessages = [];
    const timings = new Map<string, number>();
    const bundles = new Map<string, { outputStem: string; entry: unknown }[]>();
    const deployFiles = new Map<string, string[]>();
    for (const s of slices) {
      report.rules.push(...s.rules);
      for (const d of s.deployFiles) {
        const list = deployFiles.get(d.target) ?? [];
        list.push(d.path);
        deployFiles.set(d.target, list);
      }
      for (const m of s.messages) if (printed++ < printLimit) lines.push(m);
      for (const b of s.bundles) {
        const list = bundles.get(b.target) ?? [];
        list.push({ outputStem: b.outputStem, entry: b.entry });
        bundles.set(b.target, list);
      }
      failed ||= s.failed;
      outFailed ||= s.outFailed;
      for (const [k, v] of Object.entries(s.timings)) timings.set(k, (timings.get(k) ?? 0) + v);
    }

    // every target's deploy files: the per-rule ones written (in the files' order), then the run's bundle
    if (outDir) for (const req of requests) report.bundles[req.target.id] = deployFiles.get(req.target.id) ?? [];
    if (outDir && !outFailed) {
      progress?.phase("bundle");
      // Written in this thread, not the writer thread: the slices have waited for their own writes, and
      // handing a few megabytes of text to another thread costs more than writing them (0.2 s on the corpus).
      const bundleWriter = syncWriter();
      const queued: { target: string; dest: string; ticket: number }[] = [];
      for (const req of requests) {
        if (!req.target.bundle) continue;
        const t0 = performance.now();
        const out = req.target.bundle(bundles.get(req.target.id) ?? [], req.profile, opts.templateDir);
        timings.set("bundle", (timings.get("bundle") ?? 0) + performance.now() - t0);
        const t1 = performance.now();
        for (const f of out) {
          const dest = deployPath(outDir, req.target.id, f.path);
          queued.push({ target: req.target.id, dest, ticket: bundleWriter.write(dest, f.content) });
        }
        timings.set("bundle write", (timings.get("bundle write") ?? 0) + performance.now() - t1);
      }
      const failures = await bundleWriter.finish();
      for (const q of queued) {
        const problem = failures.get(q.ticket);
        if (problem === undefined) report.bundles[q.target]?.push(displayPath(q.dest));
        else {
          lines.push(`ruleport: error CLI010: cannot write ${q.dest}: ${problem}`);
          failed = true;
        }
      }
    }
    if (outFailed) failed = true;

    summarise(report);
    const reportFile = flagString(args, "report");
    if (reportFile) {
      progress?.phase("report");
      try {
        writeAtomic(resolve(reportFile), JSON.stringify(format === "sarif" ? toSarif(report) : report, null, 2) + "\n");
      } catch (e) {
        lines.push(`ruleport: error CLI011: cannot write the report ${reportFile}: ${(e as Error).message}`);
        failed = true;
      }
    }
    if (!quiet) {
      if (printed > printLimit) lines.push(`... ${printed - printLimit} more diagnostics (use --verbose or the report)`);
      lines.push(summaryText(report));
    }
    if (opts.timings) {
      const t = Object.fromEntries([...timings].map(([k, v]) => [k, Math.round(v * 10) / 10]));
      const usage = process.resourceUsage();
      const cpu = { cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000), mainThreadCpuMs: mainThreadCpuMs() };
      lines.push(`timings: ${JSON.stringify({ ...t, jobs, ...cpu, maxRssMB: Math.round(usage.maxRSS / 1024) })}`);
    }
    return failed ? 1 : 0;
  }
}

/**
 * CPU time of this (the main) thread so far, in ms, from /proc on Linux (null
 * elsewhere). Unlike wall time it does not grow when other processes share
 * the cores, so it tells what a change saved on a busy machine.
 */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields 14 and 15 of stat (utime, stime), counted from the state field (3); clock ticks of 1/100 s (USER_HZ on Linux)
    return Math.round(((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
  } catch {
    return null;
  }
}

/** Below this many files per job, a worker's start-up costs more than it saves. */
const MIN_FILES_PER_JOB = 200;

/**
 * Below this many rule files the converting thread writes the output itself:
 * starting the writer thread (some 50 ms) costs more than the writes it would
 * overlap (about 0.2 ms of kernel time per file on this machine).
 */
const MIN_FILES_FOR_WRITER_THREAD = 64;

/**
 * The default --jobs. The main thread converts while the writer thread creates
 * the files, which already uses both cores of the 2-core machine the figures
 * come from (README, "Speed"). A second converting thread duplicates start-up
 * and JIT warm-up: with --jobs 2 the process used more CPU (12.6-19.7 s
 * against 9.1-13.3 s, 3 runs each, load 6-8) without a wall-time gain that
 * could be shown, so --jobs stays opt-in.
 */
const DEFAULT_JOBS = 1;

/**
 * Splits the files into `jobs` contiguous slices: the first runs in this
 * thread, the others in worker threads (only from the compiled CLI, where the
 * worker module exists). Results come back in file order.
 */
async function runSlices(files: readonly RuleFile[], opts: BatchOptions, requests: readonly TargetRequest[], jobs: number, progress: Progress | null, writer: OutputWriter): Promise<SliceResult[]> {
  const workerUrl = new URL("./worker.js", import.meta.url);
  if (jobs <= 1 || !import.meta.url.endsWith(".js") || !existsSync(fileURLToPath(workerUrl))) {
    return [await processSlice(files, opts, requests, progress ?? undefined, writer)];
  }
  const size = Math.ceil(files.length / jobs);
  const slices = Array.from({ length: jobs }, (_, i) => files.slice(i * size, (i + 1) * size));
  const workers = slices.slice(1).map(
    (slice) =>
      new Promise<SliceResult>((resolvePromise, reject) => {
        const w = new Worker(workerUrl, { workerData: { files: slice, opts } });
        w.on("message", (m: { progress?: number; result?: SliceResult }) => {
          if (m.progress) progress?.tick(m.progress);
          if (m.result) resolvePromise(m.result);
        });
        w.on("error", reject);
        w.on("exit", (code) => {
          if (code !== 0) reject(new Error(`internal error: a worker exited with code ${code}`));
        });
      }),
  );
  // this thread's slice done, the workers may still be converting: the phase stays
  const first = await processSlice(slices[0] ?? [], opts, requests, progress ? { tick: () => progress.tick(), phase: () => {} } : undefined, writer);
  return [first, ...(await Promise.all(workers))];
}

/**
 * A one-line progress bar on a terminal: rules done / total and the run's
 * phase (parse or convert, then waiting for the output files to be written,
 * the bundles, the report). Redrawn at most every 80 ms while rules are done,
 * at once when the phase changes.
 */
export class Progress {
  private done_ = 0;
  private last = 0;
  constructor(
    private readonly total: number,
    private phase_: string,
    private readonly draw: (s: string) => void,
  ) {}
  tick(n = 1): void {
    this.done_ += n;
    const now = Date.now();
    if (now - this.last < 80 && this.done_ < this.total) return;
    this.last = now;
    this.render();
  }
  phase(name: string): void {
    if (name === this.phase_) return;
    this.phase_ = name;
    this.last = Date.now();
    this.render();
  }
  /** Clears the line (before the run's messages and summary are printed). */
  done(): void {
    this.draw("\r\x1b[K");
  }
  private render(): void {
    const width = 30;
    const filled = Math.round((width * this.done_) / Math.max(1, this.total));
    // the line is cleared first: a shorter phase name must not leave the end of a longer one
    this.draw(`\r\x1b[K[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${this.done_}/${this.total} ${this.phase_}`);
  }
}

/** The end-of-run summary table and the most frequent diagnostic codes. */
export function summaryText(report: Report): string {
  const s = report.summary;
  const lines = [`${s.rules} rule${s.rules === 1 ? "" : "s"}: parse ok ${s.parse.ok}, unsupported ${s.parse.unsupported}, error ${s.parse.error}`];
  const ts = Object.entries(s.targets);
  if (ts.length > 0) {
    lines.push(`${"target".padEnd(10)} ${"profile".padEnd(8)} ${"ok".padStart(6)} ${"unsupp.".padStart(8)} ${"error".padStart(6)}`);
    for (const [t, v] of ts) lines.push(`${t.padEnd(10)} ${v.profile.padEnd(8)} ${String(v.ok).padStart(6)} ${String(v.unsupported).padStart(8)} ${String(v.error).padStart(6)}`);
  }
  const codes = new Map<string, number>();
  for (const r of report.rules) for (const d of [...r.parse.diagnostics, ...Object.values(r.targets).flatMap((t) => t.diagnostics)]) if (d.severity !== "info") codes.set(d.code, (codes.get(d.code) ?? 0) + 1);
  const top = [...codes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 8);
  if (top.length > 0) lines.push(`most frequent diagnostics: ${top.map(([c, n]) => `${c} x${n}`).join(", ")}`);
  return lines.join("\n");
}
