/**
 * `<field>.caseless`: Elastic Defend maps `process.name`, `file.path`, ... with a
 * `caseless` sub-field, a keyword with a lowercase normalizer. Elasticsearch
 * normalizes the query's value too, so a term, terms or wildcard query on it is
 * the base field matched case-insensitively. Lowering turns a match on such a
 * sub-field into a case-insensitive match on the base field, for the evaluator
 * and every target. Inside functions (Painless reads the lowercased doc value)
 * the sub-field is left as it is.
 */
import { type Condition, mapLeaves } from "../ir/nodes.js";

const SUFFIX = ".caseless";

/** Matches and existence tests on `<field>.caseless` become case-insensitive tests on `<field>`. */
export function caselessToInsensitive(c: Condition): Condition {
  return mapLeaves(c, (leaf) => {
    if ((leaf.kind !== "match" && leaf.kind !== "exists") || leaf.subject.kind !== "field" || leaf.subject.wildcard || !leaf.subject.path.endsWith(SUFFIX)) return leaf;
    const subject = { ...leaf.subject, path: leaf.subject.path.slice(0, -SUFFIX.length) };
    return leaf.kind === "match" ? { ...leaf, subject, caseSensitive: false } : { ...leaf, subject };
  });
}
