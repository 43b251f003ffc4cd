/**
 * CIDR blocks as values of ECS `ip` fields. Elasticsearch matches a term on an
 * `ip` field written as a CIDR block (`source.ip:10.0.0.0/8` in KQL, `source.ip
 * == "10.0.0.0/8"` in EQL) against the whole range; as text the block would be
 * compared with the address string and never match. Before mapping, such values
 * become `cidrMatch(field, blocks...)`, which prints as a KQL range test.
 *
 * ECS gives the `ip` type to the fields named `ip` (source.ip, destination.ip,
 * client.ip, server.ip, host.ip, related.ip, observer.ip, *.nat.ip) and to
 * dns.resolved_ip; a field is taken as an `ip` field by that name.
 */
import type { Condition, Match, Span, Value } from "../../src/ir/nodes.js";
import { assertNever } from "../../src/ir/nodes.js";
import { exactText } from "../../src/mapping/index.js";

export function isIpField(path: string): boolean {
  const last = path.split(".").pop() ?? "";
  return last === "ip" || path === "dns.resolved_ip";
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const V6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\/(\d{1,3})$/;

/** Whether a value is a CIDR block (a.b.c.d/n with n <= 32, or an IPv6 address /n with n <= 128). */
export function isCidrBlock(s: string): boolean {
  const m = V4.exec(s);
  if (m) return m.slice(1, 5).every((x) => Number(x) <= 255) && Number(m[5]) <= 32;
  const m6 = V6.exec(s);
  return m6 !== null && Number(m6[1]) <= 128;
}

function rewriteMatch(c: Match): Condition {
  if (c.subject.kind !== "field" || c.subject.wildcard || !isIpField(c.subject.path)) return c;
  const blocks: { value: string; span: Span }[] = [];
  const rest = c.values.filter((v) => {
    const t = exactText(v);
    if (t !== null && v.kind === "pattern" && isCidrBlock(t)) {
      blocks.push({ value: t, span: v.span });
      return false;
    }
    return true;
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
  if (rest.length === 0) return test;
  return { kind: "or", operands: [{ ...c, values: rest }, test], span: c.span };
}

/** Rewrites CIDR-block values of `ip` fields into cidrMatch tests. */
export function cidrValuesToCalls(c: Condition): Condition {
  switch (c.kind) {
    case "and":
    case "or":
      return { ...c, operands: c.operands.map(cidrValuesToCalls) };
    case "not":
      return { ...c, operand: cidrValuesToCalls(c.operand) };
    case "match":
      return rewriteMatch(c);
    case "nested":
      return { ...c, condition: cidrValuesToCalls(c.condition) };
    case "regex-match":
    case "compare":
    case "exists":
    case "test":
    case "fulltext":
      return c;
    default:
      return assertNever(c, "condition");
  }
}
