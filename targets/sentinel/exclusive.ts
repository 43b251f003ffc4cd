/**
 * Conditions a source rules out. A source's `implied` lists the values a field has
 * on every event of the source; for a field that holds one value per event
 * (`emit.exclusive`: `data_stream.dataset`, `event.action`, ... but not the
 * multi-valued `event.category` / `event.type`), those values are also the only
 * ones. So a match none of whose values matches an implied value is false on every
 * event of the source, and the field always exists.
 *
 * The mapping pass (src/mapping/apply.ts) already turns a match that every implied
 * value meets into `true`; this pass does the other half before it, so rule
 * exceptions written for other sensors (`not (data_stream.dataset == "crowdstrike.fdr"
 * and ...)`) drop out instead of making the rule unsupported. The source only stands
 * for Elastic's data set (an ASIM parser also reads Sysmon), so each decision warns.
 */
import type { Condition, Value } from "../../src/ir/nodes.js";
import { assertNever, exactText, mapLeaves } from "../../src/ir/nodes.js";
import { compilePattern } from "../../src/eval/patterns.js";
import type { SourceSpec } from "../../src/mapping/index.js";

export interface Decided {
  readonly field: string;
  /** The values the source guarantees. */
  readonly implied: readonly string[];
  /** What the condition asked for, as written (for the message). */
  readonly asked: readonly string[];
  readonly span: Condition["span"];
}

function valueText(v: Extract<Condition, { kind: "match" }>["values"][number]): string {
  const t = exactText(v);
  if (t !== null) return t;
  if (v.kind === "pattern") return v.parts.map((p) => (p.kind === "text" ? p.value : p.kind === "any" ? "*" : "?")).join("");
  return "?";
}

/**
 * The condition with every match the source rules out replaced by `false`, and every
 * existence test of an exclusive implied field by `true`. Same object when nothing
 * is decided.
 */
export function decideExclusive(c: Condition, source: SourceSpec, exclusive: readonly string[]): { condition: Condition; decided: readonly Decided[] } {
  if (exclusive.length === 0) return { condition: c, decided: [] };
  const decided: Decided[] = [];
  const condition = walk(c, source, new Set(exclusive), decided);
  return { condition, decided };
}

function constant(value: boolean, span: Condition["span"]): Condition {
  return { kind: "test", value: { kind: "boolean", value, span }, span };
}

function walk(c: Condition, source: SourceSpec, exclusive: ReadonlySet<string>, out: Decided[]): Condition {
  return mapLeaves(c, (leaf) => {
    switch (leaf.kind) {
      case "match": {
        const implied = impliedOf(leaf.subject, source, exclusive);
        if (!implied) return leaf;
        const tests = leaf.values.map((v) => {
          const t = exactText(v);
          if (t !== null) return (i: string) => (leaf.caseSensitive ? t === i : t.toLowerCase() === i.toLowerCase());
          return v.kind === "pattern" ? compilePattern(v.parts, leaf.caseSensitive) : null;
        });
        // a value we cannot test (not text, not a pattern) leaves the match to the mapping
        if (tests.some((t) => t === null)) return leaf;
        if (implied.some((i) => tests.some((t) => (t as (s: string) => boolean)(i)))) return leaf;
        out.push({ field: (leaf.subject as { path: string }).path, implied, asked: leaf.values.map(valueText), span: leaf.span });
        return constant(false, leaf.span);
      }
      case "exists": {
        const implied = impliedOf(leaf.subject, source, exclusive);
        return implied ? constant(true, leaf.span) : leaf;
      }
      case "regex-match":
      case "compare":
      case "test":
      case "fulltext":
        return leaf;
      default:
        return assertNever(leaf, "condition");
    }
  });
}

function impliedOf(subject: Value, source: SourceSpec, exclusive: ReadonlySet<string>): readonly string[] | null {
  if (subject.kind !== "field" || subject.wildcard || !exclusive.has(subject.path)) return null;
  const implied = source.implied.get(subject.path);
  return implied && implied.length > 0 ? implied : null;
}
