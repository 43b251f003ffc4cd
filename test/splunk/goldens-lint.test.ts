/** Every Splunk golden search passes the SPL lint, and each deploy file holds those searches unchanged. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblems, lintSpl } from "../../targets/splunk/spl-lint.js";

const GOLDEN = join(import.meta.dirname, "..", "..", "golden", "splunk");
const profiles = existsSync(GOLDEN) ? readdirSync(GOLDEN) : [];

describe("splunk goldens", () => {
  it("exist for both profiles", () => {
    expect(profiles.sort()).toEqual(["cim", "sysmon"]);
  });
  for (const profile of profiles) {
    const dir = join(GOLDEN, profile);
    const spl = readdirSync(dir).filter((f) => f.endsWith(".spl")).sort();
    it.each(spl)(`${profile}/%s passes the SPL lint`, (f) => {
      const text = readFileSync(join(dir, f), "utf8");
      const problems = lintSpl(text);
      expect(problems, formatProblems(text, problems)).toEqual([]);
    });
    it(`${profile}/_deploy/savedsearches.conf holds every golden search unchanged`, () => {
      const conf = readFileSync(join(dir, "_deploy", "savedsearches.conf"), "utf8");
      const searches = [...conf.matchAll(/^search = ((?:.*\\\n)*.*)$/gm)].map((m) => (m[1] as string).replace(/\\\n/g, "\n"));
      const want = spl.map((f) => readFileSync(join(dir, f), "utf8").replace(/\n$/, ""));
      expect(searches.sort()).toEqual(want.sort());
    });
  }
});
