import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileRule } from "../../src/compile.js";
import { render } from "../../src/diagnostics/index.js";
import { osquery } from "../../targets/osquery/index.js";
import { openOsqueryDb, prepareError } from "../../targets/osquery/testing/sqlite.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SEED = "rules/persistence_system_shells_via_services.toml";

function convertSeed(profile: string) {
  const text = readFileSync(join(ROOT, SEED), "utf8");
  const c = compileRule(SEED, text, [{ target: osquery, profile }]);
  const o = c.outcomes[0];
  if (!o) throw new Error("no outcome");
  return { c, o, log: o.result.diagnostics.map((d) => render(d, c.source)).join("\n") };
}

describe("osquery: the seed rule", () => {
  it("events: process_etw_events joined to the parent in processes", async () => {
    const { o } = convertSeed("events");
    expect(o.status).toBe("ok");
    const sql = o.result.text as string;
    expect(sql).toContain("FROM process_etw_events AS e");
    expect(sql).toContain("LEFT JOIN processes AS parent ON parent.pid = e.ppid");
    expect(sql).toContain("e.type = 'ProcessStart'");
    const db = await openOsqueryDb();
    expect(prepareError(db, sql)).toBeNull();
  });
  it("live: processes joined to processes on the parent pid, names compared case-insensitively", async () => {
    const { o } = convertSeed("live");
    expect(o.status).toBe("ok");
    const sql = o.result.text as string;
    expect(sql).toContain("FROM processes AS p");
    expect(sql).toContain("LEFT JOIN processes AS parent ON parent.pid = p.parent");
    expect(sql).toContain("lower(p.name) IN ('cmd.exe', 'powershell.exe', 'pwsh.exe', 'powershell_ise.exe')");
    const db = await openOsqueryDb();
    expect(prepareError(db, sql)).toBeNull();
  });
});
