/**
 * The readable PCRE printer against the evaluator's reading of Lucene regexps:
 * for each regexp, strings sampled from it (and near misses) get the same
 * verdict from the printed PCRE (run as a JavaScript RegExp with `s` and `u`,
 * which reads this subset the same way) and from the evaluator.
 */
import { describe, expect, it } from "vitest";
import { translateLuceneRegex } from "../../src/eval/lucene-regex.js";
import { parseLuceneRegex, sampleRegex } from "../../src/regex/lucene.js";
import { anchorable, pcreMetaLiteral, printPcre, type PcreStyle } from "../../src/regex/pcre.js";

const STYLES: Record<string, PcreStyle> = {
  plain: { group: "(", literal: pcreMetaLiteral },
  nonCapturing: { group: "(?:", literal: pcreMetaLiteral },
};

const SOURCES = [
  "abc",
  "a.c",
  "a|bc|d",
  "(ab|c)+d?",
  '"a.b"*x',
  "[a-c]+\\.exe",
  "[^0-9]{2,3}",
  "\\d+@",
  "x^y$",
  "a*?b",
  "(a+)+",
  "<8-12>",
  "v<05-10>",
  "[\\]\\\\\\-]+",
  "[\\d\\s]x",
  "a#|b",
  "()a",
  ".*(minidump|full).*",
  "[a-z]{1,3}(\\.[a-z]+){0,2}",
];

function candidates(src: string): string[] {
  const tree = parseLuceneRegex(src);
  const out = new Set<string>(["", "a", "abc", "x^y$", "xy", "\n", "AbC"]);
  for (let k = 0; k < 12; k++) {
    let seed = k * 13 + 7;
    const s = sampleRegex(tree, (n) => (seed = (seed * 31 + 17) % 9973) % n);
    if (s === null) continue;
    out.add(s);
    out.add(s + "x");
    out.add(s.slice(1));
    out.add(s.toUpperCase());
  }
  return [...out];
}

describe("Lucene regexp -> readable PCRE", () => {
  for (const [name, style] of Object.entries(STYLES)) {
    it.each(SOURCES)(`${name}: %s keeps the evaluator's verdicts`, (src) => {
      const tree = parseLuceneRegex(src);
      const r = printPcre(tree, style);
      if (!r.ok) throw new Error(r.construct);
      const re = new RegExp(`^${anchorable(r.source, style, tree)}$`, "su");
      const ev = translateLuceneRegex(src, false);
      if (!ev.ok) throw new Error(ev.reason);
      for (const s of candidates(src)) expect([s, re.test(s)]).toEqual([s, ev.test(s)]);
    });
  }
  it("names what has no counterpart, and applies an engine's repetition limit", () => {
    const bad = (src: string, style: PcreStyle = STYLES["plain"]!) => {
      const r = printPcre(parseLuceneRegex(src), style);
      return r.ok ? null : r.construct;
    };
    expect(bad("a&b")).toMatch(/intersection/);
    expect(bad("~a")).toMatch(/complement/);
    expect(bad("a{2000}", { ...STYLES["plain"]!, maxRepeat: 1000 })).toMatch(/above 1000/);
    expect(bad("a{1000}", { ...STYLES["plain"]!, maxRepeat: 1000 })).toBeNull();
  });
  it("writes what matches nothing in the engine's own way", () => {
    const r = printPcre(parseLuceneRegex("a#"), { ...STYLES["plain"]!, nothing: "[^\\x00-\\x{10FFFF}]" });
    expect(r).toEqual({ ok: true, source: "a[^\\x00-\\x{10FFFF}]", dotAll: false });
  });
});
