#!/usr/bin/env node
// ruleport command-line entry: runs the compiled CLI (built by `npm run build`, which `npm ci` runs via `prepare`).
import { main } from "../dist/src/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`ruleport: internal error: ${e && e.stack ? e.stack : typeof e === "object" ? JSON.stringify(e) : e}\n`);
    process.exitCode = 3;
  },
);
