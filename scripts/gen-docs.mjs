#!/usr/bin/env node
// Writes docs/capabilities.md and docs/fields-<target>-<profile>.md from the targets' own data.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateDocs } from "../dist/src/docs.js";

const docs = join(dirname(fileURLToPath(import.meta.url)), "..", "docs");
mkdirSync(docs, { recursive: true });
for (const [name, content] of generateDocs()) writeFileSync(join(docs, name), content);
console.log(`docs: wrote ${[...generateDocs().keys()].join(", ")}`);
