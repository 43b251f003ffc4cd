/**
 * ruleport's YAML writer (src/yaml/dump.ts) in both its layouts: 2-space
 * (Sentinel's analytics rules) and 4-space (Sigma, also covered with
 * Sigma's conventions in test/sigma/yaml.test.ts). Whatever a document
 * holds, the text reads back as exactly that document under YAML 1.2 and
 * YAML 1.1; for ordinary values, the text is the one js-yaml's dumper gives
 * with the same indentation, which it replaced.
 */
import fc from "fast-check";
import { dump, loadAll, YAML11_SCHEMA } from "js-yaml";
import { describe, expect, it } from "vitest";
import { dumpYaml, type YamlStyle } from "../../src/yaml/dump.js";
import { key, NASTY, nasty, value } from "./arbitraries.js";

type Doc = Record<string, unknown>;

const STYLES: readonly YamlStyle[] = [{ indent: 2 }, { indent: 4 }];

function readsBack(docs: Doc[], style: YamlStyle): void {
  const text = dumpYaml(docs, style);
  expect(loadAll(text)).toEqual(docs);
  expect(loadAll(text, { schema: YAML11_SCHEMA })).toEqual(docs);
  expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/);
  expect(text).not.toMatch(/\p{Surrogate}/u);
}

/** Text no YAML schema resolves to another type: a letter first, more than five characters, no indicator pairs. */
const word = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABC0123456789 ._/\\-()=,"), minLength: 6, maxLength: 20 }).filter((s) => /^[a-zA-Z]/.test(s) && !/ $/.test(s));
const ordinaryLine = fc.oneof(word, fc.string({ unit: fc.constantFrom(..."abc xyz_()|."), minLength: 1, maxLength: 15 }).map((s) => "line" + s.trimEnd()));
const ordinaryText = fc.oneof({ weight: 4, arbitrary: word }, { weight: 1, arbitrary: fc.array(ordinaryLine, { minLength: 2, maxLength: 4 }).map((ls) => ls.join("\n")) });
const ordinaryKey = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz_."), minLength: 6, maxLength: 12 }).filter((k) => /^[a-z]/.test(k));
const ordinary: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    ordinaryText,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(ordinaryKey, tie("v"), { maxKeys: 3 }),
  ),
})).v;

describe.each(STYLES)("indent $indent", (style) => {
  it("every nasty string reads back, as a value, a key and a list item", () => {
    for (const s of NASTY) readsBack([{ title: s, [s === "__proto__" ? "x" : s]: [s, { [s]: s }, [s]], nested: { a: { [s === "__proto__" ? "x" : s]: s } } }], style);
  });

  it("generated documents read back, alone and as a multi-document stream", () => {
    const doc = fc.dictionary(key, value, { maxKeys: 5 });
    fc.assert(fc.property(fc.array(doc, { minLength: 1, maxLength: 3 }), (docs) => readsBack(docs, style)), { numRuns: 300 });
  });

  it("ordinary documents: the same text as js-yaml's dumper with the same indentation", () => {
    const doc = fc.dictionary(ordinaryKey, ordinary, { minKeys: 1, maxKeys: 5 });
    fc.assert(
      fc.property(doc, (d) => {
        expect(dumpYaml([d], style)).toBe(dump(d, { lineWidth: -1, noRefs: true, indent: style.indent }));
      }),
      { numRuns: 400 },
    );
  });
});

describe("the 2-space layout, as Sentinel's analytics rules use it", () => {
  it("sequences under keys, mappings in sequences, a multi-line query as a literal block", () => {
    const rule = {
      id: "6ad02164-515c-500f-9afd-262d92b78a60",
      tactics: ["CommandAndControl"],
      query: "imDns()\n| where DnsQuery endswith \".onion\"",
      entityMappings: [{ entityType: "Host", fieldMappings: [{ identifier: "HostName", columnName: "DvcHostname" }] }],
      requiredDataConnectors: [],
      version: "1.0.0",
    };
    expect(dumpYaml([rule], { indent: 2 })).toBe(
      [
        "id: 6ad02164-515c-500f-9afd-262d92b78a60",
        "tactics:",
        "  - CommandAndControl",
        "query: |-",
        "  imDns()",
        '  | where DnsQuery endswith ".onion"',
        "entityMappings:",
        "  - entityType: Host",
        "    fieldMappings:",
        "      - identifier: HostName",
        "        columnName: DvcHostname",
        "requiredDataConnectors: []",
        "version: 1.0.0",
        "",
      ].join("\n"),
    );
  });

  it("a literal block whose first line starts with a space carries an indentation indicator of 2", () => {
    expect(dumpYaml([{ q: " lead\nx" }], { indent: 2 })).toBe("q: |2-\n   lead\n  x\n");
    readsBack([{ q: " lead\nx", list: [" lead\nx"] }], { indent: 2 });
  });
});
