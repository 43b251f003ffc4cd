/**
 * CIDR blocks as values of ECS `ip` fields. Elasticsearch matches a term on an
 * `ip` field written as a CIDR block (`destination.ip:10.0.0.0/8` in KQL or
 * Lucene, `destination.ip == "10.0.0.0/8"` in EQL) against the whole address
 * range ("Querying ip fields" in Elasticsearch's `ip` field-type reference);
 * read as text, the block would be compared with the address string and never
 * match. Lowering makes that explicit: such values become
 * `cidrMatch(field, blocks...)`, which the evaluator and every target already
 * translate as a range test.
 *
 * Which fields are `ip` fields comes from ECS's naming: ECS gives the `ip`
 * type to the fields whose last name is `ip` (source.ip, destination.ip,
 * client.ip, server.ip, host.ip, related.ip, observer.ip, *.nat.ip) and to
 * `dns.resolved_ip`.
 */
import { type Condition, exactText, mapLeaves, type Match, type Span, type Value } from "../ir/nodes.js";

export function isEcsIpField(path: string): boolean {
  return path.endsWith(".ip") || path === "ip" || path === "dns.resolved_ip";
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const V6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\/(\d{1,3})$/;

/** Whether a value is a CIDR block: a.b.c.d/n with n <= 32, or an IPv6 address /n with n <= 128. */
export function isCidrBlock(s: string): boolean {
  const m = V4.exec(s);
  if (m) return m.slice(1, 5).every((x) => Number(x) <= 255) && Number(m[5]) <= 32;
  const m6 = V6.exec(s);
  return m6 !== null && Number(m6[1]) <= 128;
}


function rewriteMatch(c: Match): Condition {
  if (c.subject.kind !== "field" || c.subject.wildcard || !isEcsIpField(c.subject.path)) return c;
  const blocks: { value: string; span: Span }[] = [];
  const rest = c.values.filter((v) => {
    const t = v.kind === "pattern" ? exactText(v) : null;
    if (t === null || !isCidrBlock(t)) return true;
    blocks.push({ value: t, span: v.span });
    return false;
  });
  if (blocks.length === 0) return c;
  const call: Value = {
    kind: "call",
    name: "cidrMatch",
    args: [c.subject, ...blocks.map((b): Value => ({ kind: "string", value: b.value, span: b.span }))],
    caseInsensitive: false,
    span: c.span,
  };
  const test: Condition = { kind: "test", value: call, span: c.span };
  return rest.length === 0 ? test : { kind: "or", operands: [{ ...c, values: rest }, test], span: c.span };
}

/** Rewrites CIDR-block values of `ip` fields into cidrMatch tests, everywhere in a condition. */
export function cidrTermsToCalls(c: Condition): Condition {
  const out = mapLeaves(c, (leaf) => (leaf.kind === "match" ? rewriteMatch(leaf) : leaf));
  return out === c ? c : flatOr(out);
}

/** A rewritten leaf's `or` under an `or` joins its parent (the IR keeps and / or flat). */
function flatOr(c: Condition): Condition {
  switch (c.kind) {
    case "and":
    case "or": {
      const operands = c.operands.map(flatOr).flatMap((o) => (o.kind === c.kind ? o.operands : [o]));
      return { ...c, operands };
    }
    case "not":
      return { ...c, operand: flatOr(c.operand) };
    case "nested":
      return { ...c, condition: flatOr(c.condition) };
    default:
      return c;
  }
}
