/**
 * The Elasticsearch EQL function table: canonical names, arity, result type,
 * and whether a `~` (case-insensitive) variant exists.
 *
 * Source: the EQL function reference (elastic/elasticsearch
 * docs/reference/query-languages/eql/eql-function-ref.md), summarised in
 * shared/reference/eql-semantics.md section 3. Names resolve
 * case-insensitively (EqlFunctionRegistry lowercases them).
 */
import type { FunctionName } from "../../ir/nodes.js";

export interface FunctionInfo {
  readonly name: FunctionName;
  readonly minArgs: number;
  /** Infinity for variadic functions. */
  readonly maxArgs: number;
  /** The function returns a boolean, so it can stand alone as a condition. */
  readonly boolean: boolean;
  /** A `name~(...)` case-insensitive variant exists. */
  readonly insensitive: boolean;
}

const LIST: readonly FunctionInfo[] = [
  { name: "add", minArgs: 2, maxArgs: 2, boolean: false, insensitive: false },
  { name: "between", minArgs: 3, maxArgs: 4, boolean: false, insensitive: true },
  { name: "cidrMatch", minArgs: 2, maxArgs: Infinity, boolean: true, insensitive: false },
  { name: "concat", minArgs: 1, maxArgs: Infinity, boolean: false, insensitive: false },
  { name: "divide", minArgs: 2, maxArgs: 2, boolean: false, insensitive: false },
  { name: "endsWith", minArgs: 2, maxArgs: 2, boolean: true, insensitive: true },
  { name: "indexOf", minArgs: 2, maxArgs: 3, boolean: false, insensitive: true },
  { name: "length", minArgs: 1, maxArgs: 1, boolean: false, insensitive: false },
  { name: "modulo", minArgs: 2, maxArgs: 2, boolean: false, insensitive: false },
  { name: "multiply", minArgs: 2, maxArgs: 2, boolean: false, insensitive: false },
  { name: "number", minArgs: 1, maxArgs: 2, boolean: false, insensitive: false },
  { name: "startsWith", minArgs: 2, maxArgs: 2, boolean: true, insensitive: true },
  { name: "string", minArgs: 1, maxArgs: 1, boolean: false, insensitive: false },
  { name: "stringContains", minArgs: 2, maxArgs: 2, boolean: true, insensitive: true },
  { name: "substring", minArgs: 2, maxArgs: 3, boolean: false, insensitive: false },
  { name: "subtract", minArgs: 2, maxArgs: 2, boolean: false, insensitive: false },
];

const BY_LOWER: ReadonlyMap<string, FunctionInfo> = new Map(LIST.map((f) => [f.name.toLowerCase(), f]));
const BY_NAME: ReadonlyMap<FunctionName, FunctionInfo> = new Map(LIST.map((f) => [f.name, f]));

/** Looks a function up by its name as written (any case, without `~`). */
export function lookupFunction(written: string): FunctionInfo | undefined {
  return BY_LOWER.get(written.toLowerCase());
}

export function functionInfo(name: FunctionName): FunctionInfo {
  const f = BY_NAME.get(name);
  if (!f) throw new Error(`internal error: unknown function ${name}`);
  return f;
}

/** Functions Endgame EQL has but Elasticsearch does not (for a better message). */
export const ENDGAME_ONLY_FUNCTIONS: ReadonlySet<string> = new Set(["wildcard", "arraycontains", "arraycount", "arraysearch", "safe", "match", "matchlite"]);

export function arityText(f: FunctionInfo): string {
  if (f.maxArgs === Infinity) return `at least ${f.minArgs} argument${f.minArgs === 1 ? "" : "s"}`;
  if (f.minArgs === f.maxArgs) return `exactly ${f.minArgs} argument${f.minArgs === 1 ? "" : "s"}`;
  return `${f.minArgs} to ${f.maxArgs} arguments`;
}
