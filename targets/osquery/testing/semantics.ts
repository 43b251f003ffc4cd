/**
 * Semantic agreement: ECS events become rows of the osquery tables a converted
 * query reads (through the same mapping source the target chose), the query runs
 * in SQLite, and the rows that come back must be exactly the events the reference
 * evaluator (src/eval) says match.
 *
 * An event missing a field the source implies (`implied`, e.g. host.os.type for
 * a Windows table) gets the implied value, for the evaluator too: every row of
 * that table has it. An event is inserted only when the data source could have
 * produced it: it carries every value the source implies, each mapped field has one
 * value, and fields that share a column agree (process.name is the last
 * component of process.executable; process.args joined by spaces is
 * process.command_line). Other events are reported as skipped, with the reason.
 * When only the derived field is present (process.name without
 * process.executable), osquery would still record the whole column: the row
 * gets an invented one (`X:\rp\<name>`, `/rp/<name>`), and the event gets the
 * field that column stands for, so the evaluator judges the same event.
 */
import type { Database, SqlValue } from "sql.js";
import type { RuleIR } from "../../../src/ir/nodes.js";
import type { RuleDocument } from "../../../src/frontend/rule-document.js";
import { lookupField, type MappingSpec } from "../../../src/mapping/index.js";
import { flattenEvent } from "../../../src/eval/fields.js";
import { evaluate } from "../../../src/eval/evaluate.js";
import { parseEmit, type ValueTable } from "../emit.js";
import { chosenSource } from "../index.js";
import { withJsonFields } from "../vocab.js";
import { insert, ROW, rows } from "./sqlite.js";

export interface Agreement {
  readonly inserted: number;
  readonly skipped: readonly { readonly index: number; readonly reason: string }[];
  /** Event indexes the evaluator matches, among the inserted ones. */
  readonly expected: readonly number[];
  /** Event indexes whose rows the query returned. */
  readonly got: readonly number[];
  readonly agree: boolean;
}

type Row = Record<string, SqlValue>;

function sqlValue(v: unknown): SqlValue | undefined {
  if (typeof v === "string" || typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

/** A column value no vocabulary lists (a row whose ECS value is none of the vocabulary's). */
const OTHER = "rp-other";
/** `alias.column:$.path` (a JSON column). */
const JSON_TARGET = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*):\$(.*)$/;

/** Sets `$<path>` (`.A.B` or `.A[0]`) in the JSON text of `row[col]`; an error message on a conflict. */
function setJson(row: Row, col: string, path: string, value: string): string | null {
  const doc: unknown = row[col] === undefined ? {} : JSON.parse(String(row[col]));
  const steps = [...path.matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));
  let at: unknown = doc;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as string | number;
    const last = i === steps.length - 1;
    const next = steps[i + 1];
    const container = at as Record<string, unknown> | unknown[];
    if (typeof step === "number" ? !Array.isArray(container) : Array.isArray(container) || typeof container !== "object" || container === null) return `${path} mixes named and unnamed event data`;
    const cur = (container as Record<string | number, unknown>)[step];
    if (last) {
      if (cur !== undefined && cur !== value) return `${path} has two values`;
      if (typeof step === "number" && step > (container as unknown[]).length) return `${path} skips unnamed event data`;
      (container as Record<string | number, unknown>)[step] = value;
    } else {
      if (cur === undefined) (container as Record<string | number, unknown>)[step] = typeof next === "number" ? [] : {};
      at = (container as Record<string | number, unknown>)[step];
    }
  }
  row[col] = JSON.stringify(doc);
  return null;
}

/** ECS file.extension of a path: what follows the last "." of its last component (none without one). */
function extensionOf(s: string, sep: string): string | null {
  const name = basename(s, sep);
  const i = name.lastIndexOf(".");
  return i < 0 || i === name.length - 1 ? null : name.slice(i + 1);
}

function basename(s: string, sep: string): string {
  const i = s.lastIndexOf(sep);
  return i < 0 ? s : s.slice(i + 1);
}

interface EventRows {
  readonly base: Row;
  readonly joined: ReadonlyMap<string, Row>;
}

export function eventRows(
  events: readonly object[],
  rule: RuleIR,
  document: RuleDocument,
  mapping: MappingSpec,
  os?: string,
): { tables: Map<string, Row[]>; represented: (EventRows | string)[]; events: object[] } {
  if (rule.query.kind !== "event") throw new Error("eventRows: only event queries");
  const chosen = chosenSource(rule.query, rule, document, mapping, "events", os);
  if (!chosen) throw new Error("eventRows: no source");
  const parsed = parseEmit(chosen, mapping.file, null).value;
  if (!parsed || parsed.kind !== "table") throw new Error("eventRows: source without a table");
  const emit = parsed.emit;
  // JSON-column fields of every event (not only those the query names): they all fill the JSON document.
  const source = withJsonFields(chosen, emit, null, events.flatMap((e) => [...flattenEvent(e).keys()]));
  const ctx = { spec: mapping, source, target: "osquery", code: "OSQUERY" };
  const tables = new Map<string, Row[]>();
  const add = (t: string, r: Row) => tables.set(t, [...(tables.get(t) ?? []), r]);
  const represented: (EventRows | string)[] = [];
  const joinRowsByKey = new Map<string, string>();
  const augmented = events.map((e) => {
    const flat = flattenEvent(e);
    const extra: Record<string, unknown> = {};
    for (const [f, vals] of source.implied) if (!flat.has(f)) extra[f] = vals.length === 1 ? vals[0] : [...vals];
    return Object.keys(extra).length ? { ...e, ...extra } : e;
  });

  const plainFieldFor = (column: string): string | null => {
    for (const fields of [source.fields, mapping.fields])
      for (const [ecs, fm] of fields) if (!fm.transform && fm.to.includes(column)) return ecs;
    return null;
  };

  augmented.forEach((event, index) => {
    const flat = flattenEvent(event);
    const additions: Record<string, unknown> = {};
    // The source's rows carry exactly the implied values (a case variant is another event).
    for (const [f, vals] of source.implied) {
      const have = (flat.get(f) ?? []).map(String);
      if (!vals.every((v) => have.includes(v))) {
        represented.push(`\`${f}\` is not ${vals.join("/")}, which the source \`${source.id}\` implies`);
        return;
      }
    }
    const rowsByAlias = new Map<string, Row>([[emit.alias, { [ROW]: index }]]);
    const rowOf = (alias: string): Row => {
      let r = rowsByAlias.get(alias);
      if (!r) rowsByAlias.set(alias, (r = { [ROW]: -1 - index }));
      return r;
    };
    const split = (name: string): [string, string] => {
      const dot = name.indexOf(".");
      return dot < 0 ? [emit.alias, name] : [name.slice(0, dot), name.slice(dot + 1)];
    };
    // Plain renames first, then the transforms (which must agree with them).
    const deferred: [string, unknown[], ReturnType<typeof lookupField>][] = [];
    let problem: string | null = null;
    for (const [path, values] of flat) {
      const fm = lookupField(ctx, path);
      if (!fm || fm.to.length === 0) continue;
      if (fm.transform) {
        deferred.push([path, values, fm]);
        continue;
      }
      if (values.length !== 1) {
        problem ??= `\`${path}\` has ${values.length} values; an osquery column holds one`;
        continue;
      }
      const v = sqlValue(values[0]);
      if (v === undefined) continue;
      for (const name of fm.to) {
        const json = JSON_TARGET.exec(name);
        if (json) {
          // A JSON column: osquery writes every event data value as a string.
          const r = rowOf(json[1] as string);
          const err = setJson(r, json[2] as string, json[3] as string, String(v));
          if (err) problem ??= `\`${path}\`: ${err}`;
          else if (typeof v !== "string") additions[path] = String(v);
          continue;
        }
        const [alias, col] = split(name);
        const r = rowOf(alias);
        if (r[col] !== undefined && r[col] !== v) problem ??= `\`${path}\` and another field both fill ${name}`;
        r[col] = v;
      }
    }
    deferred.sort((a, b) => Number(a[2]?.transform === "extension") - Number(b[2]?.transform === "extension"));
    for (const [path, values, fm] of deferred) {
      if (!fm) continue;
      for (const name of fm.to) {
        const [alias, col] = split(name);
        const r = rowOf(alias);
        const have = r[col];
        if (fm.transform === "basename") {
          if (values.length !== 1 || typeof values[0] !== "string") {
            problem ??= `\`${path}\` must be one string`;
            continue;
          }
          const v = values[0];
          if (have === undefined) {
            r[col] = `${fm.separator === "/" ? "/rp/" : "X:\\rp\\"}${v}`;
            const plain = plainFieldFor(name);
            if (plain) additions[plain] = r[col];
          }
          else if (typeof have !== "string" || basename(have, fm.separator) !== v) problem ??= `\`${path}\` is not the last component of ${name}`;
        } else if (fm.transform === "extension") {
          if (values.length !== 1 || typeof values[0] !== "string" || values[0] === "" || /[./\\]/.test(values[0])) {
            problem ??= `\`${path}\` must be one extension without "." or separators`;
            continue;
          }
          const v = values[0];
          if (have === undefined) {
            r[col] = `${fm.separator === "/" ? "/rp/" : "X:\\rp\\"}x.${v}`;
            const plain = plainFieldFor(name);
            if (plain) additions[plain] = r[col];
          } else if (typeof have !== "string" || extensionOf(have, fm.separator) !== v) problem ??= `\`${path}\` is not the extension of ${name}`;
        } else {
          const v = values.map(String).join(" ");
          if (have === undefined) {
            r[col] = v;
            const plain = plainFieldFor(name);
            if (plain) additions[plain] = v;
          }
          else if (have !== v) problem ??= `\`${path}\` joined by spaces is not ${name}`;
        }
      }
    }
    // Fields derived from a column the row has (process.name from the path): the event carries them too.
    for (const fields of [source.fields, mapping.fields])
      for (const [ecs, fm] of fields) {
        if (flat.has(ecs) || ecs in additions || fm.to.length !== 1 || (fm.transform !== "basename" && fm.transform !== "extension")) continue;
        const [alias, col] = split(fm.to[0] as string);
        const have = rowsByAlias.get(alias)?.[col];
        if (typeof have !== "string") continue;
        const d = fm.transform === "basename" ? basename(have, fm.separator) : extensionOf(have, fm.separator);
        if (d !== null) additions[ecs] = d;
      }
    // Vocabulary fields (emit.values): one column value whose ECS values are exactly the event's.
    const byColumn = new Map<string, [string, ValueTable][]>();
    for (const [f, t] of emit.values) byColumn.set(t.column, [...(byColumn.get(t.column) ?? []), [f, t]]);
    for (const [column, tables] of byColumn) {
      const [alias, col] = split(column);
      const fixed = alias === emit.alias ? emit.where.find(([c]) => c === col)?.[1] : undefined;
      // None of the fields: the column stays empty (NULL), unless the source fixes its values.
      if (!fixed && tables.every(([f]) => !flat.has(f))) continue;
      const r = rowOf(alias);
      // OTHER first: an event without these fields is a row whose value none of them names.
      const candidates = [OTHER, ...new Set(tables.flatMap(([, t]) => [...t.map.values()].flat()))].filter((x) => !fixed || fixed.includes(x));
      const inverse = (t: ValueTable, x: string) => [...t.map].filter(([, xs]) => xs.includes(x)).map(([k]) => k).sort();
      const fits = candidates.filter((x) =>
        (r[col] === undefined || r[col] === x) &&
        tables.every(([f, t]) => {
          const have = flat.get(f);
          return have === undefined || JSON.stringify([...new Set(have.map(String))].sort()) === JSON.stringify(inverse(t, x));
        }),
      );
      const x = fits[0];
      if (x === undefined) {
        problem ??= `no \`${column}\` value stands for ${tables.map(([f]) => `\`${f}\` ${JSON.stringify(flat.get(f) ?? null)}`).join(" and ")}`;
        continue;
      }
      r[col] = x;
      for (const [f, t] of tables) {
        const inv = inverse(t, x);
        if (!flat.has(f) && inv.length > 0) additions[f] = inv.length === 1 ? inv[0] : inv;
      }
    }
    if (problem) {
      represented.push(problem);
      return;
    }
    const base = rowOf(emit.alias);
    for (const [col, vals] of emit.where) if (base[col] === undefined || !vals.includes(String(base[col]))) base[col] = vals[0] as string;
    // Joined rows: link them to the base row through the join columns.
    const joined = new Map<string, Row>();
    for (const j of emit.joins) {
      const jr = rowsByAlias.get(j.alias);
      if (!jr) {
        // No joined row: another event's row with the same key would join this event's row too.
        if (j.on.every(([, bc]) => base[bc] !== undefined)) {
          const key = `${j.table}:${j.on.map(([, bc]) => String(base[bc])).join(",")}`;
          const prior = joinRowsByKey.get(key);
          if (prior !== undefined && prior !== "none") problem ??= `another event's ${j.table} row has the same key`;
          if (prior === undefined) joinRowsByKey.set(key, "none");
        }
        continue;
      }
      for (const [jc, bc] of j.on) {
        if (base[bc] === undefined && jr[jc] === undefined) base[bc] = 900000 + index;
        if (jr[jc] === undefined) jr[jc] = base[bc] as SqlValue;
        else if (base[bc] === undefined) base[bc] = jr[jc] as SqlValue;
        else if (base[bc] !== jr[jc]) problem ??= `${j.alias}.${jc} and ${emit.alias}.${bc} differ`;
      }
      const key = `${j.table}:${j.on.map(([jc]) => String(jr[jc])).join(",")}`;
      const content = JSON.stringify(Object.entries(jr).filter(([k]) => k !== ROW).sort());
      const prior = joinRowsByKey.get(key);
      if (prior !== undefined && prior !== content) problem ??= `another event's ${j.table} row has the same key`;
      if (prior === undefined) joinRowsByKey.set(key, content);
      joined.set(j.table, jr);
    }
    if (problem) {
      represented.push(problem);
      return;
    }
    // Live profile: the base table may also be `processes`; keep child pids apart from parent pids.
    if (emit.table === "processes" && base["pid"] === undefined) base["pid"] = 500000 + index;
    if (Object.keys(additions).length) augmented[index] = { ...event, ...additions };
    add(emit.table, base);
    for (const [t, r] of joined) add(t, r);
    represented.push({ base, joined });
  });
  return { tables, represented, events: augmented };
}

/** Inserts the events' rows, runs the query, and compares with the evaluator. */
/** `os`: the operating system of one query of a rule split per platform (PackEntry.os). */
export function checkAgreement(db: Database, sql: string, events: readonly object[], rule: RuleIR, document: RuleDocument, mapping: MappingSpec, os?: string): Agreement {
  const { tables, represented, events: augmented } = eventRows(events, rule, document, mapping, os);
  for (const [t, rs] of tables) for (const r of rs) insert(db, t, r);
  const inserted = new Set<number>();
  const skipped: { index: number; reason: string }[] = [];
  represented.forEach((r, i) => (typeof r === "string" ? skipped.push({ index: i, reason: r }) : inserted.add(i)));
  const result = evaluate(rule, augmented);
  const expected = [...new Set(result.alerts.flatMap((a) => a.events))].filter((i) => inserted.has(i)).sort((a, b) => a - b);
  const got = [...new Set(rows(db, sql).map((r) => r[ROW]).filter((x): x is number => typeof x === "number" && x >= 0))].sort((a, b) => a - b);
  return { inserted: inserted.size, skipped, expected, got, agree: JSON.stringify(expected) === JSON.stringify(got) };
}
