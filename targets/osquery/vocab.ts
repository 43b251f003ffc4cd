/**
 * Two mapping steps the generic field map (src/mapping/apply.ts) has no data for,
 * both driven by a source's `emit` (fields/*.yaml):
 *
 * - `translateValues` (after mapping): an ECS field with no column of its own
 *   whose values a column tells (`event.type: creation` on ntfs_journal_events is
 *   `action = 'FileCreation'`). `emit.values` lists the whole vocabulary, so a
 *   value no list names is one the table never records: it matches no row. A
 *   wildcard value matches the vocabulary entries it matches. The result compares
 *   the column case-sensitively with osquery's own spellings.
 * - `withJsonFields` (before mapping): ECS fields under a prefix that live in a
 *   JSON column (`winlog.event_data.X` is `$.EventData.X` of windows_events
 *   `data`) get a mapping for exactly the names the query uses. Unnamed event
 *   data (`paramN` in Winlogbeat) is osquery's JSON array, element N-1.
 */
import type { Condition, EventQuery, MatchValue, Pattern, Span } from "../../src/ir/nodes.js";
import { mapLeaves } from "../../src/ir/nodes.js";
import { type Diagnostic, info, warning } from "../../src/diagnostics/index.js";
import { compilePattern } from "../../src/eval/patterns.js";
import { constant, constantOf, exactText, pattern, type FieldMapping, type SourceSpec } from "../../src/mapping/index.js";
import type { OsqueryEmit, ValueTable } from "./emit.js";

const T = { target: "osquery" } as const;

/** Folds constant operands of and/or/not. */
export function simplify(c: Condition): Condition {
  switch (c.kind) {
    case "and":
    case "or": {
      const absorbing = c.kind === "or";
      const ops: Condition[] = [];
      for (const o of c.operands) {
        const s = simplify(o);
        const k = constantOf(s);
        if (k === absorbing) return constant(absorbing, c.span);
        if (k === null) ops.push(s);
      }
      if (ops.length === 0) return constant(!absorbing, c.span);
      return ops.length === 1 ? (ops[0] as Condition) : { ...c, operands: ops };
    }
    case "not": {
      const s = simplify(c.operand);
      const k = constantOf(s);
      return k === null ? { ...c, operand: s } : constant(!k, c.span);
    }
    default:
      return c;
  }
}

/** The column values an ECS match value stands for, by the vocabulary table. */
function valuesFor(v: MatchValue, table: ValueTable, caseSensitive: boolean): string[] {
  const out: string[] = [];
  const exact = exactText(v);
  for (const [k, xs] of table.map) {
    const hit = v.kind === "pattern" && exact === null ? compilePattern(v.parts, caseSensitive)(k) : exact !== null && (caseSensitive ? exact === k : exact.toLowerCase() === k.toLowerCase());
    if (hit) for (const x of xs) if (!out.includes(x)) out.push(x);
  }
  return out;
}

/** Rewrites matches on vocabulary fields (left under their ECS names by the field map); returns the spans it handled. */
export function translateValues(c: Condition, tables: ReadonlyMap<string, ValueTable>, out: Diagnostic[]): { condition: Condition; handled: Span[] } {
  const handled: Span[] = [];
  const condition = mapLeaves(c, (leaf) => {
    if (leaf.kind !== "match" || leaf.subject.kind !== "field") return leaf;
    const table = tables.get(leaf.subject.path);
    if (!table) return leaf;
    const mapped: string[] = [];
    const unknown: string[] = [];
    for (const v of leaf.values) {
      const exact = exactText(v);
      const known = [...table.map.keys()].some((k) => (v.kind === "pattern" && exact === null ? compilePattern(v.parts, leaf.caseSensitive)(k) : exact !== null && (leaf.caseSensitive ? exact === k : exact.toLowerCase() === k.toLowerCase())));
      const xs = valuesFor(v, table, leaf.caseSensitive);
      // Not in the vocabulary, or in it with no column value (a table that never records it).
      if (!known || xs.length === 0) unknown.push(exact ?? (v.kind === "pattern" ? v.parts.map((x) => (x.kind === "text" ? x.value : x.kind === "any" ? "*" : "?")).join("") : ""));
      for (const x of xs) if (!mapped.includes(x)) mapped.push(x);
    }
    handled.push(leaf.subject.span);
    if (unknown.length)
      out.push(
        warning(
          "OSQUERY141",
          `\`${leaf.subject.path}\` ${unknown.map((u) => JSON.stringify(u)).join(", ")}: no row of this table has ${unknown.length === 1 ? "this value" : "these values"} (the values its rows are given: ${[...table.map].filter(([, xs]) => xs.length > 0).map(([k]) => k).join(", ")}), so ${unknown.length === 1 ? "it matches" : "they match"} nothing`,
          leaf.span,
          T,
        ),
      );
    out.push(
      info(
        "OSQUERY140",
        mapped.length
          ? `\`${leaf.subject.path}\` is told by \`${table.column}\`: ${mapped.map((x) => `'${x}'`).join(", ")}`
          : `\`${leaf.subject.path}\` never has these values in this table (its vocabulary is ${[...table.map.keys()].join(", ")})`,
        leaf.span,
        T,
      ),
    );
    if (mapped.length === 0) return constant(false, leaf.span);
    const values: MatchValue[] = mapped.map((x) => pattern([{ kind: "text", value: x }], leaf.span));
    return { ...leaf, subject: { ...leaf.subject, path: table.column, wildcard: false }, values, caseSensitive: true, operator: "==" };
  });
  return { condition: simplify(condition), handled };
}

/** Every field path a query mentions. */
function fieldPaths(x: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(x)) for (const y of x) fieldPaths(y, out);
  else if (x && typeof x === "object") {
    const o = x as Record<string, unknown>;
    if (o["kind"] === "field" && typeof o["path"] === "string") out.add(o["path"]);
    for (const v of Object.values(o)) if (v && typeof v === "object") fieldPaths(v, out);
  }
  return out;
}

const PARAM = /^param([1-9][0-9]*)$/;

/** The JSON target of an ECS field under one of the emit's JSON prefixes, or null. */
export function jsonTarget(emit: OsqueryEmit, path: string): string | null {
  for (const [prefix, target] of emit.json) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(rest)) return null;
    const p = PARAM.exec(rest);
    // Unnamed <Data> elements: Winlogbeat names them param1.., osquery keeps them as a JSON array.
    return p ? `${target.slice(0, -1)}[${Number(p[1]) - 1}]` : `${target}${rest}`;
  }
  return null;
}

/** The source with mappings for the JSON-column fields the query uses (the same source when it has none). */
export function withJsonFields(source: SourceSpec, emit: OsqueryEmit, query: EventQuery | null, extra: Iterable<string> = []): SourceSpec {
  if (emit.json.length === 0) return source;
  const fields = new Map<string, FieldMapping>(source.fields);
  for (const path of [...(query ? fieldPaths(query.condition, new Set()) : []), ...extra]) {
    if (fields.has(path)) continue;
    const t = jsonTarget(emit, path);
    if (t) fields.set(path, { to: [t], transform: null, separator: "\\", note: null });
  }
  return { ...source, fields };
}
