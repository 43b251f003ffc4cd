/**
 * Semantic agreement on hand-written events: each event becomes rows of the
 * osquery tables, the converted SQL runs in SQLite, and the rows returned must
 * be exactly the events the reference evaluator (src/eval) matches.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundledMapping, compileRule } from "../../src/compile.js";
import { osquery } from "../../targets/osquery/index.js";
import { openOsqueryDb } from "../../targets/osquery/testing/sqlite.js";
import { checkAgreement } from "../../targets/osquery/testing/semantics.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SEED = "rules/persistence_system_shells_via_services.toml";

const win = (fields: Record<string, unknown>) => ({ "event.category": "process", "event.type": "start", "host.os.type": "windows", ...fields });
const exe = (name: string) => ({ "process.name": name, "process.executable": `C:\\Windows\\System32\\${name}` });

/** Events around the seed's conditions; the expected verdicts come from the evaluator, these comments say why. */
const SEED_EVENTS = [
  win({ ...exe("cmd.exe"), "process.parent.name": "services.exe", "process.args": ["cmd.exe", "/c", "whoami"], "process.command_line": "cmd.exe /c whoami" }), // match
  win({ ...exe("cmd.exe"), "process.parent.name": "services.exe", "process.args": ["cmd.exe", "NVDisplay.ContainerLocalSystem"], "process.command_line": "cmd.exe NVDisplay.ContainerLocalSystem" }), // excluded
  win({ ...exe("cmd.exe"), "process.parent.name": "SERVICES.EXE" }), // `:` folds case; no args: `not args : ...` holds
  win({ ...exe("CMD.EXE"), "process.parent.name": "services.exe" }), // match
  win({ ...exe("cmd.exe"), "process.parent.name": "explorer.exe" }), // wrong parent
  win({ ...exe("cmd.exe") }), // no parent: the positive parent test fails
  win({ ...exe("powershell_ise.exe"), "process.parent.name": "services.exe" }), // `_` is literal
  win({ ...exe("powershellXise.exe"), "process.parent.name": "services.exe" }), // ... so this is no match
  win({ ...exe("cmd.exe.bak"), "process.parent.name": "services.exe" }),
  { ...win({ ...exe("cmd.exe"), "process.parent.name": "services.exe" }), "event.type": "end" }, // not a process start: the table never holds it
];

describe("osquery semantics: the seed rule", () => {
  for (const profile of ["events", "live"]) {
    it(`${profile}: SQLite returns exactly the events the evaluator matches`, async () => {
      const c = compileRule(SEED, readFileSync(join(ROOT, SEED), "utf8"), [{ target: osquery, profile }]);
      const o = c.outcomes[0];
      expect(o?.status).toBe("ok");
      const db = await openOsqueryDb();
      const a = checkAgreement(db, o?.result.text as string, SEED_EVENTS, c.ir!, c.document!, bundledMapping(osquery, profile));
      expect(a.skipped.map((s) => s.index)).toEqual([9]);
      expect(a.expected).toEqual([0, 2, 3, 6]);
      expect(a.got).toEqual(a.expected);
    });
  }
});
