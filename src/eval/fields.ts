/**
 * Field access on ECS events as Elasticsearch sees them.
 *
 * An event is a JSON object whose fields may be nested objects
 * (`{"process": {"name": "x"}}`), dotted keys (`{"process.name": "x"}`) or any
 * mix of both (`{"process.parent": {"name": "x"}}`). Elasticsearch flattens
 * all of them to the same field `process.name`, flattens arrays of objects
 * (`{"a": [{"b": 1}, {"b": 2}]}` gives `a.b = [1, 2]`), and ignores `null`
 * elements: a field whose values are all null, or an empty array, is missing.
 */

/** One path segment: a key, or an `[n]` array index (EQL array access). */
export type Segment = string | number;

/** Parses `a.b[0].c` into `["a", "b", 0, "c"]`. */
export function parsePath(path: string): readonly Segment[] {
  const out: Segment[] = [];
  for (const piece of path.split(".")) {
    const m = /^(.*?)((?:\[\d+\])+)$/.exec(piece);
    if (!m) {
      out.push(piece);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const ix of (m[2] as string).matchAll(/\[(\d+)\]/g)) out.push(Number(ix[1]));
  }
  return out;
}

function pushLeaves(value: unknown, out: unknown[]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const v of value) pushLeaves(v, out);
    return;
  }
  out.push(value);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Every value the field at `segments` holds in `node`, arrays flattened and
 * nulls dropped. Dotted keys are tried greedily at every level, so
 * `{"a.b": {"c": 1}}`, `{"a": {"b.c": 1}}` and `{"a.b.c": 1}` all answer `a.b.c`.
 */
export function collect(node: unknown, segments: readonly Segment[], from: number, out: unknown[]): void {
  if (from === segments.length) {
    pushLeaves(node, out);
    return;
  }
  if (Array.isArray(node)) {
    const seg = segments[from];
    if (typeof seg === "number") {
      // EQL array index: the n-th element of the array in source order.
      collect(node[seg], segments, from + 1, out);
      return;
    }
    for (const el of node) collect(el, segments, from, out);
    return;
  }
  if (!isObject(node)) return;
  const seg = segments[from];
  if (typeof seg === "number") return;
  let key = "";
  for (let j = from; j < segments.length; j++) {
    const s = segments[j];
    if (typeof s === "number") break;
    key = j === from ? (s as string) : `${key}.${s as string}`;
    if (Object.prototype.hasOwnProperty.call(node, key)) collect(node[key], segments, j + 1, out);
  }
}

/** The values of one field of an event (see `collect`). */
export function fieldValues(event: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(event, parsePath(path), 0, out);
  return out;
}

/** Every leaf field of an event under its flattened dotted name, with its values. */
export function flattenEvent(event: unknown): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  const walk = (node: unknown, prefix: string): void => {
    if (node === null || node === undefined) return;
    if (Array.isArray(node)) {
      for (const el of node) walk(el, prefix);
      return;
    }
    if (isObject(node)) {
      for (const [k, v] of Object.entries(node)) walk(v, prefix ? `${prefix}.${k}` : k);
      return;
    }
    let list = out.get(prefix);
    if (!list) out.set(prefix, (list = []));
    list.push(node);
  };
  walk(event, "");
  return out;
}

/** Sets `path` on a nested-object event (used by the generator). */
export function setField(event: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node: Record<string, unknown> = event;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i] as string;
    const next = node[p];
    if (!isObject(next)) {
      const fresh: Record<string, unknown> = {};
      node[p] = fresh;
      node = fresh;
    } else node = next;
  }
  node[parts[parts.length - 1] as string] = value;
}

/** Removes `path` from a nested-object event (used by the generator). */
export function deleteField(event: Record<string, unknown>, path: string): void {
  const parts = path.split(".");
  let node: unknown = event;
  for (let i = 0; i < parts.length - 1; i++) {
    if (!isObject(node)) return;
    node = node[parts[i] as string];
  }
  if (isObject(node)) delete node[parts[parts.length - 1] as string];
}

/**
 * Parses a timestamp the way an Elasticsearch `date` field with the default
 * format `strict_date_optional_time||epoch_millis` does: ISO-8601 strings, or
 * epoch milliseconds (number or numeric string). Returns null when unparsable.
 */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string") return null;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}
