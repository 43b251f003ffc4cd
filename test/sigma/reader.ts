/**
 * A small Sigma reader: a Sigma rule's `detection` -> an IR condition over the
 * Sigma field names, for the constructs ruleport emits. Written from the Sigma
 * rules specification v2.0.0 and the modifiers appendix, independently of the
 * target's code, so that reading back what the target wrote checks it.
 *
 * Semantics: string values match case-insensitively unless `cased`; `*` and
 * `?` are wildcards; a backslash escapes only `*`, `?` and `\`; contains /
 * startswith / endswith add the implied `*`; list values are OR, `all` makes
 * them AND; `re` is a regular expression (case-sensitive unless `i`), `cidr`
 * an address block, `exists` field presence, gt/gte/lt/lte numeric bounds,
 * `null` an absent value, `fieldref` (with startswith / endswith / contains) a
 * comparison with another field's value. Maps are AND, lists of maps OR, plain lists are
 * keywords.
 */
import type { Condition, MatchValue, Pattern, PatternPart, RegexLit, Span } from "../../src/ir/nodes.js";
import { type CondAst, parseSigmaCondition, patternMatches, sigmaStringTokens } from "../../targets/sigma/check.js";

const S: Span = { start: 0, end: 0 };

function mkAnd(ops: Condition[]): Condition {
  const flat = ops.flatMap((o) => (o.kind === "and" ? o.operands : [o]));
  if (flat.length === 1) return flat[0] as Condition;
  return { kind: "and", operands: flat, span: S };
}
function mkOr(ops: Condition[]): Condition {
  const flat = ops.flatMap((o) => (o.kind === "or" ? o.operands : [o]));
  if (flat.length === 1) return flat[0] as Condition;
  return { kind: "or", operands: flat, span: S };
}
const field = (path: string) => ({ kind: "field" as const, path, optional: false, wildcard: false, span: S });

/** A Sigma string -> pattern parts (text / any / one). */
export function readSigmaString(s: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let buf = "";
  for (const t of sigmaStringTokens(s)) {
    if (t.literal) {
      buf += t.ch;
      continue;
    }
    if (buf) parts.push({ kind: "text", value: buf });
    buf = "";
    parts.push({ kind: t.ch === "*" ? "any" : "one" });
  }
  if (buf) parts.push({ kind: "text", value: buf });
  return parts;
}

function normalise(parts: readonly PatternPart[]): Pattern {
  const out: PatternPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.kind === "text" && last?.kind === "text") out[out.length - 1] = { kind: "text", value: last.value + p.value };
    else if (p.kind !== "text" || p.value !== "") out.push(p);
  }
  return { kind: "pattern", parts: out, span: S };
}

const LUCENE_RESERVED = new Set(['"', "@", "&", "~", "<", ">", "#"]);

/** The PCRE subset the target writes -> the Lucene dialect the IR carries (anchors dropped, escapes kept). */
export function pcreToLucene(src: string): string {
  let body = src;
  if (body.startsWith("^")) body = body.slice(1);
  if (body.endsWith("$") && !body.endsWith("\\$")) body = body.slice(0, -1);
  let out = "";
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === "\\") {
      const e = body[i + 1] ?? "";
      i++;
      const hex = e === "x" ? /^\{([0-9a-fA-F]+)\}/.exec(body.slice(i + 1)) : null;
      if (hex) {
        // \x{HH}: a code point written by number; in Lucene, an escaped literal
        out += "\\" + String.fromCodePoint(parseInt(hex[1] as string, 16));
        i += (hex[0] as string).length;
      } else if (e === "t" || e === "n" || e === "r") out += e === "t" ? "\t" : e === "n" ? "\n" : "\r";
      else if (/[A-Za-z0-9]/.test(e)) out += e;
      else out += "\\" + e;
      continue;
    }
    if (c === "[") inClass = true;
    if (c === "]") inClass = false;
    // characters that are operators in Lucene but plain in PCRE
    out += !inClass && LUCENE_RESERVED.has(c) ? "\\" + c : c;
  }
  return out;
}

function itemCondition(key: string, raw: unknown): Condition {
  const [name, ...mods] = key.split("|");
  const values = Array.isArray(raw) ? raw : [raw];
  if (name === undefined || name === "") {
    // keyword item with modifiers: not emitted by ruleport
    throw new Error(`keyword items with modifiers are not read: ${key}`);
  }
  const f = field(name);
  if (mods.includes("exists")) return values[0] === true ? { kind: "exists", subject: f, span: S } : { kind: "not", operand: { kind: "exists", subject: f, span: S }, span: S };
  const cmp = mods.find((m) => m === "gt" || m === "gte" || m === "lt" || m === "lte");
  if (cmp) {
    const op = ({ gt: ">", gte: ">=", lt: "<", lte: "<=" } as const)[cmp];
    const ops = values.map((v): Condition => ({ kind: "compare", op, left: f, right: { kind: "number", value: Number(v), raw: String(v), integer: Number.isInteger(v), span: S }, span: S }));
    return mods.includes("all") ? mkAnd(ops) : mkOr(ops);
  }
  if (mods.includes("re")) {
    const patterns: RegexLit[] = values.map((v) => ({ kind: "regex", dialect: "lucene", source: pcreToLucene(String(v)), span: S }));
    const one = (ps: RegexLit[]): Condition => ({ kind: "regex-match", subject: f, patterns: ps, caseSensitive: !mods.includes("i"), span: S });
    return mods.includes("all") ? mkAnd(patterns.map((p) => one([p]))) : one(patterns);
  }
  if (mods.includes("fieldref")) {
    // a field reference: compare with another field's value (read case-insensitively, Sigma's default)
    const name = mods.includes("startswith") ? "startsWith" : mods.includes("endswith") ? "endsWith" : mods.includes("contains") ? "stringContains" : null;
    if (name === null) throw new Error(`plain fieldref (equality) is not emitted by ruleport: ${key}`);
    const ops = values.map((v): Condition => ({ kind: "test", value: { kind: "call", name, args: [f, field(String(v))], caseInsensitive: true, span: S }, span: S }));
    return mods.includes("all") ? mkAnd(ops) : mkOr(ops);
  }
  if (mods.includes("cidr")) {
    return { kind: "test", value: { kind: "call", name: "cidrMatch", args: [f, ...values.map((v) => ({ kind: "string" as const, value: String(v), span: S }))], caseInsensitive: false, span: S }, span: S };
  }
  const cased = mods.includes("cased");
  const shaped = (s: string): Pattern => {
    const parts = readSigmaString(s);
    if (mods.includes("contains")) return normalise([{ kind: "any" }, ...parts, { kind: "any" }]);
    if (mods.includes("startswith")) return normalise([...parts, { kind: "any" }]);
    if (mods.includes("endswith")) return normalise([{ kind: "any" }, ...parts]);
    return normalise(parts);
  };
  const valueConds = (v: unknown): Condition => {
    if (v === null) return { kind: "not", operand: { kind: "exists", subject: f, span: S }, span: S };
    let mv: MatchValue[];
    if (typeof v === "number") mv = [{ kind: "number", value: v, raw: String(v), integer: Number.isInteger(v), span: S }, normalise([{ kind: "text", value: String(v) }])];
    else if (typeof v === "boolean") mv = [{ kind: "boolean", value: v, span: S }];
    else mv = [shaped(String(v))];
    return { kind: "match", subject: f, values: mv, caseSensitive: cased, operator: ":", span: S };
  };
  const conds = values.map(valueConds);
  return mods.includes("all") ? mkAnd(conds) : mkOr(conds);
}

/** One search identifier -> condition. */
export function readSearchIdentifier(value: unknown): Condition {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "object" && v !== null)) return mkOr(value.map((m) => readSearchIdentifier(m)));
    return mkOr(value.map((v): Condition => ({ kind: "fulltext", value: normalise(readSigmaString(String(v))), caseSensitive: false, span: S })));
  }
  if (typeof value === "object" && value !== null) return mkAnd(Object.entries(value as Record<string, unknown>).map(([k, v]) => itemCondition(k, v)));
  throw new Error(`unexpected search identifier value ${JSON.stringify(value)}`);
}

function fromAst(ast: CondAst, ids: ReadonlyMap<string, Condition>): Condition {
  switch (ast.kind) {
    case "id": {
      const c = ids.get(ast.name);
      if (!c) throw new Error(`unknown search identifier ${ast.name}`);
      return c;
    }
    case "of": {
      const names = patternMatches(ast.pattern, [...ids.keys()]);
      const cs = names.map((n) => ids.get(n) as Condition);
      return ast.quantifier === "all" ? mkAnd(cs) : mkOr(cs);
    }
    case "not":
      return { kind: "not", operand: fromAst(ast.operand, ids), span: S };
    case "and":
      return mkAnd([fromAst(ast.left, ids), fromAst(ast.right, ids)]);
    case "or":
      return mkOr([fromAst(ast.left, ids), fromAst(ast.right, ids)]);
  }
}

/** A Sigma `detection` section -> IR condition over Sigma field names. */
export function readDetection(detection: Record<string, unknown>): Condition {
  const ids = new Map<string, Condition>();
  for (const [k, v] of Object.entries(detection)) if (k !== "condition") ids.set(k, readSearchIdentifier(v));
  const cond = detection["condition"];
  const list = Array.isArray(cond) ? cond : [cond];
  return mkOr(list.map((c) => fromAst(parseSigmaCondition(String(c)), ids)));
}
