/**
 * The `ruleport` command line: the only module that touches files, the
 * terminal and exit codes.
 *
 * Exit codes: 0 all requested work succeeded; 1 some rule failed (or, with
 * --fail-on, was unsupported / had warnings); 2 usage error.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Diagnostic, render, type SourceFile, type Status } from "../diagnostics/index.js";
import { bundledMapping, convertParsed, parseRule, type TargetRequest } from "../compile.js";
import { MappingLoadError, loadOverride } from "../mapping/index.js";
import { packageRoot } from "../package-root.js";
import { getTarget, targets } from "../targets.js";
import { TARGET_IDS, type TargetDefinition } from "../target.js";
import { type CommandSpec, flagBool, flagList, flagString, type ParsedArgs, parseArgs, UsageError } from "./args.js";
import { type Config, findConfig, loadConfig } from "./config.js";
import { discoverRules, isInside, outputStem, writeAtomic } from "./files.js";
import { emptyReport, type Report, type ReportRule, summarise, toReportDiagnostic, toSarif } from "./report.js";

const COMMANDS: Record<string, CommandSpec> = {
  check: {
    name: "check",
    summary: "load and parse rules; print diagnostics and a summary",
    usage: "ruleport check <paths...> [--report FILE] [--format json|sarif] [--fail-on error|unsupported|warning] [--config FILE] [--verbose] [--quiet]",
    flags: { report: "string", format: "string", verbose: "boolean", quiet: "boolean", "fail-on": "string", config: "string", timings: "boolean", help: "boolean" },
    aliases: { h: "help", q: "quiet", v: "verbose" },
    minPositionals: 1,
    maxPositionals: Infinity,
  },
  convert: {
    name: "convert",
    summary: "translate rules to one or more targets",
    usage:
      "ruleport convert <paths...> --target <id>[,<id>...]|all --out DIR [--profile <target>=<name>]... [--mapping <target>=<file.yaml>]... [--templates DIR] [--config FILE] [--report FILE] [--format json|sarif] [--fail-on error|unsupported|warning] [--verbose] [--quiet]",
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

const FAIL_ON = ["error", "unsupported", "warning"] as const;
type FailOn = (typeof FAIL_ON)[number];

interface Io {
  out(s: string): void;
  err(s: string): void;
}
const stdio: Io = { out: (s) => process.stdout.write(s + "\n"), err: (s) => process.stderr.write(s + "\n") };

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
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
      io.out(`${spec.usage}\n  ${spec.summary}`);
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
        return runBatch(spec.name, args, io);
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

interface Selection {
  readonly requests: TargetRequest[];
}

function selectTargets(args: ParsedArgs, config: Config | null): Selection {
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
  const requests: TargetRequest[] = chosen.map((target) => {
    const profile = profiles.get(target.id) ?? target.defaultProfile;
    let mapping = bundledMapping(target, profile);
    const file = overrides.get(target.id);
    if (file) {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        throw new UsageError(`cannot read mapping file ${file}`);
      }
      mapping = loadOverride(mapping, file, text);
    }
    return { target, profile, mapping };
  });
  return { requests };
}

function failOnOf(args: ParsedArgs, config: Config | null): FailOn {
  const f = flagString(args, "fail-on") ?? config?.failOn ?? "error";
  if (!(FAIL_ON as readonly string[]).includes(f)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(", ")}`);
  return f as FailOn;
}

function fails(status: Status, diagnostics: readonly Diagnostic[], failOn: FailOn): boolean {
  if (status === "error") return true;
  if (failOn === "error") return false;
  if (status === "unsupported") return true;
  return failOn === "warning" && diagnostics.some((d) => d.severity === "warning");
}

function runBatch(mode: "check" | "convert", args: ParsedArgs, io: Io): number {
  const configFile = flagString(args, "config") ?? findConfig(process.cwd());
  const config = configFile ? loadConfig(configFile) : null;
  const failOn = failOnOf(args, config);
  const timings = flagBool(args, "timings") ? new Timings() : null;
  const quiet = flagBool(args, "quiet");
  const verbose = flagBool(args, "verbose");
  const format = flagString(args, "format") ?? "json";
  if (format !== "json" && format !== "sarif") throw new UsageError("--format must be json or sarif");
  let requests: TargetRequest[] = [];
  let outDir: string | null = null;
  if (mode === "convert") {
    try {
      requests = selectTargets(args, config).requests;
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
  if (outDir) {
    for (const root of discovery.roots) {
      if (isInside(outDir, root) || isInside(root, outDir)) {
        io.err(`ruleport convert: the output folder ${outDir} is, or is inside, or contains the input folder ${root}; choose another --out`);
        return 2;
      }
    }
  }

  const report: Report = emptyReport(version());
  for (const r of requests) report.summary.targets[r.target.id] = { ok: 0, unsupported: 0, error: 0, profile: r.profile };
  const bundles = new Map<string, { outputStem: string; entry: unknown }[]>();
  let failed = false;
  let outFailed = false;
  const printLimit = verbose ? Infinity : 200;
  let printed = 0;
  const show = (d: Diagnostic, source: SourceFile) => {
    if (quiet) return;
    if (!verbose && d.severity === "info") return;
    if (!verbose && d.severity === "warning" && mode === "convert") return;
    if (printed++ < printLimit) io.err(render(d, source));
  };

  const progress = !quiet && process.stderr.isTTY && io === stdio ? new Progress(discovery.files.length) : null;
  for (const file of discovery.files) {
    progress?.tick(mode === "check" ? "parse" : "convert");
    let text: string;
    try {
      timings?.start("read");
      text = readFileSync(file.absolute, "utf8");
      timings?.stop();
    } catch (e) {
      const msg = `${file.path}:1:1: error CLI001: cannot read the file: ${(e as Error).message}`;
      if (!quiet) io.err(msg);
      report.rules.push({
        file: file.path,
        rule_id: "",
        name: "",
        type: "",
        language: "none",
        parse: { status: "error", diagnostics: [{ severity: "error", code: "CLI001", message: `cannot read the file: ${(e as Error).message}`, line: 1, column: 1 }] },
        targets: {},
      });
      failed = true;
      continue;
    }
    timings?.start("load+parse");
    const parsed = parseRule(file.path, text);
    timings?.stop();
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
    if (fails(parsed.parseStatus, parsed.parseDiagnostics, failOn)) failed = true;
    const stem = outputStem(file.relative);
    for (const req of requests) {
      timings?.start(`convert:${req.target.id}`);
      const outcome = convertParsed(parsed, req, stem, templateDir);
      timings?.stop();
      const diags = [...outcome.result.diagnostics];
      let status = outcome.status;
      const outputs: string[] = [];
      if (status === "ok" && outcome.result.text !== null && outDir) {
        const dest = join(outDir, req.target.id, stem + req.target.extension);
        try {
          timings?.start("write");
          writeAtomic(dest, outcome.result.text);
          timings?.stop();
          outputs.push(dest);
          if (outcome.result.bundleEntry !== undefined) {
            const list = bundles.get(req.target.id) ?? [];
            list.push({ outputStem: stem, entry: outcome.result.bundleEntry });
            bundles.set(req.target.id, list);
          }
        } catch (e) {
          status = "error";
          outFailed = true;
          diags.push({ code: "CLI010", severity: "error", message: `cannot write ${dest}: ${(e as Error).message}`, span: null, target: req.target.id });
        }
      }
      for (const d of diags) show(d, parsed.source);
      if (parsed.ir && fails(status, diags, failOn)) failed = true;
      rule.targets[req.target.id] = { status: parsed.ir ? status : parsed.parseStatus, profile: req.profile, outputs: outputs.map(displayPath), diagnostics: diags.map((d) => toReportDiagnostic(d, parsed.source)) };
    }
    report.rules.push(rule);
  }

  if (outDir && !outFailed) {
    for (const req of requests) {
      if (!req.target.bundle) continue;
      timings?.start("bundle");
      const files = req.target.bundle(bundles.get(req.target.id) ?? [], req.profile, templateDir);
      timings?.stop();
      const written: string[] = [];
      for (const f of files) {
        const dest = join(outDir, req.target.id, outputStem(f.path.replace(/(\.[A-Za-z0-9]+)$/, "")) + (/(\.[A-Za-z0-9]+)$/.exec(f.path)?.[1] ?? ""));
        try {
          writeAtomic(dest, f.content);
          written.push(displayPath(dest));
        } catch (e) {
          io.err(`ruleport: error CLI010: cannot write ${dest}: ${(e as Error).message}`);
          failed = true;
        }
      }
      report.bundles[req.target.id] = written;
    }
  }
  if (outFailed) failed = true;
  progress?.done();

  summarise(report);
  const reportFile = flagString(args, "report");
  if (reportFile) {
    try {
      writeAtomic(resolve(reportFile), JSON.stringify(format === "sarif" ? toSarif(report) : report, null, 2) + "\n");
    } catch (e) {
      io.err(`ruleport: error CLI011: cannot write the report ${reportFile}: ${(e as Error).message}`);
      failed = true;
    }
  }
  if (!quiet) {
    if (printed > printLimit) io.err(`... ${printed - printLimit} more diagnostics (use --verbose or the report)`);
    io.err(summaryText(report));
  }
  if (timings) io.err(`timings: ${JSON.stringify({ ...timings.result(), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) })}`);
  return failed ? 1 : 0;
}

/** Time per phase (milliseconds), for `npm run bench`. */
class Timings {
  private readonly totals = new Map<string, number>();
  private current: { name: string; t0: number } | null = null;
  start(name: string): void {
    this.current = { name, t0: performance.now() };
  }
  stop(): void {
    if (!this.current) return;
    const { name, t0 } = this.current;
    this.totals.set(name, (this.totals.get(name) ?? 0) + performance.now() - t0);
    this.current = null;
  }
  result(): Record<string, number> {
    return Object.fromEntries([...this.totals].map(([k, v]) => [k, Math.round(v * 10) / 10]));
  }
}

/** A one-line progress bar on a terminal: rules done / total and the phase. */
class Progress {
  private done_ = 0;
  private last = 0;
  constructor(private readonly total: number) {}
  tick(phase: string): void {
    this.done_++;
    const now = Date.now();
    if (now - this.last < 80 && this.done_ < this.total) return;
    this.last = now;
    const width = 30;
    const filled = Math.round((width * this.done_) / Math.max(1, this.total));
    process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${this.done_}/${this.total} ${phase}   `);
  }
  done(): void {
    process.stderr.write("\r\x1b[K");
  }
}

function displayPath(p: string): string {
  const cwd = process.cwd();
  return isInside(p, cwd) ? p.slice(cwd.length + 1).split("\\").join("/") : p;
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
