/**
 * Known bugs in other owners' code that the test suite tolerates so CI stays
 * green while the fix lands (scripts/fuzz.mjs still reports them). Each is
 * described in docs/reliability.md; delete the line when it is fixed.
 */
import { tolerate } from "./fuzz-core.mjs";

// (TOML001 one past the end of the file: fixed in 27f8117, no longer tolerated.)

// src/frontend/load-rule.ts: RULE002 (a key of the wrong type) has no span when the
// line scanner (toml-locate.ts) cannot find the key, e.g. after a `[rule]` header that
// sits inside a multi-line string. Found by fuzzing (about 1 in 18,000 mutated files).
tolerate.positionless.add("RULE002");
