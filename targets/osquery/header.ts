/**
 * The comment header of a per-rule .sql file: the rule's metadata, one `--` line
 * per item. Every value is flattened to one line, so no text can end a comment.
 */
import type { RuleIR } from "../../src/ir/nodes.js";
import type { RuleDocument } from "../../src/frontend/rule-document.js";

function clean(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").replace(/\s+/g, " ").trim();
}

export interface HeaderPart {
  readonly platform: string;
  readonly table: string;
  readonly setup: string | null;
}

export function sqlHeader(doc: RuleDocument, rule: RuleIR, where: { parts: readonly HeaderPart[]; profile: string; interval: number }): string {
  const lines: string[] = [`-- ${clean(doc.name)}`, `-- rule_id: ${clean(doc.ruleId)}`];
  if (doc.description) lines.push(`-- description: ${clean(doc.description)}`);
  lines.push(`-- severity: ${clean(doc.severity)}${doc.riskScore !== null ? ` (risk ${doc.riskScore})` : ""}`);
  for (const t of doc.threat) {
    const techniques = t.techniques.map((x) => [x.id, ...x.subtechniques.map((s) => s.id)].join(" ")).join(", ");
    lines.push(`-- attack: ${clean(`${t.tactic.id} ${t.tactic.name}`)}${techniques ? ` / ${clean(techniques)}` : ""}`);
  }
  for (const r of doc.references) lines.push(`-- reference: ${clean(r)}`);
  for (const f of doc.falsePositives) lines.push(`-- false_positive: ${clean(f)}`);
  if (doc.author.length) lines.push(`-- author: ${clean(doc.author.join(", "))}`);
  const dates = [doc.metadata.creationDate && `created ${doc.metadata.creationDate}`, doc.metadata.updatedDate && `updated ${doc.metadata.updatedDate}`].filter(Boolean);
  if (dates.length) lines.push(`-- dates: ${clean(dates.join(", "))}`);
  if (doc.license) lines.push(`-- license: ${clean(doc.license)}`);
  lines.push(`-- schedule: every ${where.interval}s (rule interval ${clean(rule.schedule.interval)}, look-back ${clean(rule.schedule.from)})`);
  if (where.parts.length === 1) {
    const p = where.parts[0] as HeaderPart;
    lines.push(`-- osquery: profile ${where.profile}, platform ${p.platform}, table ${p.table}`);
    if (p.setup) lines.push(`-- osquery setup: ${clean(p.setup)}`);
  } else {
    lines.push(`-- osquery: profile ${where.profile}, one query per platform: ${where.parts.map((p) => `${p.platform} (${p.table})`).join(", ")}`);
    for (const p of where.parts) if (p.setup) lines.push(`-- osquery setup (${p.platform}): ${clean(p.setup)}`);
  }
  return `${lines.join("\n")}\n`;
}
