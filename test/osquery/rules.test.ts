/**
 * Every rule in rules/, both profiles: each golden SQL file and each pack query
 * prepares in SQLite over osquery's tables, and the converted rules agree with
 * the reference evaluator on its generated events (several seeds). Rules whose
 * conversion announced an approximation (OSQUERY102/103/208/213) must agree on the
 * events the approximation does not touch; the test names them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "sql.js";
import { bundledMapping, convertParsed, parseRule } from "../../src/compile.js";
import { generateEvents } from "../../src/eval/generate.js";
import { osquery } from "../../targets/osquery/index.js";
import { openOsqueryDb, prepareError } from "../../targets/osquery/testing/sqlite.js";
import { checkAgreement } from "../../targets/osquery/testing/semantics.js";

const ROOT = join(import.meta.dirname, "..", "..");
const RULES = join(ROOT, "rules");
const GOLDEN = join(ROOT, "golden", "osquery");
const APPROXIMATIONS = new Set(["OSQUERY102", "OSQUERY103", "OSQUERY208", "OSQUERY213"]);

function walk(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, ext));
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out;
}

/** Events for rules the generator cannot solve (GEN001), written from the rule's text. */
const win = (f: Record<string, unknown>) => ({ "event.category": "process", "event.type": "start", "host.os.type": "windows", ...f });
const HAND_EVENTS: Record<string, object[]> = {
  "rules/credential_access_lsass_memory_dump_via_comsvcs.toml": [
    win({ "process.name": "rundll32.exe", "process.executable": "C:\\Windows\\System32\\rundll32.exe", "process.command_line": "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\t\\l.dmp full" }),
    win({ "process.name": "rundll32.exe", "process.executable": "C:\\Windows\\System32\\rundll32.exe", "process.command_line": "rundll32 COMSVCS.dll #+24 624 C:\\t\\l.dmp" }),
    win({ "process.name": "rundll32.exe", "process.executable": "C:\\Windows\\System32\\rundll32.exe", "process.command_line": "rundll32.exe comsvcs.dll,DllRegisterServer" }),
    win({ "process.name": "rundll32.exe", "process.executable": "C:\\Windows\\System32\\rundll32.exe", "process.command_line": "comsvcs minidump" }),
    win({ "process.name": "r.exe", "process.executable": "C:\\Temp\\r.exe", "process.pe.original_file_name": "RUNDLL32.EXE", "process.command_line": "r.exe comsvcs.dll MiniDump 624 out.dmp" }),
    win({ "process.name": "r2.exe", "process.executable": "C:\\Temp\\r2.exe", "process.pe.original_file_name": "rundll32.exe", "process.command_line": "r2.exe comsvcs.dll MiniDump 624 out.dmp" }),
  ],
};

let db: Database;
beforeAll(async () => {
  db = await openOsqueryDb();
});

describe("osquery goldens prepare in SQLite", () => {
  it("every golden .sql file and every pack query", () => {
    const sqlFiles = walk(GOLDEN, ".sql");
    const packs = walk(GOLDEN, ".json");
    expect(sqlFiles.length).toBeGreaterThan(0);
    expect(packs.length).toBeGreaterThan(0);
    const failures: string[] = [];
    for (const f of sqlFiles) {
      const e = prepareError(db, readFileSync(f, "utf8"));
      if (e) failures.push(`${f}: ${e}`);
    }
    for (const f of packs) {
      const pack = JSON.parse(readFileSync(f, "utf8")) as { queries: Record<string, { query: string }> };
      for (const [name, q] of Object.entries(pack.queries)) {
        const e = prepareError(db, q.query);
        if (e) failures.push(`${f} ${name}: ${e}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe("osquery rules/: SQLite agrees with the evaluator on generated events", () => {
  const rules = walk(RULES, ".toml");
  for (const profile of ["events", "live"]) {
    const mapping = bundledMapping(osquery, profile);
    for (const file of rules) {
      const rel = file.slice(ROOT.length + 1);
      const parsed = parseRule(rel, readFileSync(file, "utf8"));
      if (parsed.parseStatus !== "ok" || !parsed.ir || parsed.ir.detection.kind !== "plain") continue;
      const o = convertParsed(parsed, { target: osquery, profile, mapping }, rel);
      if (o.status !== "ok") continue;
      const approx = o.result.diagnostics.some((d) => APPROXIMATIONS.has(d.code));
      it(`${profile}: ${rel}${approx ? " (announced approximation)" : ""}`, async () => {
        let inserted = 0;
        for (const seed of [1, 2, 3]) {
          const generated = generateEvents(parsed.ir!, { seed }).events.filter((e) => !e._stream).map(({ _expect, ...e }) => e);
          const evs = generated.length > 0 ? generated : (HAND_EVENTS[rel] ?? []);
          const sdb = await openOsqueryDb();
          const a = checkAgreement(sdb, o.result.text as string, evs, parsed.ir!, parsed.document!, mapping);
          sdb.close();
          inserted += a.inserted;
          expect(a.got, `seed ${seed}`).toEqual(a.expected);
        }
        expect(inserted).toBeGreaterThan(0);
      });
    }
  }
});
