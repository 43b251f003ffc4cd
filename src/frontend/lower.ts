/**
 * RuleDocument -> RuleIR: dispatches the query to its language's frontend and
 * adds what the rule type means (threshold, new_terms, threat_match, filters,
 * overrides, schedule).
 */
import { assertNever, type Condition, type Detection, type EventQuery, type Pipe, type Query, type RuleIR, type SequenceTerm, type Span } from "../ir/nodes.js";
import { type Diagnostic, error, hasErrors, type Result, unsupported } from "../diagnostics/index.js";
import { parseEql } from "./eql/index.js";
import { foldFilters, parseKql, parseLucene } from "./kql/index.js";
import { caselessToInsensitive } from "./caseless.js";
import { cidrTermsToCalls } from "./ip-terms.js";
import type { RuleDocument } from "./rule-document.js";

const ZERO: Span = { start: 0, end: 0 };

/** Parses the rule's query and rule-level semantics. `value` is null when the rule cannot be lowered. */
export function lowerRule(doc: RuleDocument): Result<RuleIR | null> {
  const diagnostics: Diagnostic[] = [];
  const typeSpan = doc.keySpans.get("rule.type") ?? doc.keySpans.get("rule") ?? ZERO;
  const langSpan = doc.keySpans.get("rule.language") ?? typeSpan;

  if (doc.type === "machine_learning") {
    diagnostics.push(unsupported("RULE020", "machine_learning rules have no query: they run an Elastic ML job, which no target can run", typeSpan));
    return { value: null, diagnostics };
  }
  if (doc.query === null) {
    diagnostics.push(unsupported("RULE020", `rules of type "${doc.type || "(none)"}" without a query cannot be translated`, typeSpan));
    return { value: null, diagnostics };
  }

  let query: Query | null = null;
  let pipes: readonly Pipe[] = [];
  let language: RuleIR["language"];
  switch (doc.language) {
    case "eql": {
      language = "eql";
      const r = parseEql(doc.query);
      diagnostics.push(...r.diagnostics);
      if (r.value) {
        query = r.value.query;
        pipes = r.value.pipes;
      }
      break;
    }
    case "kuery": {
      language = "kuery";
      const r = parseKql(doc.query);
      diagnostics.push(...r.diagnostics);
      if (r.value) query = anyEvent(r.value);
      break;
    }
    case "lucene": {
      language = "lucene";
      const r = parseLucene(doc.query);
      diagnostics.push(...r.diagnostics);
      if (r.value) query = anyEvent(r.value);
      break;
    }
    case "esql":
      diagnostics.push(unsupported("RULE021", "ES|QL queries are not supported: ruleport translates EQL, KQL and Lucene", langSpan));
      return { value: null, diagnostics };
    default:
      diagnostics.push(error("RULE022", `unknown query language "${doc.language ?? "(none)"}": expected eql, kuery or lucene`, langSpan));
      return { value: null, diagnostics };
  }

  // Kibana filters are ANDed with the query.
  if (doc.filters.length > 0) {
    const f = foldFilters(doc.filters);
    diagnostics.push(...f.diagnostics);
    if (f.value && query) query = andIntoQuery(query, f.value);
  }

  const detection = lowerDetection(doc, diagnostics);
  if (!query || hasErrors(diagnostics)) return { value: null, diagnostics };
  // Elasticsearch semantics the query text leaves implicit: a CIDR block as the value of an
  // `ip` field is a range test; a `.caseless` sub-field is its base field matched case-insensitively.
  query = mapConditions(query, (c) => caselessToInsensitive(cidrTermsToCalls(c)));

  const ir: RuleIR = {
    language,
    query,
    pipes,
    detection,
    suppression: doc.alertSuppression
      ? {
          groupBy: doc.alertSuppression.groupBy,
          duration: doc.alertSuppression.duration,
          missingFieldsStrategy: doc.alertSuppression.missingFieldsStrategy,
          span: doc.alertSuppression.span ?? typeSpan,
        }
      : null,
    eventCategoryField: doc.eventCategoryOverride ?? "event.category",
    timestampField: doc.timestampOverride ?? "@timestamp",
    index: doc.index,
    schedule: { from: doc.from ?? "now-6m", interval: doc.interval ?? "5m" },
  };
  return { value: ir, diagnostics };
}

function anyEvent(condition: Condition): EventQuery {
  return { kind: "event", category: { kind: "any" }, condition, span: condition.span };
}

/** ANDs two conditions, keeping `and` flat. */
function andConditions(a: Condition, b: Condition): Condition {
  const operands = [...(a.kind === "and" ? a.operands : [a]), ...(b.kind === "and" ? b.operands : [b])];
  return { kind: "and", operands, span: a.span };
}

/** Applies `f` to the condition of every event query (the query, or each term and `until`). */
function mapConditions(query: Query, f: (c: Condition) => Condition): Query {
  const event = (q: EventQuery): EventQuery => ({ ...q, condition: f(q.condition) });
  const term = (t: SequenceTerm): SequenceTerm => ({ ...t, query: event(t.query) });
  switch (query.kind) {
    case "event":
      return event(query);
    case "sequence":
      return { ...query, terms: query.terms.map(term), until: query.until ? term(query.until) : null };
    case "sample":
      return { ...query, terms: query.terms.map(term) };
    default:
      return assertNever(query, "query");
  }
}

/**
 * Kibana applies a rule's filters to every event the search reads, so for a
 * sequence or sample they hold on every term (and on `until`).
 */
function andIntoQuery(query: Query, extra: Condition): Query {
  return mapConditions(query, (c) => andConditions(c, extra));
}

function lowerDetection(doc: RuleDocument, diagnostics: Diagnostic[]): Detection {
  const typeSpan = doc.keySpans.get("rule.type") ?? ZERO;
  switch (doc.type) {
    case "threshold": {
      if (!doc.threshold) {
        diagnostics.push(error("RULE001", "a threshold rule needs a [rule.threshold] table", typeSpan));
        return { kind: "plain" };
      }
      return { kind: "threshold", fields: doc.threshold.field, value: doc.threshold.value, cardinality: doc.threshold.cardinality, span: doc.threshold.span ?? typeSpan };
    }
    case "new_terms": {
      if (!doc.newTerms) {
        diagnostics.push(error("RULE001", "a new_terms rule needs a [rule.new_terms] table", typeSpan));
        return { kind: "plain" };
      }
      return { kind: "new_terms", fields: doc.newTerms.fields, historyWindowStart: doc.newTerms.historyWindowStart, span: doc.newTerms.span ?? typeSpan };
    }
    case "threat_match": {
      let threatQuery: Condition | null = null;
      if (doc.threatQuery) {
        const r = doc.threatLanguage === "lucene" ? parseLucene(doc.threatQuery) : parseKql(doc.threatQuery);
        diagnostics.push(...r.diagnostics);
        threatQuery = r.value;
      }
      if (doc.threatFilters.length > 0) {
        const f = foldFilters(doc.threatFilters);
        diagnostics.push(...f.diagnostics);
        if (f.value) threatQuery = threatQuery === null ? f.value : andConditions(threatQuery, f.value);
      }
      return {
        kind: "threat_match",
        threatIndex: doc.threatIndex,
        threatQuery,
        threatIndicatorPath: doc.threatIndicatorPath,
        mappings: doc.threatMapping,
        span: doc.threatMappingSpan ?? typeSpan,
      };
    }
    default:
      return { kind: "plain" };
  }
}
