/**
 * Property tests: random mutations of realistic EQL queries (tokens deleted,
 * duplicated, swapped; random bytes inserted or overwritten; truncation) never
 * make the frontend throw. Each mutant yields either IR (which must then
 * round-trip through the printer) or error diagnostics whose spans lie inside
 * the text. Fixed seeds keep runs reproducible.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseEql, printEql } from "../../src/frontend/eql/index.js";
import { loadRule } from "../../src/frontend/load-rule.js";
import { standaloneSource } from "../../src/frontend/source.js";
import { corpusDir, irViolations, readIdentityFixtures, stripSpans } from "./util.js";

/** Seeds modelled on the corpus (our own text): long lists, sequences, functions, comments, raw strings. */
const EXTRA_SEEDS = [
  `process where host.os.type == "windows" and event.type == "start" and
  (process.name : ("cmd.exe", "powershell.exe", "pwsh.exe") or ?process.pe.original_file_name in~ ("Cmd.Exe", "PowerShell.EXE")) and
  process.args : ("*-enc*", "*IEX*", "?:\\\\Users\\\\*\\\\AppData\\\\*") and
  not process.parent.executable : ("?:\\\\Program Files\\\\*", "?:\\\\Windows\\\\System32\\\\svchost.exe") and
  /* exclusions */ not (process.code_signature.trusted == true and process.code_signature.subject_name like~ "Microsoft*")`,
  `sequence by host.id, process.entity_id with maxspan=30s
  [process where event.type == "start" and startswith~(process.name, "ws") and length(process.command_line) > 100] by process.pid
  [network where destination.port in (80, 443, 8080) and not cidrmatch(destination.ip, "10.0.0.0/8", "127.0.0.0/8", "::1")] by process.pid with runs=2
  ![file where file.extension : """exe"""]
until [process where event.type == "end"] by process.pid
| tail 1`,
  `file where event.action == "creation" and substring(file.name, -4) != ".tmp" and
  stringContains(file.path, "\\\\Temp\\\\") and file.Ext.header_bytes regex~ "4d5a.*" // MZ header
  and concat(file.name, ".", string(file.size)) : "*.1?"`,
  `sample by host.id [process where process.name == "a"] [network where \`dns.question\`.name == "x" and a.b[0] >= -1.5e3]`,
];

function corpusQueries(): string[] {
  const dir = corpusDir();
  if (!dir) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".toml")) {
        const doc = loadRule(p, readFileSync(p, "utf8")).value.document;
        if (doc?.language === "eql" && doc.query && doc.query.text.length < 4000) out.push(doc.query.text);
      }
    }
  };
  walk(dir);
  return out;
}

/** A rough, independent tokenizer (words, strings, punctuation) to mutate at token level. */
function roughTokens(q: string): string[] {
  return q.match(/"""[\s\S]*?"""|"(?:\\.|[^"\\\n])*"|`[^`]*`|[A-Za-z_@][A-Za-z0-9_]*~?|\d+(?:\.\d*)?|==|!=|<=|>=|!\[|\/\*|\*\/|\/\/|\s+|[\s\S]/g) ?? [];
}

type Mutation =
  | { op: "delete"; at: number }
  | { op: "duplicate"; at: number }
  | { op: "swap"; at: number; with: number }
  | { op: "insert"; at: number; bytes: string }
  | { op: "overwrite"; at: number; bytes: string }
  | { op: "truncate"; at: number };

const bytes = fc.string({ unit: fc.oneof(fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), fc.constantFrom('"', "'", "`", "\\", "(", ")", "[", "]", "![", "~", "*", "?", "/*", "*/", "//", "\n", "\u00e9", "\ud800", "not", " in ", " or ", " and ", "==", ":")), minLength: 1, maxLength: 4 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("swap" as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), bytes }),
  fc.record({ op: fc.constant("overwrite" as const), at: fc.nat(), bytes }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
);

function mutate(q: string, muts: readonly Mutation[]): string {
  let toks = roughTokens(q);
  for (const m of muts) {
    if (toks.length === 0) break;
    const i = m.at % toks.length;
    switch (m.op) {
      case "delete":
        toks = [...toks.slice(0, i), ...toks.slice(i + 1)];
        break;
      case "duplicate":
        toks = [...toks.slice(0, i + 1), ...toks.slice(i)];
        break;
      case "swap": {
        const j = m.with % toks.length;
        const copy = [...toks];
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
        toks = copy;
        break;
      }
      case "insert":
        toks = [...toks.slice(0, i), m.bytes, ...toks.slice(i)];
        break;
      case "overwrite": {
        const s = toks.join("");
        const at = m.at % (s.length + 1);
        toks = roughTokens(s.slice(0, at) + m.bytes + s.slice(at + m.bytes.length));
        break;
      }
      case "truncate":
        toks = toks.slice(0, i);
        break;
    }
  }
  return toks.join("");
}

function checkNeverThrows(seeds: readonly string[], numRuns: number, seed: number): void {
  fc.assert(
    fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (si, muts) => {
      const text = mutate(seeds[si]!, muts);
      const r = parseEql(standaloneSource(text));
      if (r.value) {
        // accepted: the IR is well-formed, and must print and parse back to itself
        expect(irViolations(r.value, text.length)).toEqual([]);
        const printed = printEql(r.value.query, r.value.pipes);
        const again = parseEql(standaloneSource(printed));
        expect(stripSpans(again.value)).toEqual(stripSpans(r.value));
      } else {
        expect(r.diagnostics.some((d) => d.severity === "error")).toBe(true);
      }
      for (const d of r.diagnostics) {
        expect(d.span).not.toBeNull();
        expect(d.span!.start).toBeGreaterThanOrEqual(0);
        expect(d.span!.end).toBeLessThanOrEqual(text.length);
        expect(d.span!.start).toBeLessThanOrEqual(d.span!.end);
        expect(d.message.length).toBeGreaterThan(0);
      }
    }),
    { seed, numRuns },
  );
}

describe("mutated queries never throw", () => {
  const seeds = [...readIdentityFixtures(), ...EXTRA_SEEDS];
  it("10,000 mutations of fixture and corpus-like queries", () => {
    checkNeverThrows(seeds, 10_000, 20261127);
  });
  const corpus = corpusQueries();
  it.skipIf(corpus.length === 0)(corpus.length ? "3,000 mutations of real corpus queries" : "mutations of real corpus queries (SKIPPED: ../shared/corpus not found)", () => {
    checkNeverThrows(corpus, 3_000, 7);
  });
});
