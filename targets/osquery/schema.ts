/**
 * osquery's table schema (schema/tables.json, generated from osquery's specs;
 * see schema/README.md): which tables exist, on which platforms, with which columns.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../src/package-root.js";

export interface TableInfo {
  readonly name: string;
  readonly platforms: readonly string[];
  readonly evented: boolean;
  /** Column name -> type and flags (`text`, `bigint hidden`, ...). */
  readonly columns: ReadonlyMap<string, string>;
}

interface RawSchema {
  readonly tables: Record<string, { platforms: string[]; evented: boolean; columns: Record<string, string> }>;
}

let tables: Map<string, TableInfo> | null = null;

function load(): Map<string, TableInfo> {
  if (tables) return tables;
  const raw = JSON.parse(readFileSync(join(packageRoot(), "targets", "osquery", "schema", "tables.json"), "utf8")) as RawSchema;
  tables = new Map();
  for (const [name, t] of Object.entries(raw.tables)) {
    tables.set(name, { name, platforms: t.platforms, evented: t.evented, columns: new Map(Object.entries(t.columns)) });
  }
  return tables;
}

export function tableInfo(name: string): TableInfo | undefined {
  return load().get(name);
}

/** The SQL type of a column (`text`, `integer`, `bigint`, `double`, ...), or undefined. */
export function columnType(table: string, column: string): string | undefined {
  return tableInfo(table)?.columns.get(column)?.split(" ")[0];
}
