/**
 * Named IR rewrites the Splunk target runs around field mapping.
 *
 * - `extensionToName` (before mapping): ECS defines `file.extension` as the
 *   part of `file.name` after the last dot, so `file.extension == "js"` holds
 *   exactly when `file.name` ends with `.js`, for an extension without dots or
 *   wildcards. Used when the source maps `file.name` but not `file.extension`.
 * - `mapValues` (after mapping): a source's `emit.values` table maps an ECS
 *   field's vocabulary onto a target field's (`event.type: creation` ->
 *   `Filesystem.action: created`, or -> `EventCode IN (11, ...)`). A match
 *   whose values are all exact and all in the table is rewritten; anything else
 *   is left to the mapping's unmapped policy.
 */
import type { Condition, MatchValue, Span } from "../../src/ir/nodes.js";
import { assertNever, mapLeaves } from "../../src/ir/nodes.js";
import { type Diagnostic, info } from "../../src/diagnostics/index.js";
import { exactText, pattern } from "../../src/mapping/index.js";

/**
 * `map`: each ECS value becomes one or more target values. `exists` / `missing`:
 * the ECS value is told by whether the target field is present (CloudTrail
 * writes `errorCode` only for failed calls: `event.outcome` failure / success).
 */
export interface ValueMap {
  readonly field: string;
  readonly map: ReadonlyMap<string, readonly (string | number)[]>;
  readonly exists: string | null;
  readonly missing: string | null;
}


/** Rewrites exact `file.extension` matches to suffix matches on `into` (`file.name`, or `file.path`, which ends the same way). */
export function extensionToName(c: Condition, into: "file.name" | "file.path", out: Diagnostic[]): Condition {
  return mapLeaves(c, (leaf) => {
    if (leaf.kind !== "match" || leaf.subject.kind !== "field" || leaf.subject.path !== "file.extension") return leaf;
    const texts = leaf.values.map(exactText);
    if (texts.some((t) => t === null || t === "" || t.includes(".") || leaf.values.some((v) => v.kind !== "pattern"))) return leaf;
    out.push(info("SPLUNK014", `\`file.extension\` is matched as the end of \`${into}\` (the extension is the part of the file name after its last dot)`, leaf.span, { target: "splunk" }));
    const values: MatchValue[] = (texts as string[]).map((t, i) => pattern([{ kind: "any" }, { kind: "text", value: `.${t}` }], (leaf.values[i] as MatchValue).span));
    return { ...leaf, subject: { ...leaf.subject, path: into }, values, operator: leaf.caseSensitive ? "like" : ":" };
  });
}

/** Rewrites matches on value-mapped fields (still under their ECS names after mapping); returns the spans it handled. */
export function mapValues(c: Condition, tables: ReadonlyMap<string, ValueMap>, out: Diagnostic[]): { condition: Condition; handled: Span[] } {
  const handled: Span[] = [];
  const condition = mapLeaves(c, (leaf) => {
    if (leaf.kind !== "match" || leaf.subject.kind !== "field") return leaf;
    const table = tables.get(leaf.subject.path);
    if (!table) return leaf;
    if (table.exists !== null || table.missing !== null) {
      const wanted = new Set<string>();
      for (const v of leaf.values) {
        const t = exactText(v);
        const norm = (x: string | null) => (x === null ? null : leaf.caseSensitive ? x : x.toLowerCase());
        if (t === null || (norm(t) !== norm(table.exists) && norm(t) !== norm(table.missing))) return leaf;
        wanted.add(norm(t) === norm(table.exists) ? "exists" : "missing");
      }
      handled.push(leaf.subject.span);
      out.push(info("SPLUNK015", `\`${leaf.subject.path}\` is told by whether \`${table.field}\` is present (${table.exists ?? "-"} when present, ${table.missing ?? "-"} when missing)`, leaf.span, { target: "splunk" }));
      const subject = { ...leaf.subject, path: table.field };
      const present: Condition = { kind: "exists", subject, span: leaf.span };
      if (wanted.size === 2) return { kind: "test", value: { kind: "boolean", value: true, span: leaf.span }, span: leaf.span };
      return wanted.has("exists") ? present : { kind: "not", operand: present, span: leaf.span };
    }
    const mapped: (string | number)[] = [];
    for (const v of leaf.values) {
      const t = exactText(v);
      const m = t === null ? undefined : table.map.get(leaf.caseSensitive ? t : t.toLowerCase()) ?? (leaf.caseSensitive ? undefined : [...table.map].find(([k]) => k.toLowerCase() === t?.toLowerCase())?.[1]);
      if (!m) return leaf;
      for (const x of m) if (!mapped.includes(x)) mapped.push(x);
    }
    handled.push(leaf.subject.span);
    out.push(info("SPLUNK015", `\`${leaf.subject.path}\` values are translated to \`${table.field}\` ${mapped.map((x) => JSON.stringify(x)).join(", ")}`, leaf.span, { target: "splunk" }));
    const values: MatchValue[] = mapped.map((x) =>
      typeof x === "number" ? { kind: "number", value: x, raw: String(x), integer: Number.isInteger(x), span: leaf.span } : pattern([{ kind: "text", value: x }], leaf.span),
    );
    // The target vocabulary is a fixed set of spellings: matched without regard to case.
    return { ...leaf, subject: { ...leaf.subject, path: table.field }, values, caseSensitive: false, operator: ":" };
  });
  return { condition, handled };
}
