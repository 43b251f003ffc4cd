/**
 * The table and function schemas the Sentinel target knows (schema/kql-schema.json,
 * trimmed from shared/schemas/kql with its sources noted inside). Used to pick
 * null tests by column type, to type literals, and to reject a mapping that
 * names a column its table does not have.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../src/package-root.js";

/** KQL scalar type names as the schema writes them (string, long, int, real, bool, datetime, dynamic, guid, timespan). */
export type KqlType = string;

export interface KqlSchema {
  readonly tables: Readonly<Record<string, Readonly<Record<string, KqlType>>>>;
  readonly functions: Readonly<Record<string, { readonly parameters: string; readonly columns: Readonly<Record<string, KqlType>> }>>;
}

let cached: KqlSchema | null = null;

export function kqlSchema(): KqlSchema {
  if (!cached) cached = JSON.parse(readFileSync(join(packageRoot(), "targets/sentinel/schema/kql-schema.json"), "utf8")) as KqlSchema;
  return cached;
}

/** The columns of a table or function, or null when the schema does not know it (a user's own table). */
export function columnsOf(name: string): Readonly<Record<string, KqlType>> | null {
  const s = kqlSchema();
  if (Object.hasOwn(s.tables, name)) return s.tables[name] ?? null;
  if (Object.hasOwn(s.functions, name)) return s.functions[name]?.columns ?? null;
  return null;
}

/** Parameter names of a known function (from its declared parameter list). */
export function parametersOf(fn: string): readonly string[] | null {
  const s = kqlSchema();
  const f = Object.hasOwn(s.functions, fn) ? s.functions[fn] : undefined;
  if (!f) return null;
  return [...f.parameters.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*:/g)].map((m) => m[1] as string);
}

export function isNumericType(t: KqlType | undefined): boolean {
  return t === "int" || t === "long" || t === "real" || t === "double" || t === "decimal";
}
