/**
 * EQL frontend entry point (placeholder until the EQL frontend lands: it
 * reports every query as unsupported, honestly).
 */
import type { Pipe, Query } from "../../ir/nodes.js";
import { type Result, unsupported } from "../../diagnostics/index.js";
import type { QuerySource } from "../source.js";

export interface EqlParse {
  readonly query: Query;
  readonly pipes: readonly Pipe[];
}

/** Parses and lowers an EQL query. `value` is null when there were errors. */
export function parseEql(source: QuerySource): Result<EqlParse | null> {
  const at = source.toFile(0);
  return { value: null, diagnostics: [unsupported("EQL000", "the EQL frontend is not implemented yet", { start: at, end: at + 1 })] };
}

/** Prints IR back to canonical EQL. */
export function printEql(query: Query, pipes: readonly Pipe[]): string {
  void query;
  void pipes;
  throw new Error("internal error: printEql is not implemented yet");
}
