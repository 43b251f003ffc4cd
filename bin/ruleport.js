#!/usr/bin/env node
// ruleport command-line entry: runs the compiled CLI (built by `npm run build`, which `npm ci` runs via `prepare`).
import { statSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { tunedFlags, userChoseTiering } from "./v8-flags.js";

// Applied before any of ruleport's code is compiled (bin/v8-flags.js says why and which).
const flags = tunedFlags(process.versions.v8);
if (flags && !userChoseTiering(process.execArgv, process.env.NODE_OPTIONS)) setFlagsFromString(flags);

// The build joins the compiled CLI into one module (scripts/bundle-cli.mjs), which starts
// sooner than its ~100 modules one by one; it is used only while it is at least as new as
// the compiled modules (tsc alone rewrites them all and leaves the bundle behind).
const modules = new URL("../dist/src/cli/main.js", import.meta.url);
const bundle = new URL("../dist/src/cli/main.bundle.js", import.meta.url);
let bundleFresh = false;
try {
  bundleFresh = statSync(bundle).mtimeMs >= statSync(modules).mtimeMs;
} catch {
  // no bundle (or no build at all: the import below then says so)
}
// A reader that goes away (`ruleport convert ... | head`) must not end the batch half-way
// with a stack trace: what is printed to a closed pipe is dropped, and the run still writes
// every file and the report and exits with its own code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code !== "EPIPE" && e.code !== "ERR_STREAM_DESTROYED") throw e;
  });
}

const { main } = await import(bundleFresh ? bundle.href : modules.href);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`ruleport: internal error: ${e && e.stack ? e.stack : typeof e === "object" ? JSON.stringify(e) : e}\n`);
    process.exitCode = 3;
  },
);
