/**
 * A checked, field-mapped IR condition -> a Sigma `detection` section: named
 * search identifiers (maps are AND, lists of maps are OR) and a readable
 * `condition` over them.
 *
 * Layout, as a Sigma maintainer writes it:
 * - the positive conjuncts that fit one map form `selection`;
 * - other positive parts get `selection_<field>` (`selection_parent` when they
 *   only test parent-process fields);
 * - each negated conjunct becomes `filter_<field>`; two or more are written
 *   `not 1 of filter_*`;
 * - what fits no search identifier is written with and/or/not and brackets.
 */
import type { Condition } from "../../src/ir/nodes.js";
import { type Item, isLeaf, itemKey, leafItems } from "./items.js";
import type { SigmaScalar } from "./values.js";
import { ownText } from "../../src/own-text.js";

/** A search identifier's value: a map (AND of items), a list of maps (OR), or a keyword list. */
type Det =
  | { readonly kind: "map"; readonly items: readonly Item[] }
  | { readonly kind: "list"; readonly maps: readonly (readonly Item[])[] }
  | { readonly kind: "keywords"; readonly values: readonly SigmaScalar[] };

function mergeInto(map: readonly Item[], item: Item): Item[] | null {
  const key = itemKey(item);
  const allKey = [item.field ?? "", ...withAll(item.modifiers)].join("|");
  const at = map.findIndex((x) => {
    const k = itemKey(x);
    return k === key || k === allKey;
  });
  return at < 0 ? [...map, item] : mergeAll(map, at, item);
}

function withAll(mods: readonly string[]): string[] {
  if (mods.includes("all")) return [...mods];
  const i = mods.indexOf("contains");
  return i < 0 ? [...mods, "all"] : [...mods.slice(0, i + 1), "all", ...mods.slice(i + 1)];
}

/** `F|contains: a` AND `F|contains: b` -> `F|contains|all: [a, b]`; other collisions cannot share a map. */
function mergeAll(map: readonly Item[], at: number, item: Item): Item[] | null {
  const existing = map[at] as Item;
  const single = (x: Item) => x.values.length === 1 || x.modifiers.includes("all");
  if (!item.modifiers.includes("contains") || item.modifiers.includes("all") || !single(existing) || item.values.length !== 1) return null;
  const values = [...existing.values];
  for (const v of item.values) if (!values.includes(v)) values.push(v);
  const merged: Item = { field: existing.field, modifiers: values.length > 1 ? withAll(item.modifiers) : item.modifiers, values };
  return map.map((x, k) => (k === at ? merged : x));
}

/** buildTop and expr ask for the same sub-conditions' layouts again; each is computed once. */
const detCache = new WeakMap<Condition, Det | null>();

function toDet(c: Condition): Det | null {
  let d = detCache.get(c);
  if (d === undefined) detCache.set(c, (d = computeDet(c)));
  return d;
}

function computeDet(c: Condition): Det | null {
  if (isLeaf(c)) {
    const items = leafItems(c).items;
    if (items.length === 0) return null;
    if (items.every((i) => i.field === null && i.modifiers.length === 0)) return { kind: "keywords", values: items.flatMap((i) => i.values) };
    if (items.some((i) => i.field === null)) return null;
    if (items.length === 1) return { kind: "map", items };
    return { kind: "list", maps: items.map((i) => [i]) };
  }
  switch (c.kind) {
    case "and": {
      let map: Item[] = [];
      for (const o of c.operands) {
        const d = toDet(o);
        if (!d || d.kind !== "map") return null;
        for (const item of d.items) {
          const next = mergeInto(map, item);
          if (!next) return null;
          map = next;
        }
      }
      return { kind: "map", items: map };
    }
    case "or": {
      const maps: (readonly Item[])[] = [];
      const keywords: SigmaScalar[] = [];
      for (const o of c.operands) {
        const d = toDet(o);
        if (!d) return null;
        if (d.kind === "map") maps.push(d.items);
        else if (d.kind === "list") maps.push(...d.maps);
        else keywords.push(...d.values);
      }
      if (keywords.length > 0) return maps.length === 0 ? { kind: "keywords", values: dedupe(keywords) } : null;
      return simplifyList(maps);
    }
    case "not":
      return null;
    default:
      return null;
  }
}

function dedupe(values: readonly SigmaScalar[]): SigmaScalar[] {
  return [...new Set(values)];
}

/** OR of single-item maps on one key (without `all`) is one item with a value list. */
function simplifyList(maps: readonly (readonly Item[])[]): Det {
  const first = maps[0]?.[0];
  if (
    first &&
    maps.every((m) => m.length === 1 && itemKey(m[0] as Item) === itemKey(first)) &&
    !first.modifiers.includes("all") &&
    !first.modifiers.includes("exists")
  ) {
    return { kind: "map", items: [{ ...first, values: dedupe(maps.flatMap((m) => (m[0] as Item).values)) }] };
  }
  return { kind: "list", maps };
}

/** Both are one-item maps on the same field and modifiers, whose values can be OR-ed in one list. */
function sameSingleKey(a: Det, b: Det): boolean {
  if (a.kind !== "map" || b.kind !== "map" || a.items.length !== 1 || b.items.length !== 1) return false;
  const x = a.items[0] as Item;
  const y = b.items[0] as Item;
  return itemKey(x) === itemKey(y) && !x.modifiers.includes("all") && !x.modifiers.includes("exists");
}

function detFields(d: Det): string[] {
  switch (d.kind) {
    case "map":
      return d.items.map((i) => i.field ?? "");
    case "list":
      return d.maps.flatMap((m) => m.map((i) => i.field ?? ""));
    case "keywords":
      return [];
  }
}

function hintOf(d: Det): string {
  if (d.kind === "keywords") return "keywords";
  const fields = detFields(d).filter((f) => f !== "");
  if (fields.length > 0 && fields.every((f) => f.startsWith("Parent"))) return "parent";
  return fieldHint(fields[0] ?? "value");
}

/** A field's last name component as a lowercase identifier part (cached: field names repeat). */
const FIELD_HINTS = new Map<string, string>();
function fieldHint(f: string): string {
  let h = FIELD_HINTS.get(f);
  if (h === undefined) {
    const last = f.split(/[.\/]/).pop() ?? f;
    h = last.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "").toLowerCase() || "value";
    if (FIELD_HINTS.size >= 4096) FIELD_HINTS.clear();
    FIELD_HINTS.set(ownText(f), h); // kept across rules: not a piece of this rule's text
  }
  return h;
}

/** A search identifier's map (a Map: its keys are computed, see yaml.ts). */
function itemObject(items: readonly Item[]): Map<string, unknown> {
  const o = new Map<string, unknown>();
  for (const i of items) o.set(itemKey(i), i.values.length === 1 ? i.values[0] : [...i.values]);
  return o;
}

function detValue(d: Det): unknown {
  switch (d.kind) {
    case "map":
      return itemObject(d.items);
    case "list":
      return d.maps.map(itemObject);
    case "keywords":
      return [...d.values];
  }
}

type Prec = 1 | 2 | 3 | 4; // or < and < not < atom

interface Expr {
  readonly text: string;
  readonly prec: Prec;
}

class Names {
  readonly entries: [string, unknown][] = [];
  private readonly used = new Set<string>(["condition"]);
  add(base: string, d: Det): string {
    let name = base;
    for (let k = 2; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    this.entries.push([name, detValue(d)]);
    return name;
  }
}

function paren(e: Expr, min: Prec): string {
  return e.prec < min ? `(${e.text})` : e.text;
}

/** Builds the detection section of a checked, mapped condition: search identifiers in order, then `condition`. */
export function buildDetection(c: Condition): ReadonlyMap<string, unknown> {
  const names = new Names();
  const top = buildTop(c, names);
  const detection = new Map<string, unknown>(names.entries);
  detection.set("condition", top);
  return detection;
}

function buildTop(c: Condition, names: Names): string {
  const whole = toDet(c);
  if (whole) return names.add(whole.kind === "keywords" ? "keywords" : "selection", whole);
  if (c.kind !== "and") return expr(c, names).text;

  const positives: Condition[] = [];
  const negatives: Condition[] = [];
  for (const o of c.operands) (o.kind === "not" ? negatives : positives).push(o.kind === "not" ? o.operand : o);

  const parts: string[] = [];
  // One `selection` map from the positive conjuncts that fit it, in order.
  let map: Item[] | null = null;
  const rest: Condition[] = [];
  for (const p of positives) {
    const d = toDet(p);
    if (d && d.kind === "map") {
      let next: Item[] | null = map ?? [];
      for (const item of d.items) next = next ? mergeInto(next, item) : null;
      if (next) {
        map = next;
        continue;
      }
    }
    rest.push(p);
  }
  if (map) parts.push(names.add("selection", { kind: "map", items: map }));
  for (const p of rest) {
    const d = toDet(p);
    if (d) parts.push(names.add(map === null && parts.length === 0 ? "selection" : `selection_${hintOf(d)}`, d));
    else parts.push(paren(expr(p, names), 2));
  }
  // `not A and not B` is `not (A or B)`: negated single items on one key share one filter.
  const filterDets: Det[] = [];
  const otherNegatives: string[] = [];
  for (const n of negatives) {
    const d = toDet(n);
    if (!d) {
      otherNegatives.push(`not ${paren(expr(n, names), 3)}`);
      continue;
    }
    const at = filterDets.findIndex((f) => sameSingleKey(f, d));
    const prev = filterDets[at];
    if (prev?.kind === "map" && d.kind === "map") filterDets[at] = simplifyList([...prev.items, ...d.items].map((i) => [i]));
    else filterDets.push(d);
  }
  const filters = filterDets.map((d) => names.add(`filter_${hintOf(d)}`, d));
  if (filters.length === 1) parts.push(`not ${filters[0]}`);
  else if (filters.length > 1) parts.push("not 1 of filter_*");
  parts.push(...otherNegatives);
  return parts.join(" and ");
}

function expr(c: Condition, names: Names): Expr {
  const d = toDet(c);
  if (d) return { text: names.add(d.kind === "keywords" ? "keywords" : `selection_${hintOf(d)}`, d), prec: 4 };
  switch (c.kind) {
    case "and":
      return { text: c.operands.map((o) => paren(expr(o, names), 2)).join(" and "), prec: 2 };
    case "or":
      // and-operands of an or get brackets too: Sigma readers should not need the precedence table
      return { text: c.operands.map((o) => { const e = expr(o, names); return paren(e, e.prec === 2 ? 3 : 1); }).join(" or "), prec: 1 };
    case "not":
      return { text: `not ${paren(expr(c.operand, names), 3)}`, prec: 3 };
    default:
      // A checked leaf always has items.
      throw new Error(`internal error: leaf ${c.kind} has no Sigma items after the capability check`);
  }
}
