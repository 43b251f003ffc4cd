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
import { assertNever } from "../../src/ir/nodes.js";
import { type Diagnostic, info, warning } from "../../src/diagnostics/index.js";
import { exactText, pattern, type FieldMapping, type SourceSpec } from "../../src/mapping/index.js";
import type { OsqueryEmit, ValueTable } from "./emit.js";

const T = { target: "osquery" } as const;

function mapLeaves(c: Condition, f: (leaf: Condition) => Condition): Condition {
  switch (c.kind) {
    case "and":
    case "or":
      return { ...c, operands: c.operands.map((o) => mapLeaves(o, f)) };
    case "not":
      return { ...c, operand: mapLeaves(c.operand, f) };
    case "nested":
    case "match":
    case "compare":
    case "regex-match":
    case "exists":
    case "test":
    case "fulltext":
      return f(c);
    default:
      return assertNever(c, "condition");
  }
}

function constant(value: boolean, span: Span): Condition {
  return { kind: "test", value: { kind: "boolean", value, span }, span };
}
function constantOf(c: Condition): boolean | null {
  return c.kind === "test" && c.value.kind === "boolean" ? c.value.value : null;
}

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

/** Whether a wildcard pattern matches a text (`*` any run, `?` one character). */
function patternMatches(p: Pattern, text: string, caseSensitive: boolean): boolean {
  const norm = (s: string) => (caseSensitive ? s : s.toLowerCase());
  const re = p.parts
    .map((x) => (x.kind === "text" ? norm(x.value).replace(/[.*+?^${}()|[\]\\]/g, "\\$&") : x.kind === "any" ? "[\\s\\S]*" : "[\\s\\S]"))
    .join("");
  return new RegExp(`^${re}$`, "u").test(norm(text));
}

/** The column values an ECS match value stands for, by the vocabulary table. */
function valuesFor(v: MatchValue, table: ValueTable, caseSensitive: boolean): string[] {
  const out: string[] = [];
  const exact = exactText(v);
  for (const [k, xs] of table.map) {
    const hit = v.kind === "pattern" && exact === null ? patternMatches(v, k, caseSensitive) : exact !== null && (caseSensitive ? exact === k : exact.toLowerCase() === k.toLowerCase());
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
      const known = [...table.map.keys()].some((k) => (v.kind === "pattern" && exact === null ? patternMatches(v, k, leaf.caseSensitive) : exact !== null && (leaf.caseSensitive ? exact === k : exact.toLowerCase() === k.toLowerCase())));
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

/**
 * A match the source guarantees although a value has wildcards (`event.action like ("exec", "Process
 * Create*")` on a table whose rows all carry `event.action: exec`): every row has the implied values,
 * so a leaf one of whose values matches one of them holds on every row. The field map only drops
 * leaves of exact values; this runs before it and leaves everything else to it.
 */
export function impliedByPattern(c: Condition, source: SourceSpec, out: Diagnostic[]): Condition {
  const done = mapLeaves(c, (leaf) => {
    if (leaf.kind !== "match" || leaf.subject.kind !== "field" || leaf.subject.wildcard) return leaf;
    const implied = source.implied.get(leaf.subject.path);
    if (!implied || leaf.values.every((v) => exactText(v) !== null)) return leaf;
    const holds = leaf.values.some((v) => implied.some((i) => (v.kind === "pattern" ? patternMatches(v, i, leaf.caseSensitive) : (leaf.caseSensitive ? exactText(v) === i : exactText(v)?.toLowerCase() === i.toLowerCase()))));
    if (!holds) return leaf;
    out.push(info("OSQUERY101", `\`${leaf.subject.path}\` is guaranteed by the data source \`${source.id}\` (its rows carry ${implied.join(", ")}, which a value here matches); the condition is left out`, leaf.span, T));
    return constant(true, leaf.span);
  });
  return simplify(done);
}
