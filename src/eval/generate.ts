/**
 * Test-event generator: for a rule, deterministic per seed, positive events
 * (or streams, for sequences and aggregating rule types) that must raise an
 * alert, and negative near-misses that must not, each flipping one thing.
 *
 * The generator reasons with its own model (model.ts): it puts the condition
 * in negation normal form, picks one conjunction of literals (seeded choice at
 * every `or`), and solves it as a small constraint problem over field values
 * proposed by the literals themselves (pattern fills, regex samples, range
 * boundaries, CIDR hosts, function-argument guesses). Negatives mutate one
 * literal's field and are kept only when the model says the whole condition
 * is then false. Sequences are built stage by stage with shared join keys.
 *
 * Output conventions (the CLI's NDJSON): every event carries `_expect:
 * { match, why }`, except inside a stream (`_stream`), where only the
 * stream's last event carries it; a stream is evaluated on its own and
 * matches when an alert contains its last event.
 */
import type { Condition, EventQuery, FieldRef, MatchValue, PatternPart, RuleIR, SampleQuery, SequenceQuery, SequenceTerm, Value } from "../ir/nodes.js";
import { assertNever } from "../ir/nodes.js";
import { type Diagnostic, unsupported } from "../diagnostics/index.js";
import type { EqlValue } from "./functions.js";
import { parseCidr } from "./functions.js";
import { sampleRegex } from "../regex/lucene.js";
import { translateLuceneRegex } from "./lucene-regex.js";
import { stripNested } from "./condition.js";
import { type Assignment, type AValue, isNested, isQueryFunction, type Lit, litFields, litHolds, type NNF, nnfHolds, queryHolds, toNNF } from "./model.js";
import { setField } from "./fields.js";

export interface Expectation {
  readonly match: boolean;
  readonly why: string;
}

export type GeneratedEvent = Record<string, unknown> & { _expect?: Expectation; _stream?: string };

export interface GenerateResult {
  readonly events: GeneratedEvent[];
  readonly diagnostics: Diagnostic[];
}

export interface GenerateOptions {
  readonly seed: number;
  /** Upper bound on negatives per rule (default 12). */
  readonly maxNegatives?: number;
}

// ---------------------------------------------------------------------------
// Seeded PRNG (mulberry32)
// ---------------------------------------------------------------------------

export type Rng = () => number;

export function makeRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pickIndex = (rng: Rng, n: number): number => Math.min(n - 1, Math.floor(rng() * n));

const WORDS = ["alpha", "bravo", "delta", "kilo", "oscar", "tango", "zulu"];

class GenError extends Error {}

// ---------------------------------------------------------------------------
// Value proposals
// ---------------------------------------------------------------------------

/** MISSING in a candidate list: leave the field out of the event. */
const MISSING = Symbol("missing");
type Candidate = AValue | typeof MISSING;

function fill(parts: readonly PatternPart[], any: string, one: string, doubleOneAt = -1): string {
  let s = "";
  let ones = 0;
  for (const p of parts) {
    if (p.kind === "text") s += p.value;
    else if (p.kind === "any") s += any;
    else s += ones++ === doubleOneAt ? `${one}${one}` : one;
  }
  return s;
}

function swapCase(s: string): string | null {
  const chars = Array.from(s);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    const up = c.toUpperCase();
    const lo = c.toLowerCase();
    if (up !== lo && Array.from(up).length === 1 && Array.from(lo).length === 1) {
      chars[i] = c === up ? lo : up;
      return chars.join("");
    }
  }
  return null;
}

function matchValueProposals(m: MatchValue, caseSensitive: boolean, rng: Rng): EqlValue[] {
  switch (m.kind) {
    case "pattern": {
      const word = WORDS[pickIndex(rng, WORDS.length)] as string;
      const out = [fill(m.parts, "", "x"), fill(m.parts, word, "x")];
      if (!caseSensitive) {
        // Case-insensitive: half the time propose the case-swapped spelling first, to exercise folding.
        const sw = swapCase(out[0] as string);
        if (sw !== null) {
          if (rng() < 0.5) out.unshift(sw);
          else out.push(sw);
        }
      }
      return out;
    }
    case "number":
      return [m.value];
    case "boolean":
      return [m.value];
    default:
      return assertNever(m, "match value");
  }
}

function constOf(v: Value): EqlValue {
  switch (v.kind) {
    case "string":
    case "number":
    case "boolean":
      return v.value;
    case "negate": {
      const x = constOf(v.operand);
      return typeof x === "number" ? -x : null;
    }
    default:
      return null;
  }
}

function boundary(op: "<" | "<=" | ">" | ">=", y: EqlValue, satisfy: boolean): EqlValue[] {
  if (typeof y === "number") {
    const step = Number.isInteger(y) ? 1 : 0.5;
    const inside = op === ">" ? y + step : op === ">=" ? y : op === "<" ? y - step : y;
    const outside = op === ">" ? y : op === ">=" ? y - step : op === "<" ? y : y + step;
    return satisfy ? [inside, op === ">" || op === ">=" ? y + 10 * step : y - 10 * step] : [outside];
  }
  if (typeof y === "string") {
    const inside = op === ">" ? `${y}a` : op === ">=" ? y : op === "<" ? (y === "" ? null : "") : y;
    const outside = op === ">" ? y : op === ">=" ? (y === "" ? null : "") : op === "<" ? y : `${y}a`;
    return (satisfy ? [inside] : [outside]).filter((x): x is string => x !== null);
  }
  return [];
}

function cidrHost(cidr: string): string | null {
  const b = parseCidr(cidr);
  if (!b) return null;
  const slash = cidr.indexOf("/");
  const addr = slash >= 0 ? cidr.slice(0, slash) : cidr;
  if (!addr.includes(":")) {
    const low = Number(b.base & 0xffffffffn);
    const bits = slash >= 0 ? Number(cidr.slice(slash + 1)) : 32;
    const host = bits >= 31 ? low : low + 1;
    return [24, 16, 8, 0].map((s) => (host >>> s) & 255).join(".");
  }
  const bits = slash >= 0 ? Number(cidr.slice(slash + 1)) : 128;
  let n = b.base + (bits >= 127 ? 0n : 1n);
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) {
    groups.unshift((n & 0xffffn).toString(16));
    n >>= 16n;
  }
  return groups.join(":");
}

function constantsIn(c: Condition): EqlValue[] {
  const out: EqlValue[] = [];
  const addV = (v: Value): void => {
    switch (v.kind) {
      case "string":
      case "number":
      case "boolean":
        out.push(v.value);
        return;
      case "call":
        v.args.forEach(addV);
        return;
      case "arith":
        addV(v.left);
        addV(v.right);
        return;
      case "negate": {
        const x = constOf(v);
        if (x !== null) out.push(x);
        addV(v.operand);
        return;
      }
      default:
        return;
    }
  };
  const addC = (x: Condition): void => {
    switch (x.kind) {
      case "match":
        addV(x.subject);
        for (const m of x.values) if (m.kind === "pattern") out.push(fill(m.parts, "", "x"));
        else out.push(m.value);
        return;
      case "compare":
        addV(x.left);
        addV(x.right);
        return;
      case "regex-match":
        addV(x.subject);
        return;
      case "exists":
        addV(x.subject);
        return;
      case "test":
        addV(x.value);
        return;
      case "not":
        addC(x.operand);
        return;
      default:
        return;
    }
  };
  addC(c);
  return out;
}

/** Values a literal suggests for one of its fields (MISSING first when absence satisfies it). */
function proposals(l: Lit, _field: FieldRef, rng: Rng): Candidate[] {
  const c = l.cond;
  if (l.k === "query") {
    if (l.negate) {
      if (c.kind === "exists") return [MISSING];
      if (c.kind === "test" && c.value.kind === "field") return [MISSING, false];
      if (c.kind === "test" && c.value.kind === "call" && c.value.name === "cidrMatch") return [MISSING, "8.8.8.8", "2001:4860:4860::8888", "192.0.2.77"];
      return [MISSING, "benign"];
    }
    switch (c.kind) {
      case "match":
        return c.values.slice(0, 6).flatMap((m) => matchValueProposals(m, c.caseSensitive, rng));
      case "compare": {
        const [op, k] = c.left.kind === "field" ? [c.op, c.right] : [({ "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as const)[c.op], c.left];
        return boundary(op, constOf(k), true);
      }
      case "regex-match": {
        const out: Candidate[] = [];
        for (const p of c.patterns) {
          const t = translateLuceneRegex(p.source, !c.caseSensitive);
          if (!t.ok) continue;
          for (let i = 0; i < 3; i++) {
            const s = sampleRegex(t.tree, (n) => pickIndex(rng, n));
            if (s !== null) out.push(s);
          }
          const first = sampleRegex(t.tree, () => 0);
          if (first !== null) out.push(first);
        }
        return out;
      }
      case "exists":
        return [WORDS[pickIndex(rng, WORDS.length)] as string];
      case "test": {
        const v = c.value;
        if (v.kind === "field") return [true];
        if (v.kind === "call" && isQueryFunction(v)) {
          const consts = v.args.slice(1).map((x) => (x as { value: string }).value);
          const s = consts[0] as string;
          switch (v.name) {
            case "startsWith":
              return [`${s}x`, s];
            case "endsWith":
              return [`x${s}`, s];
            case "stringContains":
              return [`x${s}x`, s];
            case "cidrMatch":
              return consts.map(cidrHost).filter((x): x is string => x !== null);
            default:
              return [];
          }
        }
        return [];
      }
      case "fulltext":
        return [];
      case "nested": {
        // One object of the nested field satisfying the inner condition (paths relative to the field).
        const sol = solveNNF(toNNF(stripNested(c.condition, c.path)), [], new Map(), rng, 0, 10);
        return sol ? [{ nested: [sol.asg] }] : [];
      }
      default:
        return [];
    }
  }
  // Script literals: guesses from the constants of the expression.
  const out: Candidate[] = [];
  if (l.negate) out.push(MISSING);
  const consts = constantsIn(c);
  for (const k of consts) {
    if (typeof k === "string") {
      out.push(k, `x${k}`, `${k}x`, `x${k}x`, `C:\\x\\${k}`, k.toLowerCase(), k.toUpperCase());
      const host = k.includes("/") ? cidrHost(k) : null;
      if (host) out.push(host);
    } else if (typeof k === "number") {
      out.push(k, k + 1, k - 1, "a".repeat(Math.max(0, Math.min(k, 4096))), "a".repeat(Math.max(0, Math.min(k + 1, 4096))), "a".repeat(Math.max(0, Math.min(k - 1, 4096))));
    } else if (typeof k === "boolean") out.push(k);
  }
  const strs = consts.filter((k): k is string => typeof k === "string");
  for (const a of strs.slice(0, 4)) for (const b of strs.slice(0, 4)) if (a !== b) out.push(`${a}${b}`, `${a}x${b}`);
  out.push("x", WORDS[pickIndex(rng, WORDS.length)] as string);
  if (!l.negate) out.push(MISSING);
  return out;
}

/** Texts of the patterns of positive match literals on a field, for merging two patterns into one value. */
function patternParts(l: Lit): (readonly PatternPart[])[] {
  if (l.k !== "query" || l.negate) return [];
  const c = l.cond;
  if (c.kind === "test" && c.value.kind === "call" && isQueryFunction(c.value) && c.value.name !== "cidrMatch") {
    const text = (c.value.args[1] as { value: string }).value;
    const t: PatternPart = { kind: "text", value: text };
    const any: PatternPart = { kind: "any" };
    return [c.value.name === "startsWith" ? [t, any] : c.value.name === "endsWith" ? [any, t] : [any, t, any]];
  }
  if (c.kind !== "match") return [];
  return c.values.filter((m): m is Extract<MatchValue, { kind: "pattern" }> => m.kind === "pattern").map((m) => m.parts);
}

// ---------------------------------------------------------------------------
// Solving a conjunction
// ---------------------------------------------------------------------------

interface Problem {
  readonly lits: readonly Lit[];
  /** Pre-set fields (join keys, category); MISSING keeps a field out. */
  readonly fixed: ReadonlyMap<string, Candidate>;
  readonly now: number;
}

const concretePath = (f: FieldRef): string => (f.wildcard ? f.path.replace(/\*/g, "x") : f.path);

function solve(p: Problem, rng: Rng): Map<string, AValue> | null {
  // Literals per field; literals without fields (fulltext) or with wildcards are checked on the full assignment.
  const fieldLits = new Map<string, Lit[]>();
  const global: Lit[] = [];
  const litPaths = new Map<Lit, string[]>();
  const extra = new Map<string, Candidate[]>();
  for (const l of p.lits) {
    const fs = litFields(l);
    if (l.cond.kind === "fulltext") {
      if (!l.negate) {
        const v = fill(l.cond.value.parts, "", "x");
        extra.set("message", [...(extra.get("message") ?? []), v]);
        fieldLits.set("message", fieldLits.get("message") ?? []);
      }
      global.push(l);
      continue;
    }
    if (fs.some((f) => f.wildcard)) {
      global.push(l);
      if (l.negate) continue;
    }
    const paths = [...new Set(fs.map(concretePath))];
    litPaths.set(l, paths);
    for (const path of paths) {
      let list = fieldLits.get(path);
      if (!list) fieldLits.set(path, (list = []));
      list.push(l);
    }
  }
  const fields = [...fieldLits.keys()].filter((f) => !p.fixed.has(f));
  fields.sort((a, b) => (fieldLits.get(b) as Lit[]).length - (fieldLits.get(a) as Lit[]).length || (a < b ? -1 : 1));

  const cands = new Map<string, Candidate[]>();
  for (const f of fields) {
    const lits = fieldLits.get(f) as Lit[];
    const pos: Candidate[] = [];
    const neg: Candidate[] = [];
    for (const l of lits) {
      const ref = litFields(l).find((r) => concretePath(r) === f) as FieldRef | undefined;
      const props = ref ? proposals(l, ref, rng) : [];
      (l.negate ? neg : pos).push(...props);
    }
    // Merge two patterns of the same field: fill the first `*` of one with the other's text.
    const pats = lits.flatMap(patternParts);
    if (pats.length > 1) {
      for (const a of pats.slice(0, 6))
        for (const b of pats.slice(0, 6)) {
          if (a === b) continue;
          const bt = fill(b, "", "x");
          pos.push(fill(a, bt, "x"), `${fill(a, "", "x")}${bt}`);
        }
    }
    // A multi-valued field: one element per positive literal (each is satisfied by "any element").
    const posLits = lits.filter((l) => !l.negate);
    if (posLits.length > 1) {
      const firsts: EqlValue[] = [];
      for (const l of posLits) {
        const ref = litFields(l).find((r) => concretePath(r) === f) as FieldRef | undefined;
        const first = ref ? proposals(l, ref, rng).find((x): x is EqlValue => x !== MISSING && !Array.isArray(x)) : undefined;
        if (first !== undefined && !firsts.some((x) => x === first)) firsts.push(first);
      }
      if (firsts.length > 1) pos.push(firsts);
      // One string satisfying several "contains"-like literals (substrings, `.*x.*` regexes, lengths): concatenate.
      const strs = posLits.map((l) => {
        const ref = litFields(l).find((r) => concretePath(r) === f) as FieldRef | undefined;
        return ref ? proposals(l, ref, rng).find((x): x is string => typeof x === "string" && x.length > 0) : undefined;
      });
      const parts = strs.filter((x): x is string => x !== undefined);
      if (parts.length > 1) pos.push(parts.join(""), [...parts].reverse().join(""), parts.join(" "));
    }
    const all: Candidate[] = [...pos, ...(extra.get(f) ?? []), ...neg];
    if (pos.length === 0) all.push(MISSING);
    all.push(WORDS[pickIndex(rng, WORDS.length)] as string, MISSING);
    const seen = new Set<string>();
    cands.set(
      f,
      all.filter((c) => {
        const k = c === MISSING ? "\u0000missing" : JSON.stringify(c);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      }),
    );
  }

  const asg = new Map<string, AValue>();
  for (const [k, v] of p.fixed) if (v !== MISSING) asg.set(k, v);
  const assigned = new Set<string>(p.fixed.keys());
  const ready = (l: Lit): boolean => (litPaths.get(l) ?? []).every((x) => assigned.has(x));
  // Literals only on fixed fields are checked up front.
  for (const l of p.lits) if (litPaths.has(l) && ready(l) && !global.includes(l) && !litHolds(l, asg, p.now)) return null;

  let budget = 20000;
  const rec = (i: number): boolean => {
    if (budget-- <= 0) return false;
    if (i === fields.length) return global.every((l) => litHolds(l, asg, p.now));
    const f = fields[i] as string;
    for (const c of cands.get(f) as Candidate[]) {
      if (c === MISSING) asg.delete(f);
      else asg.set(f, c);
      assigned.add(f);
      const ok = (fieldLits.get(f) as Lit[]).every((l) => global.includes(l) || !ready(l) || litHolds(l, asg, p.now));
      if (ok && rec(i + 1)) return true;
      assigned.delete(f);
      asg.delete(f);
    }
    return false;
  };
  return rec(0) ? asg : null;
}

/** One conjunction of the NNF, choosing a disjunct at random at every `or`; null on a constant false. */
function pickConjunction(n: NNF, rng: Rng): Lit[] | null {
  switch (n.k) {
    case "const":
      return n.value ? [] : null;
    case "lit":
      return [n.lit];
    case "and": {
      const out: Lit[] = [];
      for (const k of n.kids) {
        const c = pickConjunction(k, rng);
        if (c === null) return null;
        out.push(...c);
      }
      return out;
    }
    case "or": {
      const order = n.kids.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = pickIndex(rng, i + 1);
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      for (const i of order) {
        const c = pickConjunction(n.kids[i] as NNF, rng);
        if (c !== null) return c;
      }
      return null;
    }
  }
}

interface Solution {
  readonly asg: Map<string, AValue>;
  readonly conj: readonly Lit[];
}

function solveNNF(nnf: NNF, extra: readonly Lit[], fixed: ReadonlyMap<string, Candidate>, rng: Rng, now: number, tries = 40): Solution | null {
  for (let t = 0; t < tries; t++) {
    const conj = pickConjunction(nnf, rng);
    if (conj === null) return null;
    const all = [...conj, ...extra];
    const asg = solve({ lits: all, fixed, now }, rng);
    if (asg && nnfHolds(nnf, asg, now) && extra.every((l) => litHolds(l, asg, now))) return { asg, conj: all };
  }
  return null;
}

// ---------------------------------------------------------------------------
// Rule-level pieces
// ---------------------------------------------------------------------------

const S0 = { start: 0, end: 0 };

function categoryLit(q: EventQuery, rule: RuleIR): Lit | null {
  if (q.category.kind === "any") return null;
  return {
    k: "query",
    negate: false,
    cond: {
      kind: "match",
      subject: { kind: "field", path: rule.eventCategoryField, optional: false, wildcard: false, span: S0 },
      values: [{ kind: "pattern", parts: [{ kind: "text", value: q.category.name }], span: S0 }],
      caseSensitive: true,
      operator: "==",
      span: S0,
    },
  };
}

/** NNF of a term's full test: category and condition. */
function termNNF(q: EventQuery, rule: RuleIR): NNF {
  const c = toNNF(q.condition);
  const cat = categoryLit(q, rule);
  return cat ? { k: "and", kids: [{ k: "lit", lit: cat }, c] } : c;
}

function describeLit(l: Lit): string {
  const fs = litFields(l).map((f) => f.path);
  return fs.length > 0 ? fs.join(", ") : l.cond.kind;
}

function flipDescription(l: Lit, change: string): string {
  return `${change} (${l.negate ? "negated " : ""}${l.cond.kind} on ${describeLit(l)})`;
}

/** Near-miss mutations of one literal in a solution; each is checked against the model by the caller. */
function mutations(l: Lit, asg: ReadonlyMap<string, AValue>, rng: Rng, rule: RuleIR): { asg: Map<string, AValue>; why: string }[] {
  const out: { asg: Map<string, AValue>; why: string }[] = [];
  const fields = litFields(l).filter((f) => !f.wildcard);
  const withValue = (path: string, v: Candidate, why: string): void => {
    const m = new Map(asg);
    if (v === MISSING) m.delete(path);
    else m.set(path, v);
    out.push({ asg: m, why });
  };
  const c = l.cond;
  if (l.k === "query" && !l.negate) {
    if (c.kind === "match" && c.subject.kind === "field") {
      const path = c.subject.path;
      const v = asg.get(path);
      if (path === rule.eventCategoryField && c.operator === "==" && c.span === S0) {
        withValue(path, "other-category", `another event category than the query's`);
        return out;
      }
      if (typeof v === "string" && c.caseSensitive) {
        const sw = swapCase(v);
        if (sw !== null) withValue(path, sw, flipDescription(l, `case variant "${sw}" of ${path}, where matching is case-sensitive`));
      }
      for (const m of c.values) {
        if (m.kind !== "pattern" || typeof v !== "string") continue;
        const ones = m.parts.filter((p) => p.kind === "one").length;
        if (ones > 0 && fill(m.parts, "", "x") === v) {
          withValue(path, fill(m.parts, "", "x", 0), flipDescription(l, `one character more in ${path} where "?" allows exactly one`));
          break;
        }
      }
      if (typeof v === "string" && !c.caseSensitive) withValue(path, `${v}~x`, flipDescription(l, `a different value of ${path}`));
      withValue(path, MISSING, flipDescription(l, `${path} missing`));
      return out;
    }
    if (c.kind === "compare") {
      const f = c.left.kind === "field" ? c.left : (c.right as FieldRef);
      const [op, k] = c.left.kind === "field" ? [c.op, c.right] : [({ "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as const)[c.op], c.left];
      for (const b of boundary(op, constOf(k), false)) withValue(f.path, b, flipDescription(l, `${f.path} = ${JSON.stringify(b)} just outside ${op} ${JSON.stringify(constOf(k))}`));
      withValue(f.path, MISSING, flipDescription(l, `${f.path} missing`));
      return out;
    }
    if (c.kind === "test" && c.value.kind === "field") {
      withValue(c.value.path, false, flipDescription(l, `${c.value.path} = false`));
      return out;
    }
    if (c.kind === "test" && c.value.kind === "call") {
      const f = c.value.args[0] as FieldRef;
      const v = asg.get(f.path);
      if (typeof v === "string" && !c.value.caseInsensitive && c.value.name !== "cidrMatch") {
        const sw = swapCase(v);
        if (sw !== null) withValue(f.path, sw, flipDescription(l, `case variant "${sw}" of ${f.path}, where ${c.value.name} is case-sensitive`));
      }
      withValue(f.path, MISSING, flipDescription(l, `${f.path} missing`));
      return out;
    }
    for (const f of fields) withValue(f.path, MISSING, flipDescription(l, `${f.path} missing`));
    return out;
  }
  if (l.k === "query" && l.negate) {
    // Give the field the value the `not` excludes.
    const positive: Lit = { ...l, negate: false };
    const f = fields[0];
    if (!f) return out;
    for (const v of proposals(positive, f, rng).slice(0, 3)) {
      if (v === MISSING) continue;
      withValue(concretePath(f), v, flipDescription(l, `the excluded value of a not: ${f.path} = ${JSON.stringify(v)}`));
      if (queryHolds(l.cond, out[out.length - 1]?.asg ?? asg, 0)) {
        // The same among other values: `not` (must_not) rejects a multi-valued field if any value is excluded.
        if (!Array.isArray(v)) withValue(concretePath(f), ["benign", v as EqlValue], flipDescription(l, `the excluded value of a not among other values: ${f.path} = ${JSON.stringify(["benign", v])}`));
        break;
      }
    }
    return out;
  }
  // Script literal: a missing argument makes the function null, which never matches.
  for (const f of fields) withValue(f.path, MISSING, flipDescription(l, `${f.path} missing, so the function is null`));
  return out;
}

/** A nested object from its assignment (relative paths). */
function objectOf(asg: Assignment): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of asg) setField(o, k, isNested(v) ? v.nested.map((x) => objectOf(x)) : v);
  return o;
}

/** The event as JSON: nested objects, or flat dotted keys (when asked, or when paths collide). */
function materialize(asg: ReadonlyMap<string, AValue>, ts: number, rule: RuleIR, flat = false): Record<string, unknown> {
  const iso = new Date(ts).toISOString();
  const paths = [...asg.keys(), "@timestamp", rule.timestampField];
  const conflict = flat || paths.some((a) => paths.some((b) => b !== a && b.startsWith(`${a}.`)));
  const out: Record<string, unknown> = {};
  const put = (path: string, v: AValue): void => {
    const json = isNested(v) ? v.nested.map((o) => objectOf(o)) : v;
    if (conflict) out[path] = json;
    else setField(out, path, json);
  };
  put("@timestamp", iso);
  if (rule.timestampField !== "@timestamp") put(rule.timestampField, iso);
  for (const [k, v] of asg) if (k !== "@timestamp" && k !== rule.timestampField) put(k, v);
  return out;
}

const BASE = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

/** Generates test events for a rule. */
export function generateEvents(rule: RuleIR, options: GenerateOptions): GenerateResult {
  const diagnostics: Diagnostic[] = [];
  streamCounter = 0;
  const rng = makeRng(options.seed);
  const maxNeg = options.maxNegatives ?? 12;
  const span = rule.query.span;
  const impossible = (why: string): GenerateResult => ({ events: [], diagnostics: [...diagnostics, unsupported("GEN001", `cannot generate events: ${why}`, span)] });
  const reasons = untranslatableReason(rule);
  if (reasons) return impossible(reasons);
  const det = rule.detection;
  if (det.kind === "threat_match") return impossible("threat_match rules need indicator documents from the threat indices");
  try {
    switch (rule.query.kind) {
      case "event":
        return { events: eventRule(rule, rule.query, rng, maxNeg), diagnostics };
      case "sequence":
        if (det.kind !== "plain") return impossible(`${det.kind} over a sequence`);
        return { events: sequenceRule(rule, rule.query, rng, maxNeg), diagnostics };
      case "sample":
        if (det.kind !== "plain") return impossible(`${det.kind} over a sample`);
        return { events: sampleRule(rule, rule.query, rng), diagnostics };
      default:
        return assertNever(rule.query, "query");
    }
  } catch (e) {
    if (e instanceof GenError) return impossible(e.message);
    throw e;
  }
}

function untranslatableReason(rule: RuleIR): string | null {
  let reason: string | null = null;
  const visit = (c: Condition): void => {
    if (reason) return;
    switch (c.kind) {
      case "and":
      case "or":
        c.operands.forEach(visit);
        return;
      case "not":
        visit(c.operand);
        return;
      case "regex-match":
        for (const p of c.patterns) {
          const t = translateLuceneRegex(p.source, !c.caseSensitive);
          if (!t.ok) reason = t.reason;
        }
        return;
      case "nested":
        visit(c.condition);
        return;
      case "compare":
        if (c.left.kind === "datemath" || c.right.kind === "datemath") reason = "date math ranges depend on the time of evaluation";
        return;
      default:
        return;
    }
  };
  const q = rule.query;
  const terms: EventQuery[] = q.kind === "event" ? [q] : [...q.terms.map((t) => t.query), ...(q.kind === "sequence" && q.until ? [q.until.query] : [])];
  for (const t of terms) visit(t.condition);
  if (q.kind !== "event") {
    const keys = [...q.by, ...q.terms.flatMap((t) => t.by)];
    if (keys.some((k) => k.kind !== "field")) reason ??= "join keys that are not fields";
  }
  return reason;
}

function eventRule(rule: RuleIR, q: EventQuery, rng: Rng, maxNeg: number): GeneratedEvent[] {
  const nnf = termNNF(q, rule);
  const det = rule.detection;
  const out: GeneratedEvent[] = [];
  const sols: Solution[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < 6 && sols.length < 3; i++) {
    const s = solveNNF(nnf, [], new Map(), rng, 0);
    if (!s) break;
    const key = JSON.stringify([...s.asg]);
    if (seen.has(key)) continue;
    seen.add(key);
    sols.push(s);
  }
  if (sols.length === 0) throw new GenError("no assignment of field values satisfies the condition (within the search budget)");

  // Negatives: mutate one literal of the first solution at a time.
  const negatives: { asg: Map<string, AValue>; why: string }[] = [];
  const negSeen = new Set<string>();
  for (const s of sols) {
    for (const l of s.conj) {
      for (const m of mutations(l, s.asg, rng, rule)) {
        const key = JSON.stringify([...m.asg]);
        if (negSeen.has(key) || seen.has(key)) continue;
        if (nnfHolds(nnf, m.asg, 0)) continue;
        negSeen.add(key);
        negatives.push(m);
      }
    }
  }
  const chosen = negatives.slice(0, maxNeg);

  // One more positive with multi-valued fields: a matching value among other values still matches.
  {
    const first = sols[0] as Solution;
    const multi = new Map(first.asg);
    let changed = false;
    for (const [k, v] of first.asg) {
      if (typeof v !== "string" || k === rule.eventCategoryField) continue;
      multi.set(k, [`${WORDS[pickIndex(rng, WORDS.length)] as string}-other`, v]);
      if (nnfHolds(nnf, multi, 0)) changed = true;
      else multi.set(k, v);
    }
    const key = JSON.stringify([...multi]);
    if (changed && !seen.has(key)) {
      seen.add(key);
      sols.push({ asg: multi, conj: first.conj });
    }
  }

  let t = BASE;
  const next = (): number => (t += 1000);
  switch (det.kind) {
    case "plain":
      sols.forEach((s, i) => {
        const multi = [...s.asg.values()].some((v) => Array.isArray(v));
        // The second positive is written with dotted keys ({"process.name": ...}), which ES reads the same.
        const flat = i === 1;
        const why = `satisfies the query${multi ? " (some fields multi-valued: any value may match)" : ""}${flat ? " (written with dotted keys)" : ""}`;
        out.push({ ...materialize(s.asg, next(), rule, flat), _expect: { match: true, why } });
      });
      for (const n of chosen) out.push({ ...materialize(n.asg, next(), rule), _expect: { match: false, why: n.why } });
      return out;
    case "threshold":
      return thresholdStreams(rule, det, sols, chosen, rng);
    case "new_terms":
      return newTermsStreams(rule, det, sols, chosen);
    case "threat_match":
      throw new GenError("threat_match");
    default:
      return assertNever(det, "detection");
  }
}

let streamCounter = 0;
const streamId = (): string => `s${++streamCounter}`;

function stream(events: Record<string, unknown>[], id: string, expect: Expectation): GeneratedEvent[] {
  return events.map((e, i) => ({ ...e, _stream: id, ...(i === events.length - 1 ? { _expect: expect } : {}) }));
}

function thresholdStreams(
  rule: RuleIR,
  det: Extract<RuleIR["detection"], { kind: "threshold" }>,
  sols: readonly Solution[],
  negatives: readonly { asg: Map<string, AValue>; why: string }[],
  rng: Rng,
): GeneratedEvent[] {
  const nnf = termNNF(rule.query as EventQuery, rule);
  const s = sols[0] as Solution;
  const count = Math.max(1, det.value);
  if (count > 2000) throw new GenError(`threshold value ${det.value} is too large to generate`);
  // Group fields must be present: give missing ones a value.
  const base = new Map(s.asg);
  for (const f of det.fields) if (!base.has(f)) base.set(f, WORDS[pickIndex(rng, WORDS.length)] as string);
  if (!nnfHolds(nnf, base, 0)) throw new GenError("setting the threshold group fields breaks the condition");
  const card = det.cardinality[0];
  // Distinct values of the cardinality field: insert a counter where the condition still holds
  // (after the value, before it, or anywhere inside, e.g. in the `*` of "/proc/*/cmdline").
  let insertAt = -1;
  const cardBase = card ? String(base.get(card.field) ?? "v") : "";
  if (card) {
    for (let pos = cardBase.length; pos >= 0 && insertAt < 0; pos--) {
      const m = new Map(base);
      m.set(card.field, `${cardBase.slice(0, pos)}7${cardBase.slice(pos)}`);
      if (nnfHolds(nnf, m, 0)) insertAt = pos;
    }
    if (insertAt < 0) insertAt = cardBase.length;
  }
  const variant = (i: number, distinct: boolean): Map<string, AValue> => {
    const m = new Map(base);
    if (card) m.set(card.field, distinct ? `${cardBase.slice(0, insertAt)}${i}${cardBase.slice(insertAt)}` : cardBase);
    return m;
  };
  const needed = Math.max(count, card ? card.value : 0);
  const positive = Array.from({ length: needed }, (_, i) => variant(i, true));
  if (!positive.every((m) => nnfHolds(nnf, m, 0))) throw new GenError("varying the cardinality field breaks the condition");
  let t = BASE;
  const ev = (m: Map<string, AValue>): Record<string, unknown> => materialize(m, (t += 1000), rule);
  const out: GeneratedEvent[] = [];
  out.push(...stream(positive.map(ev), streamId(), { match: true, why: `${needed} matching events in one group${card ? ` with ${needed} distinct ${card.field}` : ""}` }));
  if (count > 1) {
    const short = Array.from({ length: count - 1 }, (_, i) => variant(i, true));
    out.push(...stream(short.map(ev), streamId(), { match: false, why: `one event short of the threshold ${det.value}` }));
  }
  if (card && card.value > 1) {
    const same = Array.from({ length: needed }, (_, i) => variant(i, false));
    out.push(...stream(same.map(ev), streamId(), { match: false, why: `only 1 distinct ${card.field}, cardinality needs ${card.value}` }));
  }
  for (const n of negatives.slice(0, 6)) {
    const ms = Array.from({ length: needed }, () => {
      const m = new Map(n.asg);
      for (const f of det.fields) if (!m.has(f) && base.has(f)) m.set(f, base.get(f) as EqlValue);
      return m;
    });
    if (ms.some((m) => nnfHolds(nnf, m, 0))) continue;
    out.push(...stream(ms.map(ev), streamId(), { match: false, why: `${needed} events that each miss the query: ${n.why}` }));
  }
  return out;
}

function newTermsStreams(
  rule: RuleIR,
  det: Extract<RuleIR["detection"], { kind: "new_terms" }>,
  sols: readonly Solution[],
  negatives: readonly { asg: Map<string, AValue>; why: string }[],
): GeneratedEvent[] {
  const nnf = termNNF(rule.query as EventQuery, rule);
  const out: GeneratedEvent[] = [];
  let t = BASE;
  const ev = (m: ReadonlyMap<string, AValue>): Record<string, unknown> => materialize(m, (t += 1000), rule);
  for (const s of sols) {
    const m = new Map(s.asg);
    for (const f of det.fields) if (!m.has(f)) m.set(f, `term-${f}`);
    if (!nnfHolds(nnf, m, 0)) continue;
    out.push(...stream([ev(m)], streamId(), { match: true, why: `first occurrence of the terms ${det.fields.join(", ")}` }));
    out.push(...stream([ev(m), ev(m)], streamId(), { match: false, why: `the terms ${det.fields.join(", ")} already occurred earlier` }));
    const dropped = new Map(m);
    const f0 = det.fields[0];
    if (f0) {
      dropped.delete(f0);
      if (nnfHolds(nnf, dropped, 0)) out.push(...stream([ev(dropped)], streamId(), { match: false, why: `new_terms field ${f0} missing` }));
    }
  }
  if (out.length === 0) throw new GenError("setting the new_terms fields breaks the condition");
  for (const n of negatives) {
    const m = new Map(n.asg);
    out.push(...stream([ev(m)], streamId(), { match: false, why: n.why }));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Sequences and samples
// ---------------------------------------------------------------------------

interface StageSpec {
  readonly term: SequenceTerm;
  readonly nnf: NNF;
  readonly keys: readonly FieldRef[];
}

function stageSpecs(terms: readonly SequenceTerm[], shared: readonly Value[], rule: RuleIR): StageSpec[] {
  const out: StageSpec[] = [];
  for (const t of terms) {
    const spec = { term: t, nnf: termNNF(t.query, rule), keys: [...shared, ...t.by] as FieldRef[] };
    for (let i = 0; i < Math.max(1, t.runs); i++) out.push(spec);
  }
  return out;
}

/** Solves a term with its join key fields fixed (or chosen, the first time). */
function solveStage(spec: StageSpec, keyValues: (AValue | undefined)[], rng: Rng): Solution | null {
  const fixed = new Map<string, Candidate>();
  const extra: Lit[] = [];
  spec.keys.forEach((k, i) => {
    const v = keyValues[i];
    if (v !== undefined) fixed.set(k.path, v);
    else if (!k.optional)
      extra.push({ k: "query", negate: false, cond: { kind: "exists", subject: k, span: S0 } });
  });
  const s = solveNNF(spec.nnf, extra, fixed, rng, 0, 30);
  if (!s) return null;
  spec.keys.forEach((k, i) => {
    if (keyValues[i] === undefined) {
      const v = s.asg.get(k.path);
      // Fresh key values per stream keep streams apart.
      keyValues[i] = v === undefined ? null : v;
    }
  });
  return s;
}

interface Built {
  readonly asg: Map<string, AValue>;
  ts: number;
}

/** Brute force: is there any in-order choice of events for the positive stages that ES could report? */
function sequenceMatches(stages: readonly StageSpec[], events: readonly Built[], q: SequenceQuery, rule: RuleIR): boolean {
  const sorted = events.map((e, i) => ({ ...e, i })).sort((a, b) => a.ts - b.ts || a.i - b.i);
  const keyOf = (spec: StageSpec, a: ReadonlyMap<string, AValue>): string | null => {
    const parts: AValue[] = [];
    for (const k of spec.keys) {
      const v = a.get(k.path) ?? null;
      if (v === null && !k.optional) return null;
      parts.push(v);
    }
    return JSON.stringify(parts);
  };
  const positive = stages.map((s, i) => (s.term.missing ? -1 : i)).filter((i) => i >= 0);
  const maxspan = q.maxspan?.ms ?? 0;
  // Term membership and keys per (term, event), computed once.
  const holdsCache = new Map<NNF, boolean[]>();
  const holds = (spec: { nnf: NNF }, j: number): boolean => {
    let row = holdsCache.get(spec.nnf);
    if (!row) holdsCache.set(spec.nnf, (row = sorted.map((e) => nnfHolds(spec.nnf, e.asg, 0))));
    return row[j] as boolean;
  };
  const keyCache = new Map<StageSpec, (string | null)[]>();
  const keyAt = (spec: StageSpec, j: number): string | null => {
    let row = keyCache.get(spec);
    if (!row) keyCache.set(spec, (row = sorted.map((e) => keyOf(spec, e.asg))));
    return row[j] as string | null;
  };
  const untilSpec = q.until ? { term: q.until, nnf: termNNF(q.until.query, rule), keys: [...q.by, ...q.until.by] as FieldRef[] } : null;
  // Failed states (stage, previous and first chosen event, key) are remembered; the missing-event
  // check looks at every chosen event, so with missing stages nothing is remembered.
  const memo = stages.some((s) => s.term.missing) ? null : new Set<string>();
  const rec = (pi: number, from: number, key: string | null, chosen: { ts: number; j: number }[]): boolean => {
    if (pi === positive.length) return missingOk(chosen, key as string);
    if (sorted.length - from < positive.length - pi) return false;
    const state = memo ? `${pi}|${from}|${chosen[0]?.j ?? -1}|${key}` : "";
    if (memo?.has(state)) return false;
    const r = recInner(pi, from, key, chosen);
    if (!r) memo?.add(state);
    return r;
  };
  const recInner = (pi: number, from: number, key: string | null, chosen: { ts: number; j: number }[]): boolean => {
    const spec = stages[positive[pi] as number] as StageSpec;
    for (let j = from; j < sorted.length; j++) {
      const e = sorted[j] as Built & { i: number };
      if (!holds(spec, j)) continue;
      const k = keyAt(spec, j);
      if (k === null || (key !== null && k !== key)) continue;
      const first = chosen[0];
      if (first && maxspan > 0 && e.ts - first.ts > maxspan) continue;
      const prev = chosen[chosen.length - 1];
      if (prev && untilSpec) {
        const killed = sorted.some((u, ui) => ui > prev.j && ui < j && holds(untilSpec, ui) && keyOf(untilSpec, u.asg) === k);
        if (killed) continue;
      }
      if (rec(pi + 1, j + 1, k, [...chosen, { ts: e.ts, j }])) return true;
    }
    return false;
  };
  const missingOk = (chosen: { ts: number }[], key: string): boolean => {
    const startTs = (chosen[0] as { ts: number }).ts;
    const endTs = (chosen[chosen.length - 1] as { ts: number }).ts;
    let lastLeading: number | null = null;
    let firstTrailing: number | null = null;
    const firstPos = positive[0] as number;
    const lastPos = positive[positive.length - 1] as number;
    for (let i = 0; i < stages.length; i++) {
      const spec = stages[i] as StageSpec;
      if (!spec.term.missing) continue;
      const hits = sorted.filter((e, j) => holds(spec, j) && keyOf(spec, e.asg) === key);
      if (i < firstPos) {
        for (const h of hits) if (h.ts < startTs && (lastLeading === null || h.ts > lastLeading)) lastLeading = h.ts;
      } else if (i > lastPos) {
        for (const h of hits) if (h.ts > endTs && (firstTrailing === null || h.ts < firstTrailing)) firstTrailing = h.ts;
      } else {
        const before = positive.filter((p) => p < i).length - 1;
        const lo = (chosen[before] as { ts: number }).ts;
        const hi = (chosen[before + 1] as { ts: number }).ts;
        if (hits.some((h) => h.ts > lo && h.ts < hi)) return false;
      }
    }
    const lead = (stages[0] as StageSpec).term.missing;
    const trail = (stages[stages.length - 1] as StageSpec).term.missing;
    if (!lead && !trail) return true;
    const far = (a: number | null, b: number | null): boolean => a === null || b === null || (maxspan > 0 && b - a > maxspan);
    if (lead && lastLeading !== null && !far(lastLeading, trail ? firstTrailing : endTs) && !(trail && firstTrailing === null)) return false;
    if (trail && firstTrailing !== null && !far(lead ? lastLeading : startTs, firstTrailing) && !(lead && lastLeading === null)) return false;
    return true;
  };
  return rec(0, 0, null, []);
}

function sequenceRule(rule: RuleIR, q: SequenceQuery, rng: Rng, maxNeg: number): GeneratedEvent[] {
  const stages = stageSpecs(q.terms, q.by, rule);
  const positiveIdx = stages.map((s, i) => (s.term.missing ? -1 : i)).filter((i) => i >= 0);
  if (positiveIdx.length === 0) throw new GenError("a sequence without positive terms");
  const nKeys = q.by.length + (q.terms[0]?.by.length ?? 0);
  const maxspan = q.maxspan?.ms ?? 0;
  const n = positiveIdx.length;
  const step = maxspan > 0 ? Math.max(1, Math.min(1000, Math.floor(maxspan / (n + 1)))) : 1000;
  const out: GeneratedEvent[] = [];
  let day = 0;

  const buildPositive = (): { built: Built[]; keys: AValue[] } | null => {
    // The stage solved first decides the join key values; try each stage in that role
    // (a later stage may constrain a key, e.g. `by process.parent.Ext.real.pid` with `> 0`).
    for (let attempt = 0; attempt < Math.max(5, positiveIdx.length); attempt++) {
      const keys: (AValue | undefined)[] = Array(nKeys).fill(undefined);
      const t0 = BASE + ++day * DAY;
      const lead = attempt % positiveIdx.length;
      const order = [lead, ...positiveIdx.map((_, k) => k).filter((k) => k !== lead)];
      const sols: (Solution | null)[] = Array(positiveIdx.length).fill(null);
      let ok = true;
      for (const k of order) {
        const spec = stages[positiveIdx[k] as number] as StageSpec;
        const s = solveStage(spec, keys, rng);
        if (!s) {
          ok = false;
          break;
        }
        sols[k] = s;
      }
      if (!ok) continue;
      const built: Built[] = sols.map((s, k) => ({ asg: (s as Solution).asg, ts: t0 + k * step }));
      if (sequenceMatches(stages, built, q, rule)) return { built, keys: keys.map((k) => (k === undefined ? null : k)) };
    }
    return null;
  };
  const pos = buildPositive();
  if (!pos) throw new GenError("no stream of events satisfies every term with shared join keys (within the search budget)");
  const emit = (built: readonly Built[], expect: Expectation): void => {
    const sorted = [...built].sort((a, b) => a.ts - b.ts);
    out.push(...stream(sorted.map((b) => materialize(b.asg, b.ts, rule)), streamId(), expect));
  };
  emit(pos.built, { match: true, why: "every term matches, in order, with equal join keys" });

  const negs: { built: Built[]; why: string }[] = [];
  const clone = (bs: readonly Built[], shift = 0): Built[] => bs.map((b) => ({ asg: new Map(b.asg), ts: b.ts + shift }));
  const fresh = (): Built[] => clone(pos.built, ++day * DAY);
  // Outside maxspan.
  if (maxspan > 0 && n > 1) {
    const b = fresh();
    const first = (b[0] as Built).ts;
    (b[b.length - 1] as Built).ts = first + maxspan + 1;
    negs.push({ built: b, why: `the last event comes ${maxspan + 1} ms after the first, outside maxspan` });
  }
  // A differing join key on the last event.
  const lastSpec = stages[positiveIdx[positiveIdx.length - 1] as number] as StageSpec;
  lastSpec.keys.forEach((k, i) => {
    if (n < 2) return;
    const b = fresh();
    const last = b[b.length - 1] as Built;
    const v = last.asg.get(k.path);
    last.asg.set(k.path, typeof v === "number" ? v + 1 : `${String(v ?? "k")}-other`);
    if (nnfHolds(lastSpec.nnf, last.asg, 0)) negs.push({ built: b, why: `join key ${i + 1} (${k.path}) differs on the last event` });
  });
  // Until between the first two matches.
  if (q.until && n > 1) {
    const uSpec: StageSpec = { term: q.until, nnf: termNNF(q.until.query, rule), keys: [...q.by, ...q.until.by] as FieldRef[] };
    const keys = [...pos.keys];
    const u = solveStage(uSpec, keys, rng);
    if (u) {
      const b = fresh();
      b.push({ asg: u.asg, ts: Math.floor(((b[0] as Built).ts + (b[1] as Built).ts) / 2) });
      negs.push({ built: b, why: "an until event comes between the first two matches" });
    }
  }
  // A missing event that occurs.
  stages.forEach((spec, i) => {
    if (!spec.term.missing) return;
    const keys = [...pos.keys];
    const m = solveStage(spec, keys, rng);
    if (!m) return;
    const b = fresh();
    const before = positiveIdx.filter((p) => p < i).length - 1;
    let ts: number;
    if (before < 0) ts = (b[0] as Built).ts - 1;
    else if (before >= b.length - 1) ts = (b[b.length - 1] as Built).ts + 1;
    else ts = Math.floor(((b[before] as Built).ts + (b[before + 1] as Built).ts) / 2);
    if (before >= 0 && before < b.length - 1 && ts === (b[before] as Built).ts) return;
    b.push({ asg: m.asg, ts });
    negs.push({ built: b, why: `the missing event [${i}] occurs` });
  });
  // One literal of the last event flipped.
  {
    const lastAsg = (pos.built[pos.built.length - 1] as Built).asg;
    const conjs = solveNNF(lastSpec.nnf, [], new Map(), rng, 0);
    const lits = conjs ? conjs.conj : [];
    for (const l of lits) {
      for (const m of mutations(l, lastAsg, rng, rule)) {
        if (lastSpec.keys.some((k) => m.asg.get(k.path) !== lastAsg.get(k.path))) continue;
        if (nnfHolds(lastSpec.nnf, m.asg, 0)) continue;
        const b = fresh();
        (b[b.length - 1] as Built).asg.clear();
        for (const [k, v] of m.asg) (b[b.length - 1] as Built).asg.set(k, v);
        negs.push({ built: b, why: `last event: ${m.why}` });
      }
    }
  }
  let count = 0;
  for (const ng of negs) {
    if (count >= maxNeg) break;
    if (sequenceMatches(stages, ng.built, q, rule)) continue;
    emit(ng.built, { match: false, why: ng.why });
    count++;
  }
  return out;
}

function sampleRule(rule: RuleIR, q: SampleQuery, rng: Rng): GeneratedEvent[] {
  const specs: StageSpec[] = q.terms.map((t) => ({ term: t, nnf: termNNF(t.query, rule), keys: [...q.by, ...t.by] as FieldRef[] }));
  const keys: (AValue | undefined)[] = Array(q.by.length + (q.terms[0]?.by.length ?? 0)).fill(undefined);
  const built: Built[] = [];
  let t = BASE;
  for (const s of specs) {
    const sol = solveStage(s, keys, rng);
    if (!sol) throw new GenError("no event satisfies a sample term with the shared join keys");
    built.push({ asg: sol.asg, ts: (t += 1000) });
  }
  const out: GeneratedEvent[] = [];
  const emit = (bs: readonly Built[], expect: Expectation): void => {
    out.push(...stream(bs.map((b) => materialize(b.asg, b.ts, rule)), streamId(), expect));
  };
  emit([...built].reverse(), { match: true, why: "one event per term with equal join keys (order does not matter)" });
  const lastSpec = specs[specs.length - 1] as StageSpec;
  if (specs.length > 1 && lastSpec.keys.length > 0) {
    const b = built.map((x) => ({ asg: new Map(x.asg), ts: x.ts }));
    const k = lastSpec.keys[0] as FieldRef;
    const last = b[b.length - 1] as Built;
    const v = last.asg.get(k.path);
    last.asg.set(k.path, typeof v === "number" ? v + 1 : `${String(v ?? "k")}-other`);
    const others = specs.map((s) => s.nnf);
    // Still a negative only if no other arrangement matches: every other event must fail the last term.
    if (nnfHolds(lastSpec.nnf, last.asg, 0) && !b.slice(0, -1).some((x) => nnfHolds(others[others.length - 1] as NNF, x.asg, 0)))
      emit(b, { match: false, why: `join key ${k.path} differs on the last term's event` });
  }
  return out;
}
