/**
 * Known bugs in other owners' code that the test suite tolerates so CI stays
 * green while the fix lands (scripts/fuzz.mjs still reports them). Each is
 * described in docs/reliability.md; delete the line when it is fixed.
 */
import { tolerate } from "./fuzz-core.mjs";

// (TOML001 one past the end of the file: fixed in 27f8117, no longer tolerated.)

// (RULE002 without a position when the line scanner could not find the key: fixed, it falls back to the start of the file.)
