/**
 * `ruleport events` and `ruleport eval`: the file-touching side of the
 * evaluator (src/cli wires them). Exit codes: 0 ok, 1 an `_expect` disagrees
 * (eval) or events could not be generated (events), 2 the rule or the events
 * file cannot be read or parsed.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import { parseRule } from "../compile.js";
import { type Diagnostic, render, type SourceFile } from "../diagnostics/index.js";
import type { RuleIR } from "../ir/nodes.js";
import { checkEvents } from "./check.js";
import { generateEvents } from "./generate.js";

const err = (s: string): void => void process.stderr.write(`${s}\n`);
const out = (s: string): void => void process.stdout.write(`${s}\n`);

async function loadRule(rulePath: string): Promise<{ ir: RuleIR; source: SourceFile } | null> {
  let text: string;
  try {
    text = await readFile(rulePath, "utf8");
  } catch (e) {
    err(`ruleport: cannot read ${rulePath}: ${(e as Error).message}`);
    return null;
  }
  const parsed = parseRule(rulePath, text);
  for (const d of parsed.parseDiagnostics) err(render(d, parsed.source));
  if (!parsed.ir) return null;
  return { ir: parsed.ir, source: parsed.source };
}

function printDiagnostics(ds: readonly Diagnostic[], source: SourceFile): void {
  for (const d of ds) err(render(d, source));
}

/** Writes generated events as NDJSON (to `out`, atomically, or stdout). */
export async function runEvents(rulePath: string, opts: { seed?: number | undefined; out?: string | undefined }): Promise<number> {
  const loaded = await loadRule(rulePath);
  if (!loaded) return 2;
  const { events, diagnostics } = generateEvents(loaded.ir, { seed: opts.seed ?? 1 });
  printDiagnostics(diagnostics, loaded.source);
  const text = events.map((e) => JSON.stringify(e)).join("\n") + (events.length > 0 ? "\n" : "");
  if (opts.out) {
    const tmp = join(dirname(opts.out), `.${basename(opts.out)}.${process.pid}.tmp`);
    await writeFile(tmp, text, "utf8");
    await rename(tmp, opts.out);
  } else process.stdout.write(text);
  return events.length === 0 ? 1 : 0;
}

/** Evaluates a rule over an NDJSON file; prints alerts; exit 1 when an `_expect` disagrees. */
export async function runEval(rulePath: string, eventsPath: string, opts: { json?: boolean }): Promise<number> {
  const loaded = await loadRule(rulePath);
  if (!loaded) return 2;
  let raw: string;
  try {
    raw = await readFile(eventsPath, "utf8");
  } catch (e) {
    err(`ruleport: cannot read ${eventsPath}: ${(e as Error).message}`);
    return 2;
  }
  // Line indexes count every line of the file; blank lines hold no event.
  const lines = raw.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const events: Record<string, unknown>[] = [];
  const lineOf: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === "") continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      err(`${eventsPath}:${i + 1}: invalid JSON: ${(e as Error).message}`);
      return 2;
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      err(`${eventsPath}:${i + 1}: an event must be a JSON object`);
      return 2;
    }
    events.push(v as Record<string, unknown>);
    lineOf.push(i);
  }
  const result = checkEvents(loaded.ir, events);
  printDiagnostics(result.diagnostics, loaded.source);
  const alerts = result.alerts.map((a) => ({ events: a.events.map((j) => lineOf[j] as number) }));
  if (opts.json) out(JSON.stringify({ alerts }));
  else {
    out(`${alerts.length} alert(s)`);
    for (const a of alerts) out(`alert: lines ${a.events.map((l) => l + 1).join(", ")}`);
  }
  const wrong = result.verdicts.filter((v) => v.expected !== v.actual);
  for (const w of wrong)
    err(`${eventsPath}:${(lineOf[w.index] as number) + 1}: expected ${w.expected ? "a match" : "no match"}${w.stream ? ` for stream ${w.stream}` : ""}, got ${w.actual ? "a match" : "none"}${w.why ? ` (${w.why})` : ""}`);
  return wrong.length > 0 ? 1 : 0;
}
