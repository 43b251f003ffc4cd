/**
 * Output validation with Microsoft's own Kusto parser and semantic analyser
 * (npm @kusto/language-service-next, a Bridge.NET build of Kusto.Language).
 * Used by the tests and scripts/conformance-sentinel.mjs, never by convert.
 *
 * The database is built from schema/kql-schema.json: every table with its
 * columns, every ASIM parser as a function with its declared parameters whose
 * body is an empty `datatable` of the ASIM schema's columns, so calls with
 * unknown parameters and reads of unknown columns are errors.
 */
import { createRequire } from "node:module";
import { kqlSchema } from "./schema.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

let state: Any = null;
let K: Any = null;

function load(): Any {
  if (K) return K;
  const require = createRequire(import.meta.url);
  require("@kusto/language-service-next/bridge.js");
  require("@kusto/language-service-next/Kusto.Language.Bridge.js");
  K = (globalThis as Any).Kusto.Language;
  return K;
}

function schemaText(columns: Readonly<Record<string, string>>): string {
  return Object.entries(columns)
    .map(([name, type]) => `['${name}']:${type}`)
    .join(", ");
}

function globals(): Any {
  if (state) return state;
  const L = load();
  const S = L.Symbols;
  const schema = kqlSchema();
  const members: Any[] = [];
  for (const [name, cols] of Object.entries(schema.tables)) members.push(new S.TableSymbol.$ctor7(name, `(${schemaText(cols)})`, null));
  for (const [name, fn] of Object.entries(schema.functions))
    members.push(new S.FunctionSymbol.$ctor16(name, fn.parameters, `{ datatable(${schemaText(fn.columns)})[] }`, null));
  const db = new S.DatabaseSymbol.$ctor1("sentinel", members, false);
  state = L.GlobalState.Default.WithDatabase(db);
  return state;
}

export interface KustoProblem {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly start: number;
}

/** Parses and analyses a query; returns every error (syntax and semantic). */
export function analyzeKql(query: string): KustoProblem[] {
  const L = load();
  const code = L.KustoCode.ParseAndAnalyze(query, globals());
  const diags = code.GetDiagnostics();
  const out: KustoProblem[] = [];
  for (let i = 0; i < diags.Count; i++) {
    const d = diags.getItem(i);
    if (String(d.Severity) !== "Error") continue;
    out.push({ code: String(d.Code), severity: String(d.Severity), message: String(d.Message), start: Number(d.Start) });
  }
  return out;
}

/** Every string literal of a query, decoded, in source order (for property tests). */
export function stringLiterals(query: string): string[] {
  const L = load();
  const code = L.KustoCode.ParseAndAnalyze(query, globals());
  const out: string[] = [];
  code.Syntax.WalkElements((el: Any) => {
    if (el.Kind === L.Syntax.SyntaxKind.StringLiteralExpression) out.push(String(el.LiteralValue));
  });
  return out;
}
