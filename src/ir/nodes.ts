/**
 * The ruleport intermediate representation.
 *
 * One typed, target-neutral tree for what a detection rule matches. Frontends
 * (EQL, KQL, Lucene) lower into it; targets read it and never re-parse text.
 *
 * Design rules (README.md, "Design"):
 * - Every node is a readonly plain object tagged by a lowercase string `kind`
 *   and carries a `span` (absolute character offsets into the rule *file*, so a
 *   diagnostic on any node renders as file:line:column).
 * - Matching semantics are explicit: every string match states whether it is
 *   case-sensitive, and string patterns are structured (text / any-run /
 *   one-character parts) so each target escapes exactly once.
 * - Switches over `kind` are exhaustive (`assertNever`), so adding a kind is a
 *   compile error everywhere it must be handled.
 *
 * This file imports nothing.
 */

/** Half-open range [start, end) of absolute offsets (UTF-16 code units) into the rule file text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

// ---------------------------------------------------------------------------
// Values (expressions that produce a value)
// ---------------------------------------------------------------------------

/**
 * A reference to an event field, e.g. `process.parent.name`.
 * `path` is the dotted name as ECS writes it; segments that needed backquotes in
 * EQL are unquoted here (`a.b-c`); array indexes are kept as `[0]` in the path.
 * `optional` is EQL's `?field`: a field missing from the mapping reads as null
 * instead of being an error. `wildcard` is KQL's `process.*` field pattern:
 * the condition holds if it holds for any field whose name matches.
 */
export interface FieldRef {
  readonly kind: "field";
  readonly path: string;
  readonly optional: boolean;
  readonly wildcard: boolean;
  readonly span: Span;
}

export interface StringLit {
  readonly kind: "string";
  readonly value: string;
  readonly span: Span;
}

/** A number; `integer` says whether it was written (and must be kept) as an integer. */
export interface NumberLit {
  readonly kind: "number";
  readonly value: number;
  /** Source spelling, kept for exactness (large longs, `1e3`, `1.50`). */
  readonly raw: string;
  readonly integer: boolean;
  readonly span: Span;
}

export interface BooleanLit {
  readonly kind: "boolean";
  readonly value: boolean;
  readonly span: Span;
}

export interface NullLit {
  readonly kind: "null";
  readonly span: Span;
}

/** Elasticsearch date math as KQL ranges write it (`now-30d`, `now/d`). Kept verbatim. */
export interface DateMathLit {
  readonly kind: "datemath";
  readonly expr: string;
  readonly span: Span;
}

/**
 * The EQL functions, under one canonical spelling. EQL resolves names
 * case-insensitively (`cidrmatch` = `cidrMatch`).
 */
export type FunctionName =
  | "add"
  | "between"
  | "cidrMatch"
  | "concat"
  | "divide"
  | "endsWith"
  | "indexOf"
  | "length"
  | "modulo"
  | "multiply"
  | "number"
  | "startsWith"
  | "string"
  | "stringContains"
  | "substring"
  | "subtract";

/** A function call. `caseInsensitive` is EQL's `~` variant (`startsWith~`). */
export interface Call {
  readonly kind: "call";
  readonly name: FunctionName;
  readonly args: readonly Value[];
  readonly caseInsensitive: boolean;
  readonly span: Span;
}

export type ArithOp = "+" | "-" | "*" | "/" | "%";

export interface Arith {
  readonly kind: "arith";
  readonly op: ArithOp;
  readonly left: Value;
  readonly right: Value;
  readonly span: Span;
}

export interface Negate {
  readonly kind: "negate";
  readonly operand: Value;
  readonly span: Span;
}

export type Literal = StringLit | NumberLit | BooleanLit | NullLit | DateMathLit;
export type Value = FieldRef | Literal | Call | Arith | Negate;

// ---------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------

/** Literal characters. A `*` or `?` here is a literal character, never a wildcard. */
export interface TextPart {
  readonly kind: "text";
  readonly value: string;
}
/** Any run of characters, including the empty run (`*`). */
export interface AnyPart {
  readonly kind: "any";
}
/** Exactly one character (`?`). */
export interface OnePart {
  readonly kind: "one";
}
export type PatternPart = TextPart | AnyPart | OnePart;

/**
 * A string pattern: the whole value must match the parts in order.
 * A pattern with only text parts is an exact string. Parts are normalised:
 * no empty text parts, no two adjacent text parts.
 */
export interface Pattern {
  readonly kind: "pattern";
  readonly parts: readonly PatternPart[];
  readonly span: Span;
}

/** A regular expression, whole-value (anchored) match, in its source dialect. */
export interface RegexLit {
  readonly kind: "regex";
  /** `lucene`: Elasticsearch/Lucene regexp syntax (EQL `regex`, KQL has none). */
  readonly dialect: "lucene";
  readonly source: string;
  readonly span: Span;
}

/** What a `match` compares against: a string pattern, or an exact number/boolean. */
export type MatchValue = Pattern | NumberLit | BooleanLit;

// ---------------------------------------------------------------------------
// Conditions (boolean-valued)
// ---------------------------------------------------------------------------

export interface And {
  readonly kind: "and";
  /** Two or more operands, flattened: no operand is itself an `and`. */
  readonly operands: readonly Condition[];
  readonly span: Span;
}

export interface Or {
  readonly kind: "or";
  /** Two or more operands, flattened: no operand is itself an `or`. */
  readonly operands: readonly Condition[];
  readonly span: Span;
}

export interface Not {
  readonly kind: "not";
  readonly operand: Condition;
  readonly span: Span;
}

/**
 * `subject` equals (or, for patterns with wildcard parts, matches) any of
 * `values`. Strings compare case-sensitively unless `caseSensitive` is false.
 * Covers EQL `==`, `in`, `in~`, `:`, `like`, `like~` and KQL `field:value`.
 * A multi-valued field matches if any element matches (Elasticsearch keyword
 * semantics). EQL `x != v` is `not(match)`.
 */
export interface Match {
  readonly kind: "match";
  readonly subject: Value;
  readonly values: readonly MatchValue[];
  readonly caseSensitive: boolean;
  /** Source operator, for printing back and for messages only; semantics are fully in the fields above. */
  readonly operator: MatchOperator;
  readonly span: Span;
}
export type MatchOperator = "==" | ":" | "like" | "in" | "kql";

/**
 * Ordering comparison. Equality is always a `match` (EQL requires a constant on
 * one side of `==`/`!=`), so `compare` only orders: numbers numerically,
 * strings case-sensitively and lexicographically, KQL ranges against date math.
 */
export interface Compare {
  readonly kind: "compare";
  readonly op: "<" | "<=" | ">" | ">=";
  readonly left: Value;
  readonly right: Value;
  readonly span: Span;
}

/** `subject` matches any of the regular expressions (anchored). EQL `regex`, `regex~`. */
export interface RegexMatch {
  readonly kind: "regex-match";
  readonly subject: Value;
  readonly patterns: readonly RegexLit[];
  readonly caseSensitive: boolean;
  readonly span: Span;
}

/**
 * The subject has a non-null value. EQL `x != null` is `exists(x)`,
 * `x == null` is `not(exists(x))`; KQL `field:*` is `exists(field)`.
 */
export interface Exists {
  readonly kind: "exists";
  readonly subject: Value;
  readonly span: Span;
}

/** A boolean-valued expression used as a condition (`startsWith(...)`, `cidrMatch(...)`, `true`, a boolean field). */
export interface Test {
  readonly kind: "test";
  readonly value: Value;
  readonly span: Span;
}

/**
 * KQL free text without a field (`"mimikatz"`, `foo*`): matches if any field
 * of the event matches the pattern. Kibana searches the default fields.
 */
export interface FullText {
  readonly kind: "fulltext";
  readonly value: Pattern;
  readonly caseSensitive: boolean;
  readonly span: Span;
}

/** KQL `path:{ cond }`: the condition holds within one object of the nested field `path`. */
export interface Nested {
  readonly kind: "nested";
  readonly path: string;
  readonly condition: Condition;
  readonly span: Span;
}

export type Condition =
  | And
  | Or
  | Not
  | Match
  | Compare
  | RegexMatch
  | Exists
  | Test
  | FullText
  | Nested;

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

/** An EQL event category: `any`, or a named one (`process`, `file`, ...). */
export type EventCategory =
  | { readonly kind: "any" }
  | { readonly kind: "named"; readonly name: string };

/** `<category> where <condition>`. KQL queries lower to category `any`. */
export interface EventQuery {
  readonly kind: "event";
  readonly category: EventCategory;
  readonly condition: Condition;
  readonly span: Span;
}

/** A duration (`maxspan=5m`), kept in its unit and in milliseconds. */
export interface Duration {
  readonly value: number;
  readonly unit: "ms" | "s" | "m" | "h" | "d";
  readonly ms: number;
  readonly span: Span;
}

/** One `[ ... ]` term of a sequence or sample. */
export interface SequenceTerm {
  readonly kind: "term";
  readonly query: EventQuery;
  /** Per-term join keys; combined positionally with the sequence's shared `by`. */
  readonly by: readonly Value[];
  /** `with runs=N`: the term repeats N times (1 when absent). */
  readonly runs: number;
  /** `![ ... ]`: a missing event; the sequence matches only if no such event occurs in its place. */
  readonly missing: boolean;
  readonly span: Span;
}

/**
 * `sequence [by k...] [with maxspan=d] [..] [..] [until [..]]`.
 * Events are ordered by timestamp; join keys are the shared `by` keys followed
 * by each term's own keys, compared positionally; maxspan is measured from the
 * first event.
 */
export interface SequenceQuery {
  readonly kind: "sequence";
  readonly by: readonly Value[];
  readonly maxspan: Duration | null;
  readonly terms: readonly SequenceTerm[];
  readonly until: SequenceTerm | null;
  readonly span: Span;
}

/** `sample by k... [..] [..]`: unordered co-occurrence of the terms per join key. */
export interface SampleQuery {
  readonly kind: "sample";
  readonly by: readonly Value[];
  readonly terms: readonly SequenceTerm[];
  readonly span: Span;
}

export type Query = EventQuery | SequenceQuery | SampleQuery;

/** EQL `| head N` / `| tail N`. */
export interface Pipe {
  readonly kind: "head" | "tail";
  readonly count: number;
  readonly span: Span;
}

// ---------------------------------------------------------------------------
// Rule level: what the rule's type adds around its query
// ---------------------------------------------------------------------------

/** `type = "query" | "eql"`: every matching event (or sequence) is an alert. */
export interface PlainDetection {
  readonly kind: "plain";
}

/** `type = "threshold"`: alert when a group (by `fields`) reaches `value` events, or `cardinality` distinct values. */
export interface ThresholdDetection {
  readonly kind: "threshold";
  readonly fields: readonly string[];
  readonly value: number;
  readonly cardinality: readonly { readonly field: string; readonly value: number }[];
  readonly span: Span;
}

/** `type = "new_terms"`: alert on a value (tuple) of `fields` not seen since `historyWindowStart`. */
export interface NewTermsDetection {
  readonly kind: "new_terms";
  readonly fields: readonly string[];
  /** Date math, e.g. `now-7d`. */
  readonly historyWindowStart: string;
  readonly span: Span;
}

/** `type = "threat_match"`: join events to indicator documents. */
export interface ThreatMatchDetection {
  readonly kind: "threat_match";
  readonly threatIndex: readonly string[];
  /** The parsed `threat_query` (KQL) selecting indicators, or null when absent. */
  readonly threatQuery: Condition | null;
  readonly threatIndicatorPath: string | null;
  /** OR of entries; each entry is an AND of `field == indicator value` pairs. */
  readonly mappings: readonly (readonly { readonly field: string; readonly value: string; readonly type: string }[])[];
  readonly span: Span;
}

export type Detection = PlainDetection | ThresholdDetection | NewTermsDetection | ThreatMatchDetection;

/** `alert_suppression`: alerts are grouped by fields for a duration. It changes alert volume, not matching. */
export interface AlertSuppression {
  readonly groupBy: readonly string[];
  readonly duration: { readonly value: number; readonly unit: string } | null;
  readonly missingFieldsStrategy: string | null;
  readonly span: Span;
}

/** The source query languages. */
export type QueryLanguage = "eql" | "kuery" | "lucene";

/**
 * The complete, target-neutral meaning of a rule's detection logic.
 * Kibana `filters` are already folded into `query` (as an `and`).
 */
export interface RuleIR {
  readonly language: QueryLanguage;
  readonly query: Query;
  readonly pipes: readonly Pipe[];
  readonly detection: Detection;
  readonly suppression: AlertSuppression | null;
  /** `event_category_override`: the field that holds the EQL event category (default `event.category`). */
  readonly eventCategoryField: string;
  /** `timestamp_override` (default `@timestamp`). */
  readonly timestampField: string;
  /** `index` patterns: hints of the data source. */
  readonly index: readonly string[];
  /** Schedule: `from` (date math, look-back start, e.g. `now-9m`) and `interval` (e.g. `5m`). */
  readonly schedule: { readonly from: string; readonly interval: string };
}

// ---------------------------------------------------------------------------
// Helpers every switch needs
// ---------------------------------------------------------------------------

export type ConditionKind = Condition["kind"];
export type ValueKind = Value["kind"];

/** Marks a switch as exhaustive: compiling fails if a kind is left out. */
export function assertNever(x: never, what = "node"): never {
  throw new Error(`internal error: unhandled ${what} ${JSON.stringify(x)}`);
}

/** A condition with no sub-conditions (what `mapLeaves` hands to its function). */
export type LeafCondition = Exclude<Condition, And | Or | Not | Nested>;

/**
 * Rebuilds a condition with `f` applied to every leaf, through and / or / not
 * and into nested queries. A subtree whose leaves all come back unchanged is
 * returned as it was (same object), so callers can tell whether anything changed.
 */
export function mapLeaves(c: Condition, f: (leaf: LeafCondition) => Condition): Condition {
  switch (c.kind) {
    case "and":
    case "or": {
      const operands = c.operands.map((o) => mapLeaves(o, f));
      return operands.every((o, i) => o === c.operands[i]) ? c : { ...c, operands };
    }
    case "not": {
      const operand = mapLeaves(c.operand, f);
      return operand === c.operand ? c : { ...c, operand };
    }
    case "nested": {
      const condition = mapLeaves(c.condition, f);
      return condition === c.condition ? c : { ...c, condition };
    }
    case "match":
    case "compare":
    case "regex-match":
    case "exists":
    case "test":
    case "fulltext":
      return f(c);
    default:
      return assertNever(c, "condition");
  }
}

/** The field references a value reads, in order (appended to `out`). */
export function valueFields(v: Value, out: FieldRef[] = []): FieldRef[] {
  switch (v.kind) {
    case "field":
      out.push(v);
      break;
    case "call":
      for (const a of v.args) valueFields(a, out);
      break;
    case "arith":
      valueFields(v.left, out);
      valueFields(v.right, out);
      break;
    case "negate":
      valueFields(v.operand, out);
      break;
    case "string":
    case "number":
    case "boolean":
    case "null":
    case "datemath":
      break;
    default:
      return assertNever(v, "value");
  }
  return out;
}

/** The field references a condition reads, in order (appended to `out`); a nested condition's are relative to its path. */
export function conditionFields(c: Condition, out: FieldRef[] = []): FieldRef[] {
  switch (c.kind) {
    case "and":
    case "or":
      for (const o of c.operands) conditionFields(o, out);
      break;
    case "not":
      conditionFields(c.operand, out);
      break;
    case "match":
    case "exists":
    case "regex-match":
      valueFields(c.subject, out);
      break;
    case "compare":
      valueFields(c.left, out);
      valueFields(c.right, out);
      break;
    case "test":
      valueFields(c.value, out);
      break;
    case "fulltext":
      break;
    case "nested":
      conditionFields(c.condition, out);
      break;
    default:
      return assertNever(c, "condition");
  }
  return out;
}

/** The text a match value stands for exactly (a pattern without wildcards, a number's spelling, a boolean), or null. */
export function exactText(v: MatchValue): string | null {
  if (v.kind === "number") return v.raw;
  if (v.kind === "boolean") return String(v.value);
  let s = "";
  for (const p of v.parts) {
    if (p.kind !== "text") return null;
    s += p.value;
  }
  return s;
}
