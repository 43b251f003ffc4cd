/**
 * Known bugs in other owners' code that the test suite tolerates so CI stays
 * green while the fix lands (scripts/fuzz.mjs still reports them). Each is
 * described in docs/reliability.md; delete the line when it is fixed.
 */
import { tolerate } from "./fuzz-core.mjs";

// src/frontend/load-rule.ts: TOML001 at end of file spans [length, length + 1).
tolerate.eofCaret = true;
// src/frontend/load-rule.ts: RULE002 (a key of the wrong type) has no span when the
// line scanner (toml-locate.ts) cannot find the key, e.g. after a `[rule]` header that
// sits inside a multi-line string. Found by fuzzing (about 1 in 18,000 mutated files).
tolerate.positionless.add("RULE002");
