/**
 * KQL (kuery) and Lucene frontend entry points.
 */
import type { Condition } from "../../ir/nodes.js";
import type { Result } from "../../diagnostics/index.js";
import type { KibanaFilter } from "../rule-document.js";
import type { QuerySource } from "../source.js";
import { parseKqlCondition } from "./parser.js";
import { parseLuceneCondition } from "./lucene.js";
import { foldKibanaFilters } from "./filters.js";
import { printKqlCondition } from "./printer.js";

export { printLucene } from "./lucene.js";
export { MAX_DEPTH } from "./parser.js";

/** Parses and lowers a KQL query to a condition. `value` is null when there were errors. */
export function parseKql(source: QuerySource): Result<Condition | null> {
  return parseKqlCondition(source);
}

/** Parses the supported subset of Lucene query syntax. */
export function parseLucene(source: QuerySource): Result<Condition | null> {
  return parseLuceneCondition(source);
}

/**
 * Prints a condition back to canonical KQL: `parseKql(printKql(c))` deep-equals
 * `c` apart from spans. Accepts what `parseKql` produces; a condition KQL
 * cannot state (a case-insensitive match, a `?` wildcard, a regex, ...) is a
 * caller bug and throws. Use `kqlUnprintable` to ask first.
 */
export function printKql(condition: Condition): string {
  return printKqlCondition(condition);
}

export { kqlUnprintable } from "./printer.js";

/** Folds Kibana filter objects into one condition (AND of the enabled filters), or null when there are none. */
export function foldFilters(filters: readonly KibanaFilter[]): Result<Condition | null> {
  return foldKibanaFilters(filters);
}
