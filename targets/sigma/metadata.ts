/**
 * Elastic rule metadata -> Sigma rule attributes (title, id, status, dates,
 * ATT&CK tags, level, license, ...), per the Sigma rules specification v2.0.0
 * and the tags appendix v2.1.0.
 */
import { createHash, hash } from "node:crypto";
import type { RuleDocument } from "../../src/frontend/rule-document.js";
import { type Diagnostic, info, warning } from "../../src/diagnostics/index.js";
import { TARGET } from "./items.js";

/**
 * ATT&CK tactics as Sigma tags (tags appendix v2.1.0 "Namespace: attack";
 * the same names pySigma's ATTACKTagValidator accepts, from MITRE's
 * x_mitre_shortname): lowercase, words joined by hyphens.
 */
export const ATTACK_TACTICS: Readonly<Record<string, string>> = {
  TA0001: "initial-access",
  TA0002: "execution",
  TA0003: "persistence",
  TA0004: "privilege-escalation",
  TA0005: "defense-evasion",
  TA0006: "credential-access",
  TA0007: "discovery",
  TA0008: "lateral-movement",
  TA0009: "collection",
  TA0010: "exfiltration",
  TA0011: "command-and-control",
  TA0040: "impact",
  TA0042: "resource-development",
  TA0043: "reconnaissance",
};

const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const STATUS: Readonly<Record<string, string>> = { production: "stable", development: "experimental", deprecated: "deprecated" };
const LEVEL: Readonly<Record<string, string>> = { low: "low", medium: "medium", high: "high", critical: "critical", informational: "informational" };
/** SPDX identifiers of the licenses Elastic rules carry. */
const LICENSE: Readonly<Record<string, string>> = {
  "elastic license v2": "Elastic-2.0",
  "elastic licence v2": "Elastic-2.0",
  "elastic license 2.0": "Elastic-2.0",
  "elastic license": "Elastic-2.0",
};

/** SHA-256 in hex: the one-shot `hash` where Node has it (20.12+; cheaper per call than a Hash object), else a Hash object. */
const sha256Hex: (text: string) => string =
  typeof hash === "function" ? (text) => hash("sha256", text, "hex") : (text) => createHash("sha256").update(text).digest("hex");

/** A deterministic UUID (version 4 layout) derived from text: stable ids for generated sub-rules. */
export function derivedUuid(text: string): string {
  const h = sha256Hex(text);
  const variant = ((parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `2020/02/18` -> `2020-02-18`, or null when the text is no date. */
export function isoDate(d: string | null): string | null {
  if (!d) return null;
  const m = /^(\d{4})[/-](\d{2})[/-](\d{2})$/.exec(d.trim());
  if (!m) return null;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** ATT&CK tags: tactics, then techniques (a technique's sub-techniques stand for it when it lists any). */
export function attackTags(doc: RuleDocument, diagnostics: Diagnostic[]): string[] {
  const tactics: string[] = [];
  const techniques: string[] = [];
  const push = (list: string[], t: string) => {
    if (!list.includes(t)) list.push(t);
  };
  const span = () => doc.keySpans.get("rule.threat") ?? null; // looked up only for a diagnostic
  for (const t of doc.threat) {
    if (!/^mitre att&ck$/i.test(t.framework.trim())) {
      diagnostics.push(info("SIGMA316", `threat framework "${t.framework}" has no Sigma tag namespace; its entries are left out`, span(), { target: TARGET }));
      continue;
    }
    const tactic = ATTACK_TACTICS[t.tactic.id.toUpperCase()] ?? null;
    if (tactic) push(tactics, `attack.${tactic}`);
    else if (t.tactic.id || t.tactic.name) diagnostics.push(warning("SIGMA317", `unknown ATT&CK tactic ${t.tactic.id} "${t.tactic.name}"; no tag is written`, span(), { target: TARGET }));
    for (const te of t.techniques) {
      const subs = te.subtechniques.filter((s) => TECHNIQUE_ID.test(s.id));
      if (subs.length > 0) for (const s of subs) push(techniques, `attack.${s.id.toLowerCase()}`);
      else if (TECHNIQUE_ID.test(te.id)) push(techniques, `attack.${te.id.toLowerCase()}`);
      else diagnostics.push(warning("SIGMA317", `"${te.id}" is not an ATT&CK technique id; no tag is written`, span(), { target: TARGET }));
    }
  }
  return [...tactics, ...techniques];
}

export interface Header {
  readonly head: Record<string, unknown>;
  readonly tail: Record<string, unknown>;
}

/**
 * The rule attributes around `logsource` and `detection`, in SigmaHQ's
 * customary order: title, id, status, description, references, author,
 * date, modified, tags | logsource, detection | falsepositives, level, license.
 */
export function ruleHeader(doc: RuleDocument, diagnostics: Diagnostic[]): Header {
  const head: Record<string, unknown> = {};
  const span = () => doc.keySpans.get("rule.name") ?? doc.keySpans.get("rule") ?? null; // looked up only for a diagnostic
  let title = doc.name.trim();
  if (title.length > 256) {
    diagnostics.push(warning("SIGMA318", "the rule name is longer than Sigma's 256-character title limit; it is shortened", span(), { target: TARGET }));
    title = title.slice(0, 255) + "…";
  }
  head["title"] = title;
  if (UUID.test(doc.ruleId)) head["id"] = doc.ruleId.toLowerCase();
  else {
    head["id"] = derivedUuid(`ruleport:sigma:${doc.ruleId}`);
    diagnostics.push(warning("SIGMA315", `rule_id "${doc.ruleId}" is not a UUID; the Sigma id is derived from it`, doc.keySpans.get("rule.rule_id") ?? span(), { target: TARGET }));
  }
  head["status"] = STATUS[(doc.metadata.maturity ?? "").toLowerCase()] ?? "experimental";
  const description = doc.description.trim();
  if (description) head["description"] = description;
  const references = [...new Set(doc.references.map((r) => r.trim()).filter((r) => r !== ""))];
  if (references.length > 0) head["references"] = references;
  if (doc.author.length > 0) head["author"] = doc.author.join(", ");
  const date = isoDate(doc.metadata.creationDate);
  const modified = isoDate(doc.metadata.updatedDate);
  if (date) head["date"] = date;
  if (modified && modified !== date) head["modified"] = modified;
  const tags = attackTags(doc, diagnostics);
  if (tags.length > 0) head["tags"] = tags;

  const tail: Record<string, unknown> = {};
  // White space runs become one space (the replace only where some run is not a single space already).
  const fps = [...new Set(doc.falsePositives.map((f) => (/\s\s|[^\S ]/.test(f) ? f.trim().replace(/\s+/g, " ") : f.trim())).filter((f) => f.length >= 2))];
  tail["falsepositives"] = fps.length > 0 ? fps : ["Unknown"];
  const level = LEVEL[doc.severity.toLowerCase()];
  if (level) tail["level"] = level;
  else diagnostics.push(warning("SIGMA319", `severity "${doc.severity}" has no Sigma level; none is written`, doc.keySpans.get("rule.severity") ?? span(), { target: TARGET }));
  if (doc.license) tail["license"] = LICENSE[doc.license.trim().toLowerCase()] ?? doc.license.trim();
  return { head, tail };
}
