// V8 settings for a batch run, by the V8 version they were measured on (README, "Speed").
//
// A batch run is short: V8's optimizing compiler, left at its defaults, spends more CPU
// inlining and compiling (on background threads that share the cores with the conversion
// and the writer thread) than the optimized code gives back. Optimizing only the hottest
// functions, without inlining, measured about 20% less wall time and 1.5-3 s less CPU on
// the corpus; the converting thread's own CPU time did not change.
//
// The flags that say "only the hottest" differ between V8 versions, and V8 prints
// "Error: unrecognized flag" for one it does not know (to standard error, on every run), so
// each version gets only flags it has; a version not measured here gets none.

/** @type {Readonly<Record<string, string>>} V8 major version -> flags. */
const BY_V8_MAJOR = {
  // Node 20 (V8 11.3): tier-up by interrupt budget (default 67,584 bytes of bytecode run)
  11: "--no-turbo-inlining --interrupt-budget=400000",
  // Node 22 (V8 12.4): tier-up by invocation counts (TurboFan's default 3,000); Maglev stays on
  12: "--no-turbo-inlining --invocation-count-for-turbofan=10000",
};

/** The flags for V8 `version` (as in process.versions.v8), or "" when it was not measured. */
export function tunedFlags(version) {
  return BY_V8_MAJOR[String(version).split(".")[0]] ?? "";
}

/** Whether the user chose tier-up flags of their own (command line or NODE_OPTIONS): then theirs stand alone. */
export function userChoseTiering(execArgv, nodeOptions) {
  return [...execArgv, nodeOptions ?? ""].some((a) => /inlin|interrupt-budget|invocation-count|turbo|maglev|--(no-)?opt\b/.test(a));
}
