/** Every golden KQL file passes Microsoft's Kusto analysis; every golden analytics rule validates. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeKql } from "../../targets/sentinel/kusto-check.js";
import { checkRuleYaml } from "../../targets/sentinel/rule-check.js";

const DIR = join(import.meta.dirname, "..", "..", "golden", "sentinel");
const files = (sub: string, ext: string) => {
  const d = join(DIR, sub);
  return existsSync(d) ? readdirSync(d).filter((f) => f.endsWith(ext)).map((f) => join(sub, f)) : [];
};

describe.each(["asim", "mde"])("golden/sentinel/%s", (profile) => {
  const kql = files(profile, ".kql");
  const yaml = files(join(profile, "_deploy"), ".yaml");
  it("has goldens", () => {
    expect(kql.length).toBeGreaterThan(5);
    expect(yaml.length).toBe(kql.length);
  });
  it.each(kql)("%s analyses cleanly", (f) => expect(analyzeKql(readFileSync(join(DIR, f), "utf8"))).toEqual([]));
  it.each(yaml)("%s validates", (f) => expect(checkRuleYaml(readFileSync(join(DIR, f), "utf8"))).toEqual([]));
});
