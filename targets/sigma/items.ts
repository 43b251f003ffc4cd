/**
 * IR leaf conditions -> Sigma detection items (`Field|modifier: values`).
 *
 * One leaf becomes one item, or several items that are OR-ed (a value list
 * whose values need different modifiers). A construct Sigma cannot express
 * exactly becomes an `unsupported` diagnostic at the node's span; this module
 * is used both by the capability check (diagnostics only) and by the builder
 * (which only runs on checked input).
 */
import type { Call, Condition, MatchValue, Pattern, PatternPart, RegexMatch, Span, Value } from "../../src/ir/nodes.js";
import { assertNever } from "../../src/ir/nodes.js";
import { type Diagnostic, unsupported, warning } from "../../src/diagnostics/index.js";
import { escapeParts, hasCase, isCanonicalInteger, literalText, type Shape, type SigmaScalar, shapeOf, translateLuceneRegex } from "./values.js";

export const TARGET = "sigma";

/** One Sigma detection item. `field` null is a keyword (free-text) item. */
export interface Item {
  readonly field: string | null;
  readonly modifiers: readonly string[];
  readonly values: readonly SigmaScalar[];
}

const itemKeys = new WeakMap<Item, string>();

/** `Field|mod1|mod2`: items with equal keys can share a value list (computed once per item). */
export function itemKey(item: Item): string {
  let k = itemKeys.get(item);
  if (k === undefined) itemKeys.set(item, (k = [item.field ?? "", ...item.modifiers].join("|")));
  return k;
}

/** The leaves the builder turns into items. */
export type Leaf = Exclude<Condition, { kind: "and" | "or" | "not" }>;

export function isLeaf(c: Condition): c is Leaf {
  return c.kind !== "and" && c.kind !== "or" && c.kind !== "not";
}

export interface LeafResult {
  /** OR-ed items; empty when the leaf is unsupported. */
  readonly items: readonly Item[];
  readonly diagnostics: readonly Diagnostic[];
}

const no = (code: string, message: string, span: Span): LeafResult => ({ items: [], diagnostics: [unsupported(`SIGMA${code}`, message, span, { target: TARGET })] });

/** The field a leaf tests, or the unsupported result when it tests something else. */
function fieldName(v: Value, span: Span): string | LeafResult {
  if (v.kind !== "field") return no("201", `Sigma matches fields against constants; this compares a computed value (${v.kind})`, span);
  if (v.wildcard) return no("202", `the field pattern \`${v.path}\` (a condition on any matching field) has no Sigma counterpart`, v.span);
  return v.path;
}

const SHAPE_MODIFIER: Readonly<Record<Shape, string | null>> = {
  exact: null,
  wildcard: null,
  contains: "contains",
  startswith: "startswith",
  endswith: "endswith",
};

/** `**` matches what `*` matches: adjacent any-runs (from composed transforms) are written once. */
function collapse(parts: readonly PatternPart[]): readonly PatternPart[] {
  if (!parts.some((p, i) => p.kind === "any" && parts[i + 1]?.kind === "any")) return parts;
  const out: PatternPart[] = [];
  for (const p of parts) if (!(p.kind === "any" && out[out.length - 1]?.kind === "any")) out.push(p);
  return out;
}

const CONTROL = /[\u0000-\u001f]/;

/**
 * Control characters cannot be written in a Sigma value (pySigma's validators
 * reject them as a likely escaping mistake); each becomes the one-character
 * wildcard `?`, which the check pass reports as an approximation.
 */
function withoutControls(parts: readonly PatternPart[]): { parts: readonly PatternPart[]; changed: boolean } {
  if (!parts.some((p) => p.kind === "text" && CONTROL.test(p.value))) return { parts, changed: false };
  const out: PatternPart[] = [];
  let changed = false;
  for (const p of parts) {
    if (p.kind !== "text" || !CONTROL.test(p.value)) {
      out.push(p);
      continue;
    }
    changed = true;
    for (const piece of p.value.split(/([\u0000-\u001f])/)) {
      if (piece === "") continue;
      out.push(/^[\u0000-\u001f]$/.test(piece) ? { kind: "one" } : { kind: "text", value: piece });
    }
  }
  return { parts: out, changed };
}

function controlWarning(span: Span): Diagnostic[] {
  return [warning("SIGMA322", "a control character (tab, newline, ...) in a value is written as the one-character wildcard `?`", span, { target: TARGET })];
}

/** Groups match values by the modifier they need; each group becomes one item. `controls`: a control character became `?`. */
function matchItems(field: string | null, values: readonly MatchValue[], caseSensitive: boolean): { items: Item[]; controls: boolean } {
  let controls = false;
  // Few groups (modifier x cased) and mostly few values: arrays, a set only for long value lists.
  const groups: { mod: string | null; cased: boolean; values: SigmaScalar[]; seen: Set<SigmaScalar> | null }[] = [];
  const add = (mod: string | null, cased: boolean, v: SigmaScalar) => {
    let g = groups.find((x) => x.mod === mod && x.cased === cased);
    if (!g) groups.push((g = { mod, cased, values: [], seen: null }));
    if (g.seen ? g.seen.has(v) : g.values.includes(v)) return;
    g.values.push(v);
    if (g.seen) g.seen.add(v);
    else if (g.values.length > 16) g.seen = new Set(g.values);
  };
  for (const v of values) {
    switch (v.kind) {
      case "number":
        add(null, false, v.integer && isCanonicalInteger(v.raw) ? v.value : v.raw);
        break;
      case "boolean":
        add(null, false, v.value);
        break;
      case "pattern": {
        const plain = withoutControls(v.parts);
        controls ||= plain.changed;
        const s = shapeOf(collapse(plain.parts));
        const text = escapeParts(s.parts);
        const cased = caseSensitive && hasCase(literalText(s.parts));
        const mod = SHAPE_MODIFIER[s.shape];
        if (mod === null && s.shape === "exact" && !cased && isCanonicalInteger(text)) add(null, false, Number(text));
        else add(mod, cased, text);
        break;
      }
      default:
        assertNever(v, "match value");
    }
  }
  const items = groups.map((g): Item => {
    const modifiers: string[] = [];
    if (g.mod) modifiers.push(g.mod);
    if (g.cased) modifiers.push("cased");
    return { field, modifiers, values: g.values };
  });
  return { items, controls };
}

function regexItems(c: RegexMatch, field: string): LeafResult {
  const values: string[] = [];
  let dotAll = false;
  for (const p of c.patterns) {
    const r = translateLuceneRegex(p.source);
    if (!r.ok) return no("206", r.reason, p.span);
    dotAll ||= r.dotAll;
    values.push(r.source);
  }
  values.splice(0, values.length, ...new Set(values));
  const modifiers = ["re", ...(c.caseSensitive ? [] : ["i"]), ...(dotAll ? ["s"] : [])];
  return { items: [{ field, modifiers, values }], diagnostics: [] };
}

const COMPARE_MODIFIER = { "<": "lt", "<=": "lte", ">": "gt", ">=": "gte" } as const;
const FLIP = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as const;

function stringArg(v: Value | undefined): string | null {
  return v?.kind === "string" ? v.value : null;
}

function callItems(call: Call, span: Span): LeafResult {
  switch (call.name) {
    case "startsWith":
    case "endsWith":
    case "stringContains": {
      const [subject, sub] = call.args;
      if (!subject) return no("205", `\`${call.name}\` needs two arguments`, span);
      const f = fieldName(subject, call.span);
      if (typeof f !== "string") return f;
      const mod = call.name === "startsWith" ? "startswith" : call.name === "endsWith" ? "endswith" : "contains";
      if (sub?.kind === "field") {
        // another field's value: a Sigma field reference (`Field|fieldref|startswith: Other`)
        const ref = fieldName(sub, sub.span);
        if (typeof ref !== "string") return ref;
        return {
          items: [{ field: f, modifiers: ["fieldref", mod], values: [escapeParts([{ kind: "text", value: ref }])] }],
          diagnostics: [
            warning(
              "SIGMA327",
              `\`${call.name}${call.caseInsensitive ? "~" : ""}\` with a field as its second argument becomes a Sigma field reference (\`fieldref\`); Sigma leaves it to the backend whether that comparison is case-sensitive (EQL's is case-${call.caseInsensitive ? "insensitive" : "sensitive"}) and what a missing field does`,
              call.span,
              { target: TARGET },
            ),
          ],
        };
      }
      const text = stringArg(sub);
      if (text === null) return no("205", `\`${call.name}\` with a non-constant second argument has no Sigma counterpart`, call.span);
      if (call.name === "stringContains" && text === "") return no("209", "`stringContains(x, \"\")` is false in EQL, but an empty Sigma `contains` matches every value", call.span);
      const cased = !call.caseInsensitive && hasCase(text);
      return { items: [{ field: f, modifiers: [mod, ...(cased ? ["cased"] : [])], values: [escapeParts(text === "" ? [] : [{ kind: "text", value: text }])] }], diagnostics: [] };
    }
    case "cidrMatch": {
      const [subject, ...blocks] = call.args;
      if (!subject) return no("205", "`cidrMatch` needs an address argument", span);
      const f = fieldName(subject, call.span);
      if (typeof f !== "string") return f;
      const values: string[] = [];
      for (const b of blocks) {
        const s = stringArg(b);
        if (s === null) return no("205", "`cidrMatch` with a non-constant block has no Sigma counterpart", b.span);
        values.push(s);
      }
      if (values.length === 0) return no("205", "`cidrMatch` without address blocks", call.span);
      return { items: [{ field: f, modifiers: ["cidr"], values: [...new Set(values)] }], diagnostics: [] };
    }
    case "add":
    case "between":
    case "concat":
    case "divide":
    case "indexOf":
    case "length":
    case "modulo":
    case "multiply":
    case "number":
    case "string":
    case "substring":
    case "subtract":
      return no("205", `the EQL function \`${call.name}\` has no Sigma counterpart`, call.span);
    default:
      return assertNever(call.name, "function");
  }
}

/**
 * The capability check and the detection builder (which tries the same leaf
 * in several layouts) ask for a leaf's items many times; the result depends
 * on the leaf alone, so it is computed once per leaf.
 */
const leafCache = new WeakMap<Leaf, LeafResult>();

/** Translates one leaf into OR-ed items, or an unsupported diagnostic. */
export function leafItems(c: Leaf): LeafResult {
  let r = leafCache.get(c);
  if (r === undefined) leafCache.set(c, (r = translateLeaf(c)));
  return r;
}

function translateLeaf(c: Leaf): LeafResult {
  switch (c.kind) {
    case "match": {
      const f = fieldName(c.subject, c.span);
      if (typeof f !== "string") return f;
      const r = matchItems(f, c.values, c.caseSensitive);
      return { items: r.items, diagnostics: r.controls ? controlWarning(c.span) : [] };
    }
    case "regex-match": {
      const f = fieldName(c.subject, c.span);
      if (typeof f !== "string") return f;
      return regexItems(c, f);
    }
    case "exists": {
      const f = fieldName(c.subject, c.span);
      if (typeof f !== "string") return f;
      return { items: [{ field: f, modifiers: ["exists"], values: [true] }], diagnostics: [] };
    }
    case "compare": {
      let { left, right } = c;
      let op = c.op;
      if (left.kind !== "field" && right.kind === "field") {
        [left, right] = [right, left];
        op = FLIP[op];
      }
      if (left.kind !== "field") return no("204", "a comparison between computed values has no Sigma counterpart", c.span);
      const f = fieldName(left, c.span);
      if (typeof f !== "string") return f;
      if (right.kind === "negate" && right.operand.kind === "number") right = { ...right.operand, value: -right.operand.value, raw: `-${right.operand.raw}` };
      if (right.kind === "datemath") return no("210", `the date-math bound \`${right.expr}\` has no Sigma counterpart`, right.span);
      if (right.kind !== "number") return no("203", `Sigma's \`${COMPARE_MODIFIER[op]}\` modifier compares numbers only; this compares with a ${right.kind}`, c.span);
      return { items: [{ field: f, modifiers: [COMPARE_MODIFIER[op]], values: [right.value] }], diagnostics: [] };
    }
    case "test": {
      const v = c.value;
      if (v.kind === "field") {
        const f = fieldName(v, c.span);
        if (typeof f !== "string") return f;
        return { items: [{ field: f, modifiers: [], values: [true] }], diagnostics: [] };
      }
      if (v.kind === "call") return callItems(v, c.span);
      return no("205", `a constant or computed condition (${v.kind}) has no Sigma counterpart`, c.span);
    }
    case "fulltext": {
      if (c.caseSensitive) return no("208", "case-sensitive free-text search has no Sigma counterpart", c.span);
      const r = matchItems(null, [c.value], false);
      return {
        items: r.items,
        diagnostics: [...(r.controls ? controlWarning(c.span) : []), warning("SIGMA312", "free-text search becomes a Sigma keyword; how keywords match (which fields, whole words or substrings) depends on the Sigma backend", c.span, { target: TARGET })],
      };
    }
    case "nested":
      return no("207", `the nested-field query \`${c.path}:{...}\` has no Sigma counterpart`, c.span);
    default:
      return assertNever(c, "condition");
  }
}

/** Capability check: every leaf's diagnostics, before anything is built. */
export function checkCondition(c: Condition): Diagnostic[] {
  switch (c.kind) {
    case "and":
    case "or":
      return c.operands.flatMap(checkCondition);
    case "not":
      return checkCondition(c.operand);
    default:
      return [...leafItems(c).diagnostics];
  }
}

/** A pattern's text for names and messages. */
export function patternText(p: Pattern): string {
  return literalText(p.parts);
}
