#!/usr/bin/env node
// ruleport command-line entry: runs the compiled CLI (built by `npm run build`, which `npm ci` runs via `prepare`).
import { setFlagsFromString } from "node:v8";

// A batch run is short: V8's optimizing compiler, left at its defaults, spends more CPU
// inlining and compiling (on background threads that share the cores with the conversion
// and the writer thread) than the optimized code gives back. Optimizing only the hottest
// functions, without inlining, measured about 20% less wall time and 1.5-3 s less CPU on
// the corpus (README, "Speed"); the converting thread's own CPU time did not change.
// Applied before any of ruleport's code is compiled; a user who passes V8 flags of their own
// (on the command line or in NODE_OPTIONS) keeps exactly theirs.
const userV8Flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].some((a) => /inlin|interrupt-budget|turbo|--(no-)?opt\b/.test(a));
if (!userV8Flags) setFlagsFromString("--no-turbo-inlining --interrupt-budget=400000");

const { main } = await import("../dist/src/cli/main.js");

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`ruleport: internal error: ${e && e.stack ? e.stack : typeof e === "object" ? JSON.stringify(e) : e}\n`);
    process.exitCode = 3;
  },
);
