/**
 * Applying a field mapping to the IR: choosing the data source a query reads
 * (from facts about the rule), removing conditions the source already
 * guarantees, and renaming fields with their value transforms. The result is
 * still IR (field paths are now the target's names), so printers stay simple.
 * Everything lossy or impossible is a diagnostic at the node's span.
 */
import type { Condition, EventQuery, FieldRef, Match, MatchValue, Pattern, PatternPart, RuleIR, Span, Value } from "../ir/nodes.js";
import { compilePattern } from "../eval/patterns.js";
import { assertNever, exactText } from "../ir/nodes.js";

export { exactText };
import { type Diagnostic, info, unsupported, warning } from "../diagnostics/index.js";
import type { RuleDocument } from "../frontend/rule-document.js";
import type { FieldMapping, MappingSpec, SourceSpec } from "./spec.js";

export interface RuleFacts {
  /** Event categories the query is limited to (EQL category, or `event.category` conditions). Empty: unknown. */
  readonly category: ReadonlySet<string>;
  /** Operating systems (`host.os.type` conditions, then `OS:` tags, then index patterns). Empty: unknown. */
  readonly os: ReadonlySet<string>;
  /** `event.dataset` / `data_stream.dataset` values the query is limited to. */
  readonly dataset: ReadonlySet<string>;
  readonly index: readonly string[];
  readonly integration: readonly string[];
}

/** Tags that name an OS: Elastic's current `OS: Windows` form and its older bare `Windows`. */
const OS_TAGS: Record<string, string> = { "os: windows": "windows", "os: linux": "linux", "os: macos": "macos", windows: "windows", linux: "linux", macos: "macos" };

/**
 * The values (lowercased) `field` must hold for `cond` to be true, or null if
 * `cond` does not constrain it: a match on the field gives its exact values;
 * an `and`, what its constraining operands have in common; an `or`, the union
 * of its operands' values when every operand constrains the field (so
 * `event.category : "library" or (event.category == "process" and ...)` gives
 * library and process).
 */
export function requiredValues(cond: Condition, field: string): Set<string> | null {
  switch (cond.kind) {
    case "match": {
      if (cond.subject.kind !== "field" || cond.subject.path !== field) return null;
      const s = new Set<string>();
      for (const v of cond.values) {
        const t = exactText(v);
        if (t === null) return null;
        s.add(t.toLowerCase());
      }
      return s;
    }
    case "and": {
      let out: Set<string> | null = null;
      for (const c of cond.operands) {
        const vals = requiredValues(c, field);
        if (vals) out = out ? new Set<string>([...out].filter((v: string) => vals.has(v))) : vals;
      }
      return out;
    }
    case "or": {
      const s = new Set<string>();
      for (const o of cond.operands) {
        const v = requiredValues(o, field);
        if (!v) return null;
        for (const x of v) s.add(x);
      }
      return s;
    }
    default:
      return null;
  }
}

/** Index-pattern prefixes that name an OS (used only when the query and the tags say nothing). */
const OS_INDEXES: readonly [RegExp, string][] = [
  [/^(winlogbeat|logs-windows|logs-system\.security)/, "windows"],
  [/^(auditbeat|logs-auditd_manager)/, "linux"],
];

/** `logs-endpoint.events.<category>` index patterns name the event category. */
const ENDPOINT_CATEGORY = /^logs-endpoint\.events\.(process|file|network|registry|library|api|security)\b/;

/**
 * Facts of the last rule's queries: every target and profile asks for the same
 * query's facts, one rule after the other. (Only the last rule is kept: a
 * WeakMap over a whole library costs the garbage collector more than it saves.)
 */
let memoRule: RuleIR | null = null;
let memoDoc: RuleDocument | null = null;
let factsMemo = new Map<EventQuery, RuleFacts>();

/** Facts about one event query of a rule, for choosing a data source. */
export function factsOf(query: EventQuery, rule: RuleIR, doc: RuleDocument | null): RuleFacts {
  if (rule !== memoRule || doc !== memoDoc) {
    memoRule = rule;
    memoDoc = doc;
    factsMemo = new Map();
  }
  let facts = factsMemo.get(query);
  if (!facts) factsMemo.set(query, (facts = computeFacts(query, rule, doc)));
  return facts;
}

function computeFacts(query: EventQuery, rule: RuleIR, doc: RuleDocument | null): RuleFacts {
  const category = new Set<string>();
  if (query.category.kind === "named") category.add(query.category.name.toLowerCase());
  else for (const v of requiredValues(query.condition, rule.eventCategoryField) ?? []) category.add(v);
  if (category.size === 0 && rule.query.kind === "event") {
    // a single-event query with no category condition: the endpoint index patterns tell it, if they agree
    const fromIndex = new Set<string>();
    let other = false;
    for (const i of rule.index) {
      const m = ENDPOINT_CATEGORY.exec(i);
      if (m) fromIndex.add(m[1] as string);
      else other = true;
    }
    if (!other && fromIndex.size === 1) for (const c of fromIndex) category.add(c);
  }
  const os = new Set<string>(requiredValues(query.condition, "host.os.type") ?? []);
  if (os.size === 0 && doc) for (const t of doc.tags) { const o = OS_TAGS[t.toLowerCase()]; if (o) os.add(o); }
  if (os.size === 0) {
    for (const i of rule.index) for (const [re, o] of OS_INDEXES) if (re.test(i)) os.add(o);
    if (os.size > 1) os.clear(); // indexes of several OSes: unknown
  }
  const dataset = new Set<string>([...(requiredValues(query.condition, "event.dataset") ?? []), ...(requiredValues(query.condition, "data_stream.dataset") ?? [])]);
  return { category, os, dataset, index: rule.index, integration: doc?.metadata.integration ?? [] };
}

const globs = new Map<string, RegExp>();
function globMatch(glob: string, s: string): boolean {
  let re = globs.get(glob);
  if (!re) {
    re = new RegExp("^" + glob.split("*").map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$", "i");
    globs.set(glob, re);
  }
  return re.test(s);
}

/** Lowercased copies, made once per list or set (sources are checked against the same facts many times). */
const lowered = new WeakMap<object, ReadonlySet<string> | readonly string[]>();
function lowerSet(xs: readonly string[]): ReadonlySet<string> {
  let l = lowered.get(xs) as ReadonlySet<string> | undefined;
  if (!l) lowered.set(xs, (l = new Set(xs.map((x) => x.toLowerCase()))));
  return l;
}
function lowerList(xs: ReadonlySet<string> | readonly string[]): readonly string[] {
  let l = lowered.get(xs) as readonly string[] | undefined;
  if (!l) lowered.set(xs, (l = [...xs].map((x) => x.toLowerCase())));
  return l;
}

/** Whether a source's `when` holds for the facts (a source with no `when` always holds). */
export function sourceMatches(s: SourceSpec, facts: RuleFacts): boolean {
  const w = s.when;
  // every fact among the allowed values (case-insensitively); no facts: not within
  const within = (have: ReadonlySet<string> | readonly string[], allowed: readonly string[] | undefined) => {
    if (!allowed) return true;
    const list = lowerList(have);
    if (list.length === 0) return false;
    const ok = lowerSet(allowed);
    return list.every((h) => ok.has(h));
  };
  const anyGlob = (have: readonly string[], globs: readonly string[] | undefined) => !globs || (have.length > 0 && have.some((h) => globs.some((a) => globMatch(a, h))));
  return (
    within(facts.category, w.category) &&
    within(facts.os, w.os) &&
    within(facts.dataset, w.dataset) &&
    anyGlob(facts.index, w.index) &&
    (!w.index_only || (facts.index.length > 0 && facts.index.every((h) => (w.index_only as readonly string[]).some((a) => globMatch(a, h))))) &&
    within(facts.integration, w.integration)
  );
}

/** The first source whose `when` holds for the facts. */
export function selectSource(spec: MappingSpec, facts: RuleFacts): SourceSpec | null {
  return candidateSources(spec, facts)[0] ?? null;
}

/**
 * Sources chosen so far, per mapping and facts: a library's rules share a few
 * dozen combinations of facts, and every target asks once or more per query.
 */
const chosen = new WeakMap<MappingSpec, Map<string, readonly SourceSpec[]>>();
/** Unambiguous for any strings (a rule's index patterns may hold any character). */
const factsKey = (f: RuleFacts) => JSON.stringify([[...f.category], [...f.os], [...f.dataset], f.index, f.integration]);
/** The key of the facts asked about last (the targets ask about the same facts in turn). */
let lastFacts: RuleFacts | null = null;
let lastKey = "";

/** Every source whose `when` holds, in file order (for targets that pick the first one mapping every field). */
export function candidateSources(spec: MappingSpec, facts: RuleFacts): readonly SourceSpec[] {
  let cache = chosen.get(spec);
  if (!cache) chosen.set(spec, (cache = new Map()));
  if (facts !== lastFacts) {
    lastFacts = facts;
    lastKey = factsKey(facts);
  }
  const key = lastKey;
  let found = cache.get(key);
  if (!found) cache.set(key, (found = spec.sources.filter((s) => sourceMatches(s, facts))));
  return found;
}

export interface MapContext {
  readonly spec: MappingSpec;
  readonly source: SourceSpec | null;
  /** Target id, put on every diagnostic. */
  readonly target: string;
  /** Diagnostic code prefix for this target, e.g. `SIGMA`. */
  readonly code: string;
}

/** The constant condition `true` or `false` (what a guaranteed or impossible leaf becomes). */
export function constant(value: boolean, span: Span): Condition {
  return { kind: "test", value: { kind: "boolean", value, span }, span };
}
/** Whether a condition is the constant `true`/`false` (after simplification). */
export function constantOf(c: Condition): boolean | null {
  return c.kind === "test" && c.value.kind === "boolean" ? c.value.value : null;
}

export function lookupField(ctx: MapContext, path: string): FieldMapping | undefined {
  return ctx.source?.fields.get(path) ?? ctx.spec.fields.get(path);
}

/** Removes the conditions the source guarantees, then maps fields. */
export function applyFieldMap(cond: Condition, ctx: MapContext): { condition: Condition; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const condition = mapCondition(cond, ctx, diagnostics);
  return { condition, diagnostics };
}

/**
 * Whether every event of the source meets the match: each value the source
 * guarantees (one of `implied`) is matched by one of the match's values
 * (exact text, or a wildcard pattern that matches it).
 */
function isImplied(m: Match, ctx: MapContext): boolean {
  if (!ctx.source || m.subject.kind !== "field" || m.subject.wildcard) return false;
  const implied = ctx.source.implied.get(m.subject.path);
  if (!implied) return false;
  const tests = m.values.map((v) => {
    const t = exactText(v);
    if (t !== null) return (i: string) => (m.caseSensitive ? t === i : t.toLowerCase() === i.toLowerCase());
    return v.kind === "pattern" ? compilePattern(v.parts, m.caseSensitive) : () => false;
  });
  return implied.every((i) => tests.some((test) => test(i)));
}

function mapCondition(c: Condition, ctx: MapContext, out: Diagnostic[]): Condition {
  switch (c.kind) {
    case "and":
    case "or": {
      const ops: Condition[] = [];
      const absorbing = c.kind === "or";
      const found: Diagnostic[] = [];
      for (const o of c.operands) {
        const own: Diagnostic[] = [];
        const m = mapCondition(o, ctx, own);
        const k = constantOf(m);
        if (k === absorbing) {
          // One operand decides (an `or` the source guarantees, an `and` it rules out): the
          // others are irrelevant, and so are their diagnostics (an unmapped field there
          // must not make the rule unsupported). Only the deciding operand's are kept.
          out.push(...own);
          return constant(absorbing, c.span);
        }
        found.push(...own);
        if (k === null) ops.push(m);
      }
      out.push(...found);
      if (ops.length === 0) return constant(!absorbing, c.span);
      if (ops.length === 1) return ops[0] as Condition;
      return { ...c, operands: ops };
    }
    case "not": {
      const m = mapCondition(c.operand, ctx, out);
      const k = constantOf(m);
      if (k !== null) return constant(!k, c.span);
      return { ...c, operand: m };
    }
    case "match": {
      if (isImplied(c, ctx)) {
        out.push(info(`${ctx.code}101`, `\`${(c.subject as FieldRef).path}\` is guaranteed by the data source \`${ctx.source?.id}\`; the condition is left out`, c.span, { target: ctx.target }));
        return constant(true, c.span);
      }
      return mapLeaf(c, ctx, out, (field, fm) => {
        if (!fm.transform) return { ...c, subject: field };
        const values: MatchValue[] = [];
        for (const v of c.values) {
          const p = asPattern(v);
          if (fm.transform === "basename") {
            if (p.parts.some((x) => x.kind !== "text")) {
              out.push(warning(`${ctx.code}102`, `\`${(c.subject as FieldRef).path}\` becomes the last path component of \`${field.path}\`; a wildcard in this value may also match across "${fm.separator}" separators`, v.span, { target: ctx.target }));
            }
            values.push(pattern([{ kind: "any" }, { kind: "text", value: fm.separator }, ...p.parts], v.span));
          } else if (fm.transform === "extension") {
            if (p.parts.some((x) => x.kind !== "text" || x.value.includes("."))) {
              out.push(warning(`${ctx.code}102`, `\`${(c.subject as FieldRef).path}\` becomes the end of \`${field.path}\` after a "."; a wildcard or a "." in this value may also match a longer extension`, v.span, { target: ctx.target }));
            }
            values.push(pattern([{ kind: "any" }, { kind: "text", value: "." }, ...p.parts], v.span));
          } else {
            values.push(pattern([{ kind: "any" }, ...p.parts, { kind: "any" }], v.span));
          }
        }
        if (fm.transform === "contains") {
          out.push(warning(`${ctx.code}103`, `approximation: \`${(c.subject as FieldRef).path}\` has no counterpart; the value is matched as a substring of \`${field.path}\`${fm.note ? ` (${fm.note})` : ""}`, c.span, { target: ctx.target }));
        }
        return { ...c, subject: field, values, operator: c.operator === "kql" ? "kql" : c.caseSensitive ? "like" : ":" };
      });
    }
    case "regex-match":
      return mapLeaf(c, ctx, out, (field, fm) => {
        if (!fm.transform) return { ...c, subject: field };
        const prefix = fm.transform === "basename" ? (fm.separator === "\\" ? ".*\\\\" : ".*/") : fm.transform === "extension" ? ".*\\." : ".*";
        const suffix = fm.transform === "contains" ? ".*" : "";
        if (fm.transform === "contains") out.push(warning(`${ctx.code}103`, `approximation: \`${(c.subject as FieldRef).path}\` has no counterpart; the regular expression is matched inside \`${field.path}\``, c.span, { target: ctx.target }));
        return { ...c, subject: field, patterns: c.patterns.map((r) => ({ ...r, source: `${prefix}(${r.source})${suffix}` })) };
      });
    case "exists":
      return mapLeaf(c, ctx, out, (field, fm) => {
        if (fm.transform === "extension") {
          // the last path component (after "/" or "\\", whichever the OS uses) has a "." followed by
          // at least one character that is neither "." nor a separator
          out.push(
            warning(
              `${ctx.code}107`,
              `approximation: \`${(c.subject as FieldRef).path}\` exists when the last component of \`${field.path}\` has an extension after a "."; a name that starts or ends with "." may be judged differently`,
              c.span,
              { target: ctx.target },
            ),
          );
          return { kind: "regex-match", subject: field, patterns: [{ kind: "regex", dialect: "lucene", source: "(.*[\\\\/])?[^\\\\/]*\\.[^\\\\/.]+", span: c.span }], caseSensitive: true, span: c.span };
        }
        return { ...c, subject: field };
      });
    case "compare": {
      const left = mapValue(c.left, ctx, out);
      const right = mapValue(c.right, ctx, out);
      return { ...c, left, right };
    }
    case "test":
      return { ...c, value: mapValue(c.value, ctx, out) };
    case "fulltext":
      return c;
    case "nested": {
      const m = lookupField(ctx, c.path);
      if (!m || m.to.length !== 1 || m.transform) {
        out.push(unsupported(`${ctx.code}104`, `nested field \`${c.path}\` has no counterpart in this mapping`, c.span, { target: ctx.target }));
        return c;
      }
      return { ...c, path: m.to[0] as string, condition: mapCondition(c.condition, ctx, out) };
    }
    default:
      return assertNever(c, "condition");
  }
}

function asPattern(v: MatchValue): Pattern {
  if (v.kind === "pattern") return v;
  return pattern([{ kind: "text", value: v.kind === "number" ? v.raw : String(v.value) }], v.span);
}

/** Builds a normalised pattern (adjacent text joined, empty text dropped). */
export function pattern(parts: readonly PatternPart[], span: Span): Pattern {
  const out: PatternPart[] = [];
  for (const p of parts) {
    if (p.kind === "any" && out[out.length - 1]?.kind === "any") continue; // `**` is `*`
    if (p.kind === "text") {
      if (p.value === "") continue;
      const last = out[out.length - 1];
      if (last && last.kind === "text") {
        out[out.length - 1] = { kind: "text", value: last.value + p.value };
        continue;
      }
    }
    out.push(p);
  }
  return { kind: "pattern", parts: out, span };
}

/** Maps a leaf whose subject is a field; fields under functions go through mapValue. */
type Leaf = Extract<Condition, { subject: Value }>;
function mapLeaf<T extends Leaf>(c: T, ctx: MapContext, out: Diagnostic[], build: (field: FieldRef, fm: FieldMapping) => Condition): Condition {
  if (c.subject.kind !== "field") return { ...c, subject: mapValue(c.subject, ctx, out) } as Condition;
  const f = c.subject;
  const fm = lookupField(ctx, f.path);
  if (fm === undefined || fm.to.length === 0) return unmapped(c, f, fm, ctx, out);
  noted(f, fm, ctx, out);
  const leaves = fm.to.map((name) => build({ ...f, path: name, wildcard: false }, fm));
  if (leaves.length === 1) return leaves[0] as Condition;
  return { kind: "or", operands: leaves, span: c.span };
}

/**
 * A mapping with a note and no transform renames the field but says the two
 * do not hold quite the same thing (a host's name standing in for its id, a
 * hive abbreviated): every use is an announced approximation, never silent.
 * (A transform's note goes with the transform's own diagnostic.)
 */
function noted(f: FieldRef, fm: FieldMapping, ctx: MapContext, out: Diagnostic[]): void {
  if (!fm.note || fm.transform) return;
  out.push(warning(`${ctx.code}108`, `approximation: \`${f.path}\` is matched as \`${fm.to.join("`, `")}\` (${fm.note})`, f.span, { target: ctx.target }));
}

function unmapped(c: Condition, f: FieldRef, fm: FieldMapping | undefined, ctx: MapContext, out: Diagnostic[]): Condition {
  const where = ctx.source ? ` (data source \`${ctx.source.id}\`)` : "";
  const why = fm ? "is explicitly unmapped" : "has no counterpart";
  switch (ctx.source?.unmapped ?? ctx.spec.unmapped) {
    case "error":
      out.push(unsupported(`${ctx.code}100`, `field \`${f.path}\` ${why} in this mapping${where}`, f.span, { target: ctx.target }));
      return c;
    case "warn":
      out.push(warning(`${ctx.code}100`, `field \`${f.path}\` ${why} in this mapping${where}; kept under its ECS name`, f.span, { target: ctx.target }));
      return c;
    case "keep":
      out.push(info(`${ctx.code}100`, `field \`${f.path}\` ${why} in this mapping${where}; kept under its ECS name`, f.span, { target: ctx.target }));
      return c;
  }
}

/** Maps the fields inside a value. A field whose mapping transforms values cannot be used inside functions or arithmetic. */
export function mapValue(v: Value, ctx: MapContext, out: Diagnostic[]): Value {
  switch (v.kind) {
    case "field": {
      const fm = lookupField(ctx, v.path);
      if (fm === undefined || fm.to.length === 0) {
        unmapped({ kind: "exists", subject: v, span: v.span }, v, fm, ctx, out);
        return v;
      }
      noted(v, fm, ctx, out);
      if (fm.transform || fm.to.length > 1) {
        out.push(unsupported(`${ctx.code}105`, `\`${v.path}\` maps to ${fm.transform ? `a ${fm.transform} of ` : "several fields: "}\`${fm.to.join("`, `")}\`, which cannot be used inside a function, a comparison or a join key`, v.span, { target: ctx.target }));
        return v;
      }
      return { ...v, path: fm.to[0] as string, wildcard: false };
    }
    case "string":
    case "number":
    case "boolean":
    case "null":
    case "datemath":
      return v;
    case "call":
      return { ...v, args: v.args.map((a) => mapValue(a, ctx, out)) };
    case "arith":
      return { ...v, left: mapValue(v.left, ctx, out), right: mapValue(v.right, ctx, out) };
    case "negate":
      return { ...v, operand: mapValue(v.operand, ctx, out) };
    default:
      return assertNever(v, "value");
  }
}
