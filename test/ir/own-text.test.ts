/**
 * ownText / ownTexts (src/own-text.ts): copies made so that kept strings do
 * not hold on to a rule's whole text. The copies must be equal to what they
 * copy, whatever the string is made of.
 */
import { describe, expect, it } from "vitest";
import { ownText, ownTexts } from "../../src/own-text.js";

describe("ownText", () => {
  it("returns an equal string for slices, ropes, short, empty and non-ASCII strings", () => {
    const text = "[rule]\nname = \"Suspicious process — détecté 🚀\"\nquery = '''process.name : \"cmd.exe\"'''\n";
    let rope = "";
    for (let i = 0; i < 500; i++) rope += `piece ${i}; `;
    const cases = ["", "x", "ab", text.slice(8, 44), text.slice(text.indexOf("process.name"), text.lastIndexOf("'''")), rope, "\u0000\ud83d", " leading space"];
    for (const s of cases) {
      const copy = ownText(s);
      expect(copy).toBe(s);
      expect(copy.length).toBe(s.length);
    }
  });

  it("ownTexts copies strings inside arrays and plain objects and leaves other values as they are", () => {
    const map = new Map([["k", "v"]]);
    const value = { name: "n".repeat(40), list: ["a", { deep: "b".repeat(20) }], count: 3, flag: true, none: null, map };
    const copy = ownTexts(value);
    expect(copy).toEqual(value);
    expect(copy).not.toBe(value);
    expect(copy.map).toBe(map);
    expect(ownTexts(7)).toBe(7);
  });
});
