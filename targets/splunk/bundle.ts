/**
 * savedsearches.conf: one stanza per converted rule, rendered through the
 * Handlebars envelope templates/savedsearches.conf.hbs (noEscape, strict).
 *
 * .conf rules (Splunk Admin Manual, "About configuration files"): a stanza is
 * `[name]`; a value continues on the next line when the line ends with a
 * backslash, so every line of a multi-line value but the last gets one (an
 * empty line becomes a lone `\`); comments are whole lines starting with `#`.
 */
import type { RuleDocument } from "../../src/frontend/rule-document.js";
import type { OutputFile } from "../../src/target.js";
import { loadTemplate } from "../../src/templates.js";

/** What convert hands to bundle for one rule. */
export interface StanzaEntry {
  readonly name: string;
  readonly ruleId: string;
  readonly description: string;
  readonly severity: string;
  readonly riskScore: number | null;
  readonly search: string;
  readonly cron: string;
  readonly earliest: string;
  readonly techniques: readonly string[];
  readonly tactics: readonly string[];
  readonly references: readonly string[];
  readonly falsePositives: readonly string[];
  readonly author: readonly string[];
  readonly license: string | null;
  readonly created: string | null;
  readonly updated: string | null;
  readonly securityDomain: string;
}

export function stanzaEntry(doc: RuleDocument, search: string, cron: string, earliest: string): StanzaEntry {
  const techniques: string[] = [];
  const tactics: string[] = [];
  for (const t of doc.threat) {
    if (t.tactic.id && !tactics.includes(t.tactic.id)) tactics.push(t.tactic.id);
    for (const tech of t.techniques) {
      if (tech.id && !techniques.includes(tech.id)) techniques.push(tech.id);
      for (const s of tech.subtechniques) if (s.id && !techniques.includes(s.id)) techniques.push(s.id);
    }
  }
  const domainTag = doc.tags.find((t) => t.startsWith("Domain: "))?.slice(8).toLowerCase() ?? "";
  const securityDomain = ({ endpoint: "endpoint", network: "network", identity: "identity", cloud: "audit" } as Record<string, string>)[domainTag] ?? "threat";
  // metadata is descriptive text: a NUL (which .conf files cannot hold) shows as U+FFFD
  const clean = (x: string) => x.replace(/\0/g, "\uFFFD");
  return {
    name: clean(doc.name),
    ruleId: doc.ruleId,
    description: clean(doc.description.trim()),
    severity: doc.severity || "medium",
    riskScore: doc.riskScore,
    search: search.replace(/\n$/, ""),
    cron,
    earliest,
    techniques,
    tactics,
    references: doc.references.map(clean),
    falsePositives: doc.falsePositives.map(clean),
    author: doc.author.map(clean),
    license: doc.license === null ? null : clean(doc.license),
    created: doc.metadata.creationDate,
    updated: doc.metadata.updatedDate,
    securityDomain,
  };
}

/** A .conf value: lines joined with backslash continuations. A line already ending in a backslash gets a space so it is not read as a continuation of its own. */
export function confValue(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => (l.endsWith("\\") ? `${l} ` : l))
    .join("\\\n");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Splunk alert.severity: 1 debug, 2 info, 3 warn, 4 error, 5 severe, 6 fatal. */
const ALERT_SEVERITY: Record<string, number> = { low: 3, medium: 4, high: 5, critical: 6 };

export function bundleSavedSearches(entries: readonly { readonly outputStem: string; readonly entry: unknown }[], templateDir?: string | null): OutputFile[] {
  const used = new Set<string>();
  const stanzas = entries.map(({ entry }) => {
    const e = entry as StanzaEntry;
    let name = oneLine(`ruleport - ${e.name}`).replace(/\[/g, "(").replace(/\]/g, ")");
    if (used.has(name)) name = `${name} (${e.ruleId})`;
    used.add(name);
    const comments = [
      `rule_id: ${e.ruleId}`,
      ...(e.riskScore !== null ? [`risk_score: ${e.riskScore}`] : []),
      ...(e.author.length > 0 ? [`author: ${e.author.join(", ")}`] : []),
      ...(e.license ? [`license: ${e.license}`] : []),
      ...(e.created ? [`created: ${e.created}`] : []),
      ...(e.updated ? [`updated: ${e.updated}`] : []),
      ...e.references.map((r) => `reference: ${r}`),
      ...e.falsePositives.map((f) => `false positive: ${f}`),
    ].map(oneLine);
    const annotations: Record<string, string[]> = {};
    if (e.techniques.length > 0) annotations["mitre_attack"] = [...e.techniques];
    if (e.tactics.length > 0) annotations["mitre_attack_tactics"] = [...e.tactics];
    return {
      name,
      comments,
      description: confValue(e.description),
      search: confValue(e.search),
      cron: e.cron,
      earliest: e.earliest,
      alertSeverity: ALERT_SEVERITY[e.severity.toLowerCase()] ?? 4,
      label: oneLine(e.name),
      annotations: JSON.stringify(annotations),
      severity: e.severity.toLowerCase(),
      securityDomain: e.securityDomain,
    };
  });
  const template = loadTemplate("splunk", "savedsearches.conf.hbs", templateDir);
  return [{ path: "savedsearches.conf", content: template({ stanzas }) }];
}
