/**
 * `<field>.caseless`: Elastic Defend maps `process.name`, `file.path`, ... with a
 * `caseless` sub-field, a keyword with a lowercase normalizer. Elasticsearch
 * normalizes the query's value too, so a term, terms or wildcard query on it is
 * the base field matched case-insensitively. Before mapping, a match on such a
 * sub-field becomes a case-insensitive match on the base field. Inside functions
 * (Painless reads the lowercased doc value) the sub-field is left as it is.
 */
import type { Condition } from "../../src/ir/nodes.js";
import { assertNever } from "../../src/ir/nodes.js";

const SUFFIX = ".caseless";

export function caselessToInsensitive(c: Condition): Condition {
  switch (c.kind) {
    case "and":
    case "or":
      return { ...c, operands: c.operands.map(caselessToInsensitive) };
    case "not":
      return { ...c, operand: caselessToInsensitive(c.operand) };
    case "match":
      if (c.subject.kind === "field" && !c.subject.wildcard && c.subject.path.endsWith(SUFFIX))
        return { ...c, subject: { ...c.subject, path: c.subject.path.slice(0, -SUFFIX.length) }, caseSensitive: false };
      return c;
    case "exists":
      if (c.subject.kind === "field" && !c.subject.wildcard && c.subject.path.endsWith(SUFFIX))
        return { ...c, subject: { ...c.subject, path: c.subject.path.slice(0, -SUFFIX.length) } };
      return c;
    case "nested":
      return { ...c, condition: caselessToInsensitive(c.condition) };
    case "regex-match":
    case "compare":
    case "test":
    case "fulltext":
      return c;
    default:
      return assertNever(c, "condition");
  }
}
