/**
 * `emit.requires`: ECS fields that only this source's kind of event carries (a DNS
 * source: `dns.question.name`, ...). Elastic keeps DNS lookups and connections in one
 * data stream, so a `network` query may read both; a Sentinel DNS table holds only
 * the lookups. Such a source is eligible only when the query cannot match an event
 * that lacks every required field, i.e. the condition is false once each leaf on
 * those fields is evaluated as on an event without them (a query leaf on a missing
 * field is false and `not` of it is true, as Elasticsearch's bool queries do).
 * A query that only excludes values (`not dns.question.name in (...)`) also matches
 * connection events, which the DNS source does not have: not eligible.
 */
import type { Condition, Value } from "../../src/ir/nodes.js";
import { assertNever, valueFields } from "../../src/ir/nodes.js";

type Tri = boolean | null; // null: depends on other fields

function readsAny(v: Value, fields: ReadonlySet<string>): boolean {
  return valueFields(v).some((f) => fields.has(f.path));
}

/** The condition's value on an event without the fields, when that is decided by them alone. */
function without(c: Condition, fields: ReadonlySet<string>): Tri {
  switch (c.kind) {
    case "and": {
      let out: Tri = true;
      for (const o of c.operands) {
        const v = without(o, fields);
        if (v === false) return false;
        if (v === null) out = null;
      }
      return out;
    }
    case "or": {
      let out: Tri = false;
      for (const o of c.operands) {
        const v = without(o, fields);
        if (v === true) return true;
        if (v === null) out = null;
      }
      return out;
    }
    case "not": {
      const v = without(c.operand, fields);
      return v === null ? null : !v;
    }
    case "match":
    case "regex-match":
    case "exists":
      return c.subject.kind === "field" && fields.has(c.subject.path) ? false : readsAny(c.subject, fields) ? false : null;
    case "compare":
      return readsAny(c.left, fields) || readsAny(c.right, fields) ? false : null;
    case "test":
      return readsAny(c.value, fields) ? false : null;
    case "nested":
      return fields.has(c.path) ? false : null;
    case "fulltext":
      return null;
    default:
      return assertNever(c, "condition");
  }
}

/** Whether the condition requires one of the fields (is false on any event that has none of them). */
export function requiresOneOf(c: Condition, fields: readonly string[]): boolean {
  return without(c, new Set(fields)) === false;
}
