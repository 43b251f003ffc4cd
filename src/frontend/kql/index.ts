/**
 * KQL (kuery) and Lucene frontend entry points (placeholder until the KQL
 * frontend lands: every query is reported as unsupported, honestly).
 */
import type { Condition } from "../../ir/nodes.js";
import { type Diagnostic, type Result, unsupported } from "../../diagnostics/index.js";
import type { KibanaFilter } from "../rule-document.js";
import type { QuerySource } from "../source.js";

/** Parses and lowers a KQL query to a condition. `value` is null when there were errors. */
export function parseKql(source: QuerySource): Result<Condition | null> {
  const at = source.toFile(0);
  return { value: null, diagnostics: [unsupported("KQL000", "the KQL frontend is not implemented yet", { start: at, end: at + 1 })] };
}

/** Parses the supported subset of Lucene query syntax. */
export function parseLucene(source: QuerySource): Result<Condition | null> {
  const at = source.toFile(0);
  return { value: null, diagnostics: [unsupported("LUCENE000", "the Lucene frontend is not implemented yet", { start: at, end: at + 1 })] };
}

/** Prints a condition back to KQL. */
export function printKql(condition: Condition): string {
  void condition;
  throw new Error("internal error: printKql is not implemented yet");
}

/** Folds Kibana filter objects into one condition (AND of the enabled filters), or null when there are none. */
export function foldFilters(filters: readonly KibanaFilter[]): Result<Condition | null> {
  const diagnostics: Diagnostic[] = [];
  if (filters.length > 0) diagnostics.push(unsupported("KQL000", "Kibana filters are not implemented yet", filters[0]?.span ?? null));
  return { value: null, diagnostics };
}
