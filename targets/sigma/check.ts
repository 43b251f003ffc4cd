/**
 * Validation of emitted Sigma documents, as `sigma check` does it (used by the
 * tests in test/sigma/ and by scripts/conformance-sigma.mjs; not imported by
 * the target itself, so ajv stays a development dependency):
 * - JSON schema (SigmaHQ/sigma-specification json-schema, copied into
 *   targets/sigma/schema/) with ajv, draft 2020-12;
 * - checks equivalent to pySigma's built-in validators
 *   (SigmaHQ/pySigma sigma/validators/core/: condition.py, metadata.py,
 *   tags.py, values.py, modifiers.py, logsources.py), re-implemented here from
 *   their documented behaviour, plus the correlation rule requirements of the
 *   correlation specification.
 *
 * Issues carry the validator's severity; `failing` are those a `sigma check`
 * run treats as problems (everything except the advisory ones we list).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../src/package-root.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { ATTACK_TACTICS } from "./metadata.js";
import { loadSigma } from "./yaml.js";

export interface Issue {
  readonly validator: string;
  readonly severity: "low" | "medium" | "high";
  readonly message: string;
  readonly document: number;
}

const schemaDir = join(packageRoot(), "targets", "sigma", "schema");
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const detectionSchema = ajv.compile(JSON.parse(readFileSync(join(schemaDir, "sigma-detection-rule-schema.json"), "utf8")));
const correlationSchema = ajv.compile(JSON.parse(readFileSync(join(schemaDir, "sigma-correlation-rules-schema.json"), "utf8")));

/** Validators whose issues are advisory ("make sure this is intended"), never a failure. */
export const ADVISORY = new Set(["escaped_wildcard"]);

const KNOWN_MODIFIERS = new Set([
  "contains", "startswith", "endswith", "all", "cased", "exists", "re", "i", "m", "s", "cidr",
  "gt", "gte", "lt", "lte", "neq", "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide", "windash", "expand", "fieldref",
]);
const TAG_NAMESPACES = new Set(["attack", "car", "cve", "d3fend", "detection", "stp", "tlp"]);
const TACTIC_NAMES = new Set(Object.values(ATTACK_TACTICS));

// ---------------------------------------------------------------------------
// Condition parsing (for identifier checks; the reader has the full evaluator)
// ---------------------------------------------------------------------------

export type CondAst =
  | { readonly kind: "id"; readonly name: string }
  | { readonly kind: "of"; readonly quantifier: "1" | "all"; readonly pattern: string }
  | { readonly kind: "not"; readonly operand: CondAst }
  | { readonly kind: "and" | "or"; readonly left: CondAst; readonly right: CondAst };

/** Parses a Sigma condition: or < and < not < `x of pattern` < ( ). Throws on syntax errors. */
export function parseSigmaCondition(text: string): CondAst {
  const tokens = text.match(/\(|\)|[A-Za-z0-9_*]+/g) ?? [];
  const rest = text.replace(/\(|\)|[A-Za-z0-9_*]+|\s+/g, "");
  if (rest !== "") throw new Error(`unexpected characters in condition: ${rest}`);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const parseOr = (): CondAst => {
    let left = parseAnd();
    while (peek() === "or") {
      next();
      left = { kind: "or", left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): CondAst => {
    let left = parseNot();
    while (peek() === "and") {
      next();
      left = { kind: "and", left, right: parseNot() };
    }
    return left;
  };
  const parseNot = (): CondAst => {
    if (peek() === "not") {
      next();
      return { kind: "not", operand: parseNot() };
    }
    return parseAtom();
  };
  const parseAtom = (): CondAst => {
    const t = next();
    if (t === undefined) throw new Error("unexpected end of condition");
    if (t === "(") {
      const e = parseOr();
      if (next() !== ")") throw new Error("missing )");
      return e;
    }
    if (t === "1" || t === "all") {
      if (next() !== "of") throw new Error(`expected 'of' after ${t}`);
      const p = next();
      if (p === undefined || p === "(" || p === ")") throw new Error("expected a pattern after 'of'");
      return { kind: "of", quantifier: t, pattern: p };
    }
    if (["and", "or", "not", "of", ")"].includes(t)) throw new Error(`unexpected '${t}'`);
    if (t.includes("*")) throw new Error(`a wildcard identifier '${t}' needs '1 of' or 'all of'`);
    return { kind: "id", name: t };
  };
  const ast = parseOr();
  if (i !== tokens.length) throw new Error(`unexpected '${tokens[i]}'`);
  return ast;
}

export function patternMatches(pattern: string, names: readonly string[]): string[] {
  if (pattern === "them") return names.filter((n) => !n.startsWith("_"));
  const re = new RegExp("^" + pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$");
  return names.filter((n) => re.test(n));
}

function referenced(ast: CondAst, names: readonly string[], out: Set<string>, missing: string[]): void {
  switch (ast.kind) {
    case "id":
      if (names.includes(ast.name)) out.add(ast.name);
      else missing.push(ast.name);
      return;
    case "of": {
      const m = patternMatches(ast.pattern, names);
      if (m.length === 0) missing.push(ast.pattern);
      m.forEach((n) => out.add(n));
      return;
    }
    case "not":
      referenced(ast.operand, names, out, missing);
      return;
    case "and":
    case "or":
      referenced(ast.left, names, out, missing);
      referenced(ast.right, names, out, missing);
      return;
  }
}

// ---------------------------------------------------------------------------
// Value checks (values.py, modifiers.py)
// ---------------------------------------------------------------------------

/** Splits a Sigma string into tokens the way pySigma's SigmaString does: literal chars and wildcards. */
export function sigmaStringTokens(s: string): { literal: boolean; ch: string }[] {
  const out: { literal: boolean; ch: string }[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === "\\") {
      const n = s[i + 1];
      if (n === "*" || n === "?" || n === "\\") {
        out.push({ literal: true, ch: n });
        i++;
      } else out.push({ literal: true, ch: "\\" });
    } else if (c === "*" || c === "?") out.push({ literal: false, ch: c });
    else out.push({ literal: true, ch: c });
  }
  return out;
}

function checkItem(key: string, value: unknown, doc: number, issues: Issue[]): void {
  const [field, ...mods] = key.split("|");
  const push = (validator: string, severity: Issue["severity"], message: string) => issues.push({ validator, severity, message: `${key}: ${message}`, document: doc });
  for (const m of mods) if (!KNOWN_MODIFIERS.has(m)) push("unknown_modifier", "high", `unknown modifier '${m}'`);
  const counts = new Map<string, number>();
  for (const m of mods) counts.set(m, (counts.get(m) ?? 0) + 1);
  for (const [m, n] of counts) if (n > 1 && m !== "base64") push("modifier_applied_multiple", "medium", `modifier '${m}' applied ${n} times`);
  if (field !== "" && mods.includes("all") && !mods.includes("contains")) push("all_without_contains", "high", "'all' without 'contains' matches nothing");
  const values = Array.isArray(value) ? value : [value];
  if (mods.includes("all") && values.length < 2) push("all_single_value", "medium", "'all' with a single value");
  const typed = mods.some((m) => ["re", "cidr", "exists", "gt", "gte", "lt", "lte"].includes(m));
  for (const v of values) {
    if (v !== null && typeof v === "object") {
      push("value_type", "high", "nested mapping as a value");
      continue;
    }
    if (mods.includes("exists") && typeof v !== "boolean") push("value_type", "high", "'exists' takes true or false");
    if (["gt", "gte", "lt", "lte"].some((m) => mods.includes(m)) && typeof v !== "number") push("value_type", "high", "numeric comparison with a non-number");
    if (mods.includes("re")) {
      if (typeof v !== "string") push("value_type", "high", "'re' with a non-string");
      else {
        try {
          new RegExp(v);
        } catch (e) {
          push("invalid_regex", "high", `invalid regular expression ${v}: ${(e as Error).message}`);
        }
      }
    }
    if (mods.includes("cidr") && (typeof v !== "string" || !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(v))) push("invalid_cidr", "high", `'${String(v)}' is not an address block`);
    if (typeof v !== "string" || typed) continue;
    if ([...v].some((c) => c.charCodeAt(0) < 31)) push("control_character", "high", "control character in value");
    const tokens = sigmaStringTokens(v);
    if (tokens.some((t, i) => !t.literal && t.ch === "*" && tokens[i + 1]?.ch === "*" && !tokens[i + 1]?.literal)) push("double_wildcard", "low", `consecutive * wildcards in '${v}'`);
    if (tokens.some((t) => t.literal && (t.ch === "*" || t.ch === "?"))) push("escaped_wildcard", "low", `escaped wildcard in '${v}'`);
    // pySigma flags every string int() accepts; a string like '0755' cannot become a number without changing the value, so only canonical integers count here
    if (mods.length === 0 && /^(0|-?[1-9]\d*)$/.test(v)) push("number_as_string", "low", `number '${v}' written as a string`);
  }
  // wildcards instead of modifiers: every value has the shape.
  const strs = values.filter((v): v is string => typeof v === "string");
  if (!typed && strs.length === values.length && strs.length > 0) {
    const shapes = strs.map((s) => {
      const t = sigmaStringTokens(s);
      const wild = (x: { literal: boolean; ch: string } | undefined) => x !== undefined && !x.literal;
      const innerSpecial = (from: number, to: number) => t.slice(from, to).some((x) => !x.literal);
      if (t.length > 1 && wild(t[0]) && t[0]?.ch === "*" && wild(t[t.length - 1]) && t[t.length - 1]?.ch === "*" && !innerSpecial(1, t.length - 1)) return "contains";
      if (t.length > 1 && wild(t[0]) && t[0]?.ch === "*" && !innerSpecial(1, t.length)) return "endswith";
      if (t.length > 1 && wild(t[t.length - 1]) && t[t.length - 1]?.ch === "*" && !innerSpecial(0, t.length - 1)) return "startswith";
      return "other";
    });
    for (const shape of ["contains", "endswith", "startswith"] as const) {
      if (shapes.every((s) => s === shape) && !mods.includes(shape)) push(`wildcard_instead_of_${shape}`, "low", `wildcards where the '${shape}' modifier would do`);
    }
  }
}

// ---------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkCommon(d: Record<string, unknown>, doc: number, issues: Issue[]): void {
  const push = (validator: string, severity: Issue["severity"], message: string) => issues.push({ validator, severity, message, document: doc });
  if (d["id"] === undefined) push("identifier_existence", "medium", "no id");
  if (d["status"] === undefined) push("status_existence", "medium", "no status");
  if (d["status"] === "unsupported") push("status_unsupported", "medium", "status unsupported");
  if (d["date"] === undefined) push("date_existence", "medium", "no date");
  if (typeof d["description"] !== "string") push("description_existence", "medium", "no description");
  else if (d["description"].length < 16) push("description_length", "medium", "description shorter than 16 characters");
  if (d["level"] === undefined) push("level_existence", "medium", "no level");
  const title = d["title"];
  if (typeof title !== "string" || title.length === 0 || title.length > 256) push("title_length", "high", "title missing or longer than 256 characters");
  const refs = Array.isArray(d["references"]) ? (d["references"] as unknown[]) : [];
  if (new Set(refs).size !== refs.length) push("duplicate_references", "medium", "duplicate references");
  const tags = Array.isArray(d["tags"]) ? (d["tags"] as unknown[]) : [];
  if (new Set(tags).size !== tags.length) push("duplicate_tag", "medium", "duplicate tags");
  for (const t of tags) {
    if (typeof t !== "string" || !/^[a-z0-9\-_]+\.[a-z0-9\-_.]+$/.test(t)) {
      push("tag_format", "medium", `invalid tag ${String(t)}`);
      continue;
    }
    const [ns, ...rest] = t.split(".");
    const name = rest.join(".");
    if (!TAG_NAMESPACES.has(ns as string)) push("namespace_tag", "medium", `unknown tag namespace in ${t}`);
    if (ns === "attack" && !TACTIC_NAMES.has(name) && !/^(t\d{4}(\.\d{3})?|g\d{4}|s\d{4}|m\d{4}|ds\d{4}|a\d{4})$/.test(name)) push("attack_tag", "medium", `invalid ATT&CK tag ${t}`);
  }
}

/** Validates one emitted file (one or more YAML documents). `fileName` enables the filename checks. */
export function validateSigmaText(text: string, fileName?: string): Issue[] {
  const issues: Issue[] = [];
  let docs: unknown[];
  try {
    docs = loadSigma(text);
  } catch (e) {
    return [{ validator: "yaml", severity: "high", message: (e as Error).message, document: 0 }];
  }
  if (fileName !== undefined) {
    const base = fileName.split("/").pop() ?? fileName;
    if (base.length < 10 || base.length > 90) issues.push({ validator: "filename_length", severity: "high", message: `file name length ${base.length}`, document: 0 });
    if (!/^[a-z0-9_]+\.yml$/.test(base)) issues.push({ validator: "filename_pattern", severity: "medium", message: `file name ${base} is not lowercase a-z0-9_ .yml`, document: 0 });
  }
  const ruleNames = new Set<string>();
  const ruleIds = new Set<string>();
  // correlations may refer to rules and to other correlations of the file, by name or id
  docs.forEach((d) => {
    if (isRecord(d)) {
      if (typeof d["name"] === "string") ruleNames.add(d["name"]);
      if (typeof d["id"] === "string") ruleIds.add(d["id"]);
    }
  });
  const seenIds = new Set<string>();
  docs.forEach((d, doc) => {
    const push = (validator: string, severity: Issue["severity"], message: string) => issues.push({ validator, severity, message, document: doc });
    if (!isRecord(d)) {
      push("yaml", "high", "a document is not a mapping");
      return;
    }
    if (typeof d["id"] === "string") {
      if (seenIds.has(d["id"])) push("identifier_uniqueness", "high", `id ${d["id"]} used twice`);
      seenIds.add(d["id"]);
    }
    const isCorrelation = "correlation" in d;
    const validate = isCorrelation ? correlationSchema : detectionSchema;
    if (!validate(d)) for (const e of validate.errors ?? []) push("json_schema", "high", `${e.instancePath} ${e.message ?? ""}`);
    checkCommon(d, doc, issues);
    if (isCorrelation) {
      const c = d["correlation"];
      if (!isRecord(c)) return;
      const rules = Array.isArray(c["rules"]) ? (c["rules"] as unknown[]) : [];
      for (const r of rules) if (typeof r !== "string" || (!ruleNames.has(r) && !ruleIds.has(r))) push("correlation_rules", "high", `correlation refers to unknown rule ${String(r)}`);
      if (typeof c["timespan"] !== "string" || !/^\d+[smhd]$/.test(c["timespan"])) push("correlation_timespan", "high", `bad timespan ${String(c["timespan"])}`);
      if (!Array.isArray(c["group-by"])) push("correlation_group_by", "high", "no group-by");
      const cond = c["condition"];
      if (c["type"] === "event_count" || c["type"] === "value_count") {
        if (!isRecord(cond) || !Object.keys(cond).some((k) => ["gt", "gte", "lt", "lte", "eq", "neq"].includes(k))) push("correlation_condition", "high", "count correlation without a condition");
        if (c["type"] === "value_count" && (!isRecord(cond) || typeof cond["field"] !== "string")) push("correlation_condition", "high", "value_count without a field");
      }
      const aliases = c["aliases"];
      if (isRecord(aliases)) {
        for (const [alias, m] of Object.entries(aliases)) {
          if (!isRecord(m)) push("correlation_aliases", "high", `alias ${alias} is not a mapping`);
          else for (const r of Object.keys(m)) if (!ruleNames.has(r)) push("correlation_aliases", "high", `alias ${alias} names unknown rule ${r}`);
        }
      }
      return;
    }
    const ls = d["logsource"];
    if (isRecord(ls)) {
      for (const k of Object.keys(ls)) if (!["category", "product", "service", "definition"].includes(k)) push("fieldname_logsource", "high", `custom logsource attribute ${k}`);
      for (const k of ["category", "product", "service"]) {
        const v = ls[k];
        if (v !== undefined && (typeof v !== "string" || !/^[a-z0-9_.-]+$/.test(v))) push("logsource_value", "medium", `logsource ${k} '${String(v)}' is not lowercase`);
      }
    }
    const det = d["detection"];
    if (!isRecord(det)) return;
    const names = Object.keys(det).filter((k) => k !== "condition");
    const conds = Array.isArray(det["condition"]) ? det["condition"] : [det["condition"]];
    const used = new Set<string>();
    for (const cond of conds) {
      if (typeof cond !== "string") {
        push("condition", "high", "condition is not a string");
        continue;
      }
      let ast: CondAst;
      try {
        ast = parseSigmaCondition(cond);
      } catch (e) {
        push("condition", "high", `condition '${cond}': ${(e as Error).message}`);
        continue;
      }
      const missing: string[] = [];
      referenced(ast, names, used, missing);
      for (const m of missing) push("condition_identifier", "high", `condition uses '${m}', which no search identifier defines`);
      if (/all\s+of\s+them/.test(cond)) push("all_of_them_condition", "medium", "'all of them'");
      if (/\bthem\b/.test(cond) && names.length === 1) push("them_condition_with_single_detection", "low", "'them' with one detection");
    }
    for (const n of names) {
      if (!used.has(n)) push("dangling_detection", "high", `search identifier '${n}' is not used by the condition`);
      if (!/^[A-Za-z0-9_]+$/.test(n) || ["and", "or", "not", "of", "them", "all", "1"].includes(n)) push("identifier_name", "high", `bad search identifier name '${n}'`);
      const v = det[n];
      const maps = Array.isArray(v) ? v : [v];
      for (const m of maps) {
        if (isRecord(m)) for (const [k, val] of Object.entries(m)) checkItem(k, val, doc, issues);
        else if (typeof m === "string" || typeof m === "number") checkItem("", m, doc, issues);
        else push("detection_shape", "high", `search identifier '${n}' holds a ${m === null ? "null" : typeof m}`);
      }
      // logsources.py: specific Windows event ids where a generic log source exists
      if (isRecord(ls) && ls["product"] === "windows" && (ls["service"] === "security" || ls["service"] === "sysmon")) {
        for (const m of maps) {
          if (!isRecord(m)) continue;
          const ids = m["EventID"];
          for (const id of Array.isArray(ids) ? ids : [ids]) {
            if (ls["service"] === "security" && id === 4688) push("specific_instead_of_generic_logsource", "high", "EventID 4688 on the security log: use process_creation");
            if (ls["service"] === "sysmon" && typeof id === "number" && id >= 1 && id <= 29) push("specific_instead_of_generic_logsource", "high", `Sysmon EventID ${id}: use the generic log source`);
          }
        }
      }
    }
  });
  return issues;
}

/** Issues a `sigma check` run would report as problems. */
export function failing(issues: readonly Issue[]): Issue[] {
  return issues.filter((i) => !ADVISORY.has(i.validator));
}
