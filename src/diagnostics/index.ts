/**
 * Diagnostics: what every phase returns instead of throwing.
 *
 * A diagnostic has a stable code (prefix = the phase or target: TOML, RULE,
 * EQL, KQL, LUCENE, MAP, SIGMA, SPLUNK, SENTINEL, OSQUERY, CLI), a severity, a
 * message and, where it concerns source text, a span of absolute offsets into
 * the rule file. `unsupported: true` marks an error that means "this target (or
 * ruleport) cannot express this construct" as opposed to broken input; it
 * decides between the report statuses `unsupported` and `error`.
 */
import type { Span } from "../ir/nodes.js";

export type Severity = "error" | "warning" | "info";

export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span | null;
  /** The target id when a target raised it. */
  readonly target?: string;
  /** An error that means "cannot be expressed", not "broken input". */
  readonly unsupported?: boolean;
}

/** Every phase returns its value with the diagnostics it raised. */
export interface Result<T> {
  readonly value: T;
  readonly diagnostics: readonly Diagnostic[];
}

export function error(code: string, message: string, span: Span | null, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { code, severity: "error", message, span, ...extra };
}
export function warning(code: string, message: string, span: Span | null, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { code, severity: "warning", message, span, ...extra };
}
export function info(code: string, message: string, span: Span | null, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { code, severity: "info", message, span, ...extra };
}
/** An error saying a construct cannot be expressed (report status `unsupported`). */
export function unsupported(code: string, message: string, span: Span | null, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { code, severity: "error", message, span, unsupported: true, ...extra };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

export type Status = "ok" | "unsupported" | "error";

/** ok: no error; unsupported: every error is an `unsupported` one; error: some error is not. */
export function statusOf(diagnostics: readonly Diagnostic[]): Status {
  let status: Status = "ok";
  for (const d of diagnostics) {
    if (d.severity !== "error") continue;
    if (!d.unsupported) return "error";
    status = "unsupported";
  }
  return status;
}

/** A source file: its path as the user named it, its text, and line starts for offset -> line:column. */
export class SourceFile {
  readonly path: string;
  readonly text: string;
  private lineStarts: number[] | null = null;

  constructor(path: string, text: string) {
    this.path = path;
    this.text = text;
  }

  private starts(): number[] {
    if (this.lineStarts === null) {
      const starts = [0];
      const t = this.text;
      if (!t.includes("\r")) {
        // the usual case: only \n ends lines, found by indexOf rather than a character loop
        for (let i = t.indexOf("\n"); i !== -1; i = t.indexOf("\n", i + 1)) starts.push(i + 1);
      } else {
        for (let i = 0; i < t.length; i++) {
          const c = t.charCodeAt(i);
          if (c === 10) starts.push(i + 1);
          else if (c === 13 && t.charCodeAt(i + 1) !== 10) starts.push(i + 1);
        }
      }
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  /** 1-based line and column (columns count UTF-16 code units, as editors and SARIF do). */
  position(offset: number): { line: number; column: number } {
    const starts = this.starts();
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - (starts[lo] as number) + 1 };
  }

  /** The text of a 1-based line, without its line ending. */
  lineText(line: number): string {
    const starts = this.starts();
    const start = starts[line - 1];
    if (start === undefined) return "";
    const next = starts[line];
    let end = next === undefined ? this.text.length : next;
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return this.text.slice(start, end);
  }
}

/** A diagnostic with its resolved position, as reports carry it. */
export interface LocatedDiagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly target?: string;
}

export function locate(diagnostic: Diagnostic, source: SourceFile): LocatedDiagnostic {
  const pos = diagnostic.span ? source.position(diagnostic.span.start) : { line: 1, column: 1 };
  return {
    file: source.path,
    line: pos.line,
    column: pos.column,
    severity: diagnostic.severity,
    code: diagnostic.code,
    message: diagnostic.message,
    ...(diagnostic.target !== undefined ? { target: diagnostic.target } : {}),
  };
}

const MAX_FRAME = 160;

/**
 * Renders `path:line:col: severity CODE: message`, then the source line and a
 * caret under the span (long lines are windowed around the column).
 */
export function render(diagnostic: Diagnostic, source: SourceFile): string {
  const { line, column } = diagnostic.span ? source.position(diagnostic.span.start) : { line: 1, column: 1 };
  const where = diagnostic.target ? ` [${diagnostic.target}]` : "";
  const head = `${source.path}:${line}:${column}: ${diagnostic.severity} ${diagnostic.code}${where}: ${diagnostic.message}`;
  if (!diagnostic.span) return head;
  const text = source.lineText(line).replace(/\t/g, " ");
  let from = 0;
  if (text.length > MAX_FRAME && column > MAX_FRAME / 2) from = Math.min(column - 1 - MAX_FRAME / 2, text.length - MAX_FRAME);
  from = Math.max(0, from);
  const shown = text.slice(from, from + MAX_FRAME);
  const endPos = source.position(Math.max(diagnostic.span.start, diagnostic.span.end - 1));
  const width = endPos.line === line ? Math.max(1, endPos.column - column + 1) : Math.max(1, text.length - column + 1);
  const caretStart = column - 1 - from;
  const caretWidth = Math.max(1, Math.min(width, shown.length - caretStart));
  const gutter = String(line).length;
  return [
    head,
    ` ${" ".repeat(gutter)} |`,
    ` ${line} | ${shown}`,
    ` ${" ".repeat(gutter)} | ${" ".repeat(Math.max(0, caretStart))}${"^".repeat(caretWidth)}`,
  ].join("\n");
}
