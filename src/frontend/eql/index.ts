/**
 * EQL frontend: Elasticsearch EQL (8.x/9.x) -> IR, and IR -> canonical EQL.
 *
 * - `parseEql` lexes (lexer.ts), parses and lowers (parser.ts) in one pass;
 *   every IR span is a file offset (through `QuerySource.toFile`).
 * - `printEql` prints canonical EQL (printer.ts) with the identity property
 *   `parseEql(printEql(ir))` deep-equals `ir` apart from spans.
 */
import type { Pipe, Query } from "../../ir/nodes.js";
import type { Result } from "../../diagnostics/index.js";
import type { QuerySource } from "../source.js";
import { parseQuery, type EqlParse } from "./parser.js";
import { printQuery } from "./printer.js";

export type { EqlParse } from "./parser.js";
export { wildcardPattern } from "./parser.js";
export { printCondition, printValue, UnprintableError } from "./printer.js";

/** Parses and lowers an EQL query. `value` is null when there were errors. */
export function parseEql(source: QuerySource): Result<EqlParse | null> {
  return parseQuery(source);
}

/**
 * Prints IR back to canonical EQL. Throws `UnprintableError` for IR that EQL
 * cannot express (KQL-only constructs such as free text, nested queries, field
 * wildcards or date math); IR produced by `parseEql` always prints.
 */
export function printEql(query: Query, pipes: readonly Pipe[]): string {
  return printQuery(query, pipes);
}
