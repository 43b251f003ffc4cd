/** The generated docs in docs/ must be current: `npm run docs` regenerates them. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { generateDocs } from "../src/docs.js";

const DOCS = join(import.meta.dirname, "..", "docs");

for (const [name, content] of generateDocs()) {
  it(`docs/${name} is current (npm run docs)`, () => {
    let have: string | null = null;
    try {
      have = readFileSync(join(DOCS, name), "utf8");
    } catch {
      have = null;
    }
    expect(have, `docs/${name} is missing or stale: run npm run docs`).toBe(content);
  });
}
