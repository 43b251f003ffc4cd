/**
 * The one-pass TOML reader (src/frontend/toml-read.ts) against the pair it
 * replaces on the common path: smol-toml for values, the locator for
 * positions. Its contract: whenever it answers, smol-toml accepts the same
 * text and reads the same values, and the positions are the locator's; when
 * it does not answer, the loader falls back to that pair.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { readTomlFast } from "../../src/frontend/toml-read.js";
import { locateToml, type TomlLocations } from "../../src/frontend/toml-locate.js";
import { FUZZ_SEED, ROOT, runs, seedRules } from "../reliability/settings.js";

const WANTED = new Set(["rule.query", "rule.threat_query", "metadata.creation_date", "metadata.updated_date", "metadata.deprecation_date"]);
const CORPUS = join(ROOT, "..", "shared", "corpus", "elastic-detection-rules");
const hasCorpus = existsSync(CORPUS);

function smol(text: string): unknown {
  try {
    return parseToml(text);
  } catch {
    return undefined;
  }
}

/** Positions as comparable JSON (typed arrays spread). */
function positions(loc: TomlLocations): string {
  const strings = [...loc.strings].map(([k, v]) => [k, v.value, v.offsets ? [...v.offsets] : null, v.base, v.span]);
  return JSON.stringify([[...loc.keys], strings, [...loc.arrayTables]]);
}

/** The contract on one text; returns whether the fast path answered. */
function agrees(text: string): boolean {
  const fast = readTomlFast(text, WANTED);
  if (!fast) return false;
  const ref = smol(text);
  expect(ref, "smol-toml rejects a document the fast reader accepted").toBeDefined();
  expect(isDeepStrictEqual(fast.data, ref), "values differ from smol-toml's").toBe(true);
  return true;
}

function tomlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...tomlFiles(p));
    else if (p.endsWith(".toml")) out.push(p);
  }
  return out.sort();
}

function checkFiles(files: string[]): { fast: number; fellBack: string[] } {
  const fellBack: string[] = [];
  let fast = 0;
  for (const f of files) {
    const text = readFileSync(f, "utf8").replace(/^\ufeff/, "");
    const read = readTomlFast(text, WANTED);
    if (!read) {
      fellBack.push(f);
      continue;
    }
    fast++;
    expect(isDeepStrictEqual(read.data, smol(text)), f).toBe(true);
    expect(positions(read.loc), f).toBe(positions(locateToml(text, WANTED)));
  }
  return { fast, fellBack };
}

describe("one-pass TOML reader", () => {
  it("reads every bundled rule and test rule as smol-toml and the locator do", () => {
    const files = [...tomlFiles(join(ROOT, "rules")), ...tomlFiles(join(ROOT, "test"))];
    const r = checkFiles(files);
    // the broken-TOML fixture is the one file meant to fall back
    expect(r.fellBack.map((f) => f.slice(ROOT.length + 1))).toEqual(["test/fixtures/bad/broken_toml.toml"]);
    expect(r.fast).toBe(files.length - 1);
  });

  describe.runIf(hasCorpus)("Elastic corpus (../shared/corpus/elastic-detection-rules)", () => {
    it("reads every corpus rule in one pass, as smol-toml and the locator do", () => {
      const files = tomlFiles(CORPUS);
      const r = checkFiles(files);
      expect(r.fellBack).toEqual([]);
      expect(r.fast).toBe(files.length);
    });
  });
  describe.runIf(!hasCorpus)("Elastic corpus", () => {
    it.skip("skipped: ../shared/corpus/elastic-detection-rules is not present on this machine", () => {});
  });

  it("reads each construct of the subset like smol-toml", () => {
    const accepted = [
      'a = "x"\nb = \'y\'\n',
      'a = """\nline one\nline "two" ""\n"""\n',
      'a = """ends with quotes"""""\n',
      "a = '''\nraw \\ text ''\n'''\n",
      "a = '''four''''\n",
      'a = "tab\\tquote\\" backslash\\\\ \\u00e9 \\U0001F600 \\e"\n',
      'a = """\\\n   continued \\\n\n  here"""\n',
      "a = 0\nb = -0\nc = +7\nd = 1_000\ne = -9007199254740991\n",
      "a = true\nb = false # comment\n",
      "a = [1, 'two', [3, \"4\"], { x = 1 }, ]\n",
      "a = [\n  # comment\n  1,\n  2\n]\n",
      'a = { b = 1, c.d = "e", f = [1, 2], g = {} }\n',
      "[t]\nx.y.z = 1\nx.y.w = 2\n",
      "[a.b]\nc = 1\n[a]\nd = 2\n",
      "[[t]]\nn = 1\n[[t]]\nn = 2\n[t.sub]\nm = 3\n[[t.list]]\nk = 4\n",
      '[ "quoted key" . bare ]\n"" = 1\n\'lit\' = 2\n',
      "# only a comment\n\n\t\n",
      "",
      "constructor = 1\ntoString = 2\n",
    ];
    for (const text of accepted) expect(agrees(text), JSON.stringify(text)).toBe(true);
  });

  it("falls back on what it does not read, redefinitions and errors included", () => {
    const declined = [
      // outside the subset, valid TOML
      "a = 1.5\n",
      "a = 1979-05-27\n",
      "a = 07:32:00\n",
      "a = 0x1f\n",
      "a = inf\n",
      'a = "x"\r\n',
      "a = { b = 1, }\n",
      "a = {\n b = 1 }\n",
      "[a]\nb.c = 1\n[a.b.d]\n",
      'a = "\\x41"\n',
      "__proto__ = 1\n",
      "a = 12345678901234567890\n",
      // smol-toml 1.9 reads this as "" (it drops quotes after a line-ending backslash); TOML says '"'
      'a = """\\\n""""\n',
      // errors
      "a = 1\na = 2\n",
      "[a]\n[a]\n",
      "a.b = 1\n[a]\n",
      "a = {}\n[a]\n",
      "a = []\n[[a]]\n",
      "[a.b]\n[a]\nb.c = 1\n",
      "[[a]]\n[a]\n",
      "a = { b = 1, b = 2 }\n",
      'a = "unterminated\n',
      'a = "bad \\q escape"\n',
      'a = "\\uD800"\n',
      "a = 'multi\nline'\n",
      "a = 1 b = 2\n",
      "a = 007\n",
      "a = 1__0\n",
      "a = '''x''''''\n",
      'a = """x""""""\n',
      "a = tru\n",
      "[a] x\n",
      "[[a] ]\n",
      "a\n",
      "= 1\n",
      "a = \u0001\n",
      '"""k""" = 1\n',
    ];
    for (const text of declined) expect(readTomlFast(text, WANTED), JSON.stringify(text)).toBeNull();
  });

  it("never accepts what smol-toml rejects, nor reads it differently: generated documents", () => {
    const key = fc.oneof(fc.constantFrom("a", "b", "c", "a.b", "b.c", "a . c", '"a"', "'b'", '"x.y"', '""', "1", "-", "a..b", "a.", "__proto__"));
    const str = fc.oneof(
      fc.constantFrom('"', "'", '"""', "'''"),
      fc.string({ unit: fc.constantFrom("a", " ", "\t", "\n", '"', "'", "\\", "n", "u", "0", "0", "0", "4", "1", "D", "8", "U", "x", "#", "\r", "\u0000", "é") }),
    ).chain((q) => fc.tuple(fc.constant(q), fc.string({ unit: fc.constantFrom("a", " ", "\t", "\n", '"', "'", "\\", "n", "u", "0", "4", "1", "D", "8", "U", "x", "#", "\r", "é", "\\\n") }), fc.constantFrom('"', "'", '"""', "'''", '""""', "'''''", "")))
      .map(([open, body, close]) => `${open}${body}${close}`);
    const scalar = fc.oneof(str, fc.constantFrom("0", "-0", "+1", "1_0", "1__0", "01", "1.5", "true", "false", "tru", "inf", "nan", "0x1F", "1979-05-27", "12:00:00", "99999999999999999", "1e3", "[]", "{}", "[1,]", "[,]", "{a=1,}"));
    const value: fc.Arbitrary<string> = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: "small" }, scalar, fc.array(tie("v"), { maxLength: 3 }).map((xs) => `[${xs.join(", ")}]`), fc.array(fc.tuple(key, tie("v")), { maxLength: 3 }).map((kv) => `{ ${kv.map(([k, v]) => `${k} = ${v}`).join(", ")} }`)),
    })).v as fc.Arbitrary<string>;
    const line = fc.oneof(
      fc.tuple(key, value, fc.constantFrom("", " # c", "\t", " x")).map(([k, v, tail]) => `${k} = ${v}${tail}`),
      fc.tuple(fc.constantFrom("[", "[[", "[ "), key, fc.constantFrom("]", "]]", " ]", "] # c")).map(([o, k, c]) => `${o}${k}${c}`),
      fc.constantFrom("", "# comment", "  ", "\r"),
    );
    const doc = fc.array(line, { maxLength: 8 }).map((ls) => ls.join("\n") + "\n");
    let answered = 0;
    fc.assert(
      fc.property(doc, (text) => {
        if (agrees(text)) answered++;
      }),
      { seed: FUZZ_SEED, numRuns: runs(4000) },
    );
    // the generator reaches the fast path often enough for the property to mean something
    expect(answered).toBeGreaterThan(runs(4000) / 20);
  });

  it("never accepts what smol-toml rejects, nor reads it differently: mutated rule files", () => {
    const rules = seedRules();
    const pieces = ['"', "'", "\\", "\n", "[", "]", "{", "}", "=", ".", ",", "#", " ", '"""', "'''", "\\u", "a", "0", "\r"];
    let answered = 0;
    fc.assert(
      fc.property(fc.nat(rules.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 3 }), (r, edits) => {
        let text = (rules[r] as { text: string }).text;
        for (const [at, op, piece] of edits) {
          const i = at % (text.length + 1);
          text = op === 0 ? text.slice(0, i) + text.slice(i + 1) : op === 1 ? text.slice(0, i) + piece + text.slice(i) : op === 2 ? text.slice(0, i) + piece + text.slice(i + piece.length) : text.slice(0, i) + text.slice(i, i + 8) + text.slice(i);
        }
        if (agrees(text)) answered++;
      }),
      { seed: FUZZ_SEED, numRuns: runs(1500) },
    );
    expect(answered).toBeGreaterThan(runs(1500) / 20);
  });
});
