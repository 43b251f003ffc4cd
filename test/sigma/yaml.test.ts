/**
 * The YAML writer in Sigma's layout (targets/sigma/yaml.ts): whatever strings a document
 * holds, reading the text back gives the document exactly, both as YAML 1.2
 * (js-yaml's core schema) and as YAML 1.1 (js-yaml's 1.1 schema, which reads
 * `yes`, `0x1F`, `1_000`, `1:30` and dates as non-strings, as PyYAML and so
 * pySigma do); the text never holds a raw character a YAML 1.1 reader takes
 * for a line break or rejects; and the Sigma validators see the same document
 * as they do in its JSON form.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadAll, YAML11_SCHEMA } from "js-yaml";
import { dumpSigma } from "../../targets/sigma/yaml.js";
import { CHARS, key, NASTY, nasty, value } from "../yaml/arbitraries.js";
import { failing, validateSigmaText } from "../../targets/sigma/check.js";

type Doc = Record<string, unknown>;

function readsBack(docs: Doc[]): void {
  const text = dumpSigma(docs);
  expect(loadAll(text)).toEqual(docs);
  expect(loadAll(text, { schema: YAML11_SCHEMA })).toEqual(docs);
  // YAML 1.1 line breaks (NEL, U+2028, U+2029), the BOM, controls other than tab and newline, C1 controls
  // and non-characters are escaped in double quotes, never written raw; lone surrogates cannot be encoded at all.
  expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/);
  expect(text).not.toMatch(/\p{Surrogate}/u);
}

/** A document shaped like a Sigma rule, with nasty strings everywhere. */
const sigmaDoc: fc.Arbitrary<Doc> = fc
  .record({
    title: nasty,
    id: fc.uuid(),
    description: nasty,
    references: fc.array(nasty, { maxLength: 3 }),
    logsource: fc.dictionary(key, nasty, { maxKeys: 3 }),
    detection: fc.dictionary(key, value, { maxKeys: 4 }),
    condition: nasty,
    falsepositives: fc.array(nasty, { maxLength: 3 }),
    extra: fc.dictionary(key, value, { maxKeys: 3 }),
  })
  .map(({ condition, detection, ...d }) => ({ ...d, detection: { ...detection, condition } }));

describe("Sigma YAML reads back exactly (YAML 1.2 and 1.1)", () => {
  it("every nasty string, as a header value, a key, a list item and a detection value", () => {
    for (const s of NASTY) {
      readsBack([{ title: s, [s === "__proto__" ? "x" : s]: [s, { [s]: s }], detection: { selection: { [s]: s, f: [s, s] }, condition: s } }]);
    }
  });

  it("generated documents, alone and as a multi-document stream", () => {
    fc.assert(fc.property(fc.array(sigmaDoc, { minLength: 1, maxLength: 3 }), (docs) => readsBack(docs)), { numRuns: 300 });
  });

  it("empty collections and empty documents", () => {
    readsBack([{}]);
    readsBack([{ a: {}, b: [], c: [[], {}], detection: {} }, {}, { d: [[[1]]] }]);
  });

  it("a Map is written as the mapping it holds, in its order", () => {
    const asMaps = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(asMaps);
      if (typeof v === "object" && v !== null) return new Map(Object.entries(v).map(([k, x]) => [k, asMaps(x)]));
      return v;
    };
    fc.assert(
      fc.property(sigmaDoc, (doc) => {
        const withMaps = { ...doc, detection: asMaps(doc["detection"]), extra: asMaps(doc["extra"]) };
        expect(dumpSigma([withMaps])).toBe(dumpSigma([doc]));
      }),
      { numRuns: 200 },
    );
    expect(dumpSigma([{ m: new Map<string, unknown>([["b", 1], ["a", new Map()], ["c", undefined]]) }])).toBe("m:\n    b: 1\n    a: {}\n");
  });

  it("keys too long for an implicit key (1024 characters) take the explicit form", () => {
    const long = "k".repeat(1100);
    readsBack([{ [long]: "v", x: { [long]: [1, 2] }, detection: { [long]: { [long]: "v" }, condition: "c" } }]);
  });
});

describe("layout (YAML 1.1/1.2 resolution rules; SigmaHQ conventions)", () => {
  it("quotes strings a YAML 1.1 or 1.2 reader would take for another type, and nothing else", () => {
    const text = dumpSigma([{ a: "yes", b: "2024-01-01", c: "0x1F", d: "1_000", e: "~", f: "1e5", g: "plain text", h: "C:\\Windows", i: "a:b", num: 5, t: true, z: null }]);
    expect(text).toBe("a: 'yes'\nb: '2024-01-01'\nc: '0x1F'\nd: '1_000'\ne: '~'\nf: '1e5'\ng: plain text\nh: C:\\Windows\ni: a:b\nnum: 5\nt: true\nz: null\n");
  });

  it("quotes indicators, ': ', ' #' and surrounding spaces; double-quotes what single quotes cannot carry", () => {
    const text = dumpSigma([{ a: "- x", b: "a: b", c: "a #b", d: " x", e: "'s", f: "a\u2028b", g: "a\tb", h: "a\u0001b" }]);
    expect(text).toBe("a: '- x'\nb: 'a: b'\nc: 'a #b'\nd: ' x'\ne: '''s'\nf: \"a\\Lb\"\ng: \"a\\tb\"\nh: \"a\\x01b\"\n");
  });

  it("single-quotes the detection's string values except the condition; numbers and booleans stay plain", () => {
    const text = dumpSigma([{ detection: { selection: { "Image|endswith": "\\cmd.exe", EventID: 4688, "F|exists": true }, filter: [{ a: "x", b: "y" }], condition: "selection and not filter" } }]);
    expect(text).toBe(
      "detection:\n    selection:\n        Image|endswith: '\\cmd.exe'\n        EventID: 4688\n        F|exists: true\n    filter:\n        -   a: 'x'\n            b: 'y'\n    condition: selection and not filter\n",
    );
  });

  it("writes multi-line strings as literal blocks, and later documents after ---", () => {
    expect(dumpSigma([{ description: "one\n  two\n\nthree" }, { title: "t", list: ["a\nb"] }])).toBe("description: |-\n    one\n      two\n\n    three\n---\ntitle: t\nlist:\n    - |-\n        a\n        b\n");
    expect(dumpSigma([{ d: " lead\nx" }])).toBe("d: |4-\n     lead\n    x\n");
  });
});

describe("the Sigma validators see the document, not its YAML", () => {
  const base: Doc = {
    title: "A rule with 'quotes', # and: colons",
    id: "0022d47d-39c7-4f69-a232-4fe9dc7a3acd",
    status: "test",
    description: "Line one: with a colon\n- a dash line\n# a hash line\n  indented",
    references: ["https://example.com/a?b=c#d"],
    author: "O'Brien, @someone",
    date: "2024-01-01",
    tags: ["attack.execution"],
    logsource: { category: "process_creation", product: "windows" },
    detection: { selection: { "CommandLine|contains": ["yes", "a: b", "' or 1=1 --", "#x", "%TEMP%", "0x1F"], EventID: 4688 }, condition: "selection" },
    falsepositives: ["Unknown: maybe", "no"],
    level: "low",
  };

  it("a correct rule full of YAML indicators validates", () => {
    expect(failing(validateSigmaText(dumpSigma([base]), "proc_creation_win_test.yml"))).toEqual([]);
  });

  it("generated values give the same issues as the same document written as JSON", () => {
    const json = fc.string({ unit: fc.constantFrom(...CHARS.filter((c) => c !== "\ufeff")), maxLength: 12 });
    fc.assert(
      fc.property(json, json, fc.array(json, { minLength: 1, maxLength: 3 }), json, (title, description, values, fp) => {
        const doc: Doc = { ...base, title, description, detection: { selection: { "CommandLine|contains": values }, condition: "selection" }, falsepositives: [fp] };
        expect(validateSigmaText(dumpSigma([doc]), "proc_creation_win_test.yml")).toEqual(validateSigmaText(JSON.stringify(doc), "proc_creation_win_test.yml"));
      }),
      { numRuns: 200 },
    );
  });
});
