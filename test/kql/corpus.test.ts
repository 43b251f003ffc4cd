/**
 * Every KQL and Lucene rule of Elastic's library (when ../shared/corpus is
 * present) and every fixture rule in test/kql/fixtures: parse, identity, and
 * lossless rule-level semantics through lowerRule (see rules.ts).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse as parseToml } from "smol-toml";
import { checkRule, type RuleCheck } from "./rules.js";

const CORPUS = fileURLToPath(new URL("../../../shared/corpus/elastic-detection-rules", import.meta.url));
const FIXTURES = fileURLToPath(new URL("./fixtures", import.meta.url));

function tomlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".toml")) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function kqlRules(files: string[]): { path: string; text: string }[] {
  return files
    .map((path) => ({ path, text: readFileSync(path, "utf8") }))
    .filter(({ text }) => {
      if (!/^language\s*=\s*"(kuery|lucene)"/m.test(text)) return false;
      const lang = ((parseToml(text) as Record<string, Record<string, unknown>>)["rule"] ?? {})["language"];
      return lang === "kuery" || lang === "lucene";
    });
}

function tally(results: RuleCheck[]) {
  const count = (f: (r: RuleCheck) => boolean) => results.filter(f).length;
  return {
    kuery: count((r) => r.language === "kuery"),
    lucene: count((r) => r.language === "lucene"),
    threatQueries: count((r) => r.threatQuery),
    withFilters: count((r) => r.filters > 0),
    threshold: count((r) => r.type === "threshold"),
    newTerms: count((r) => r.type === "new_terms"),
    threatMatch: count((r) => r.type === "threat_match"),
  };
}

describe("fixture rules (test/kql/fixtures)", () => {
  const rules = kqlRules(tomlFiles(FIXTURES));
  for (const r of rules) it(r.path.slice(FIXTURES.length + 1), () => void checkRule(r.path, r.text));
  it("cover every rule-level feature", () => {
    const t = tally(rules.map((r) => checkRule(r.path, r.text)));
    expect(t.lucene).toBeGreaterThan(0);
    expect(t.withFilters).toBeGreaterThan(0);
    expect(t.threshold).toBeGreaterThan(0);
    expect(t.newTerms).toBeGreaterThan(0);
    expect(t.threatMatch).toBeGreaterThan(0);
  });
});

const hasCorpus = existsSync(CORPUS);

describe.runIf(hasCorpus)("Elastic corpus (../shared/corpus/elastic-detection-rules)", () => {
  it("all 792 kuery queries, 9 threat_query strings and the 1 Lucene query parse with identity; filters, threshold, new_terms and threat_match load without loss", () => {
    const rules = kqlRules([...tomlFiles(join(CORPUS, "rules")), ...tomlFiles(join(CORPUS, "rules_building_block"))]);
    const failures: string[] = [];
    const results: RuleCheck[] = [];
    for (const r of rules) {
      try {
        results.push(checkRule(r.path, r.text));
      } catch (e) {
        failures.push(`${r.path}: ${(e as Error).message.split("\n")[0]}`);
      }
    }
    expect(failures).toEqual([]);
    expect(tally(results)).toEqual({ kuery: 792, lucene: 1, threatQueries: 9, withFilters: 21, threshold: 31, newTerms: 245, threatMatch: 9 });
  });
});

describe.runIf(!hasCorpus)("Elastic corpus", () => {
  it.skip("skipped: ../shared/corpus/elastic-detection-rules is not present on this machine", () => {});
});
