/**
 * The machine-readable report (JSON) and its SARIF rendering. The JSON shape
 * is a contract with CI pipelines: fields may be added, never renamed or removed.
 */
import { type Diagnostic, locate, type SourceFile, type Status } from "../diagnostics/index.js";
import { isAbsolute, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { ownText } from "../own-text.js";

export interface ReportDiagnostic {
  readonly severity: "error" | "warning" | "info";
  readonly code: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

export interface ReportTarget {
  status: Status;
  profile: string;
  outputs: string[];
  diagnostics: ReportDiagnostic[];
}

export interface ReportRule {
  readonly file: string;
  readonly rule_id: string;
  readonly name: string;
  readonly type: string;
  readonly language: string;
  readonly parse: { readonly status: Status; readonly diagnostics: ReportDiagnostic[] };
  readonly targets: Record<string, ReportTarget>;
}

export interface Report {
  readonly tool: { readonly name: "ruleport"; readonly version: string };
  readonly summary: {
    rules: number;
    parse: Record<Status, number>;
    targets: Record<string, Record<Status, number> & { profile: string }>;
  };
  readonly rules: ReportRule[];
  /** Files written that belong to no single rule (savedsearches.conf, packs). */
  readonly bundles: Record<string, string[]>;
}

export function toReportDiagnostic(d: Diagnostic, source: SourceFile): ReportDiagnostic {
  const l = locate(d, source);
  return { severity: d.severity, code: d.code, message: ownText(d.message), line: l.line, column: l.column };
}

export function emptyReport(version: string): Report {
  return { tool: { name: "ruleport", version }, summary: { rules: 0, parse: { ok: 0, error: 0, unsupported: 0 }, targets: {} }, rules: [], bundles: {} };
}

/** Recomputes the summary from the rules. */
export function summarise(report: Report): void {
  report.summary.rules = report.rules.length;
  report.summary.parse = { ok: 0, error: 0, unsupported: 0 };
  for (const t of Object.keys(report.summary.targets)) {
    const s = report.summary.targets[t];
    if (s) Object.assign(s, { ok: 0, unsupported: 0, error: 0 });
  }
  for (const r of report.rules) {
    report.summary.parse[r.parse.status]++;
    for (const [t, v] of Object.entries(r.targets)) {
      const s = (report.summary.targets[t] ??= { ok: 0, unsupported: 0, error: 0, profile: v.profile });
      s[v.status]++;
    }
  }
}

/** SARIF 2.1.0: one result per diagnostic, located in the rule file. */
/**
 * A rule file's path as SARIF's `artifactLocation.uri`, which is a URI reference:
 * an absolute path becomes a file: URL, a relative one keeps its segments,
 * percent-encoded (a space, `#` or `%` in a file name would otherwise break it).
 */
export function fileUri(path: string): string {
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return path.split(sep).join("/").split("/").map(encodeURIComponent).join("/");
}

export function toSarif(report: Report): object {
  const results: object[] = [];
  const ruleIds = new Set<string>();
  for (const r of report.rules) {
    const all: (ReportDiagnostic & { target?: string })[] = [...r.parse.diagnostics, ...Object.entries(r.targets).flatMap(([t, v]) => v.diagnostics.map((d) => ({ ...d, target: t })))];
    for (const d of all) {
      ruleIds.add(d.code);
      results.push({
        ruleId: d.code,
        level: d.severity === "info" ? "note" : d.severity,
        message: { text: d.target ? `[${d.target}] ${d.message}` : d.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: fileUri(r.file) }, region: { startLine: d.line, startColumn: d.column } } }],
      });
    }
  }
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "ruleport", version: report.tool.version, rules: [...ruleIds].sort().map((id) => ({ id })) } },
        results,
      },
    ],
  };
}
