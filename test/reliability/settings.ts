/**
 * Shared settings of the reliability suite: the fixed fast-check seed, the
 * case counts, the seed rules, and the target requests (every profile of
 * every target).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TargetRequest } from "../../src/compile.js";
import { targets } from "../../src/targets.js";
import type { TargetDefinition } from "../../src/target.js";

export const ROOT = join(import.meta.dirname, "..", "..");

/** Fixed, so a CI failure replays exactly (fast-check prints the seed and path too). */
export const FUZZ_SEED = 20261127;

/**
 * Multiplies every case count. 1 in CI (>= 10,000 mutated cases in all);
 * set RULEPORT_FUZZ_SCALE=0.05 while developing on the shared machine.
 */
export const SCALE = Math.max(0.001, Number(process.env["RULEPORT_FUZZ_SCALE"] ?? "1") || 1);
export const runs = (n: number): number => Math.max(5, Math.round(n * SCALE));

/** The example rules in rules/*.toml, the seed corpus of the file mutations. */
export function seedRules(): { name: string; text: string }[] {
  const dir = join(ROOT, "rules");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".toml"))
    .sort()
    .map((f) => ({ name: f, text: readFileSync(join(dir, f), "utf8") }));
}

/** One request per profile of every target. */
export function allRequests(): TargetRequest[] {
  return Object.values(targets).flatMap((t: TargetDefinition) => t.profiles.map((p) => ({ target: t, profile: p.name })));
}

/**
 * Whether a target has landed: the placeholders answer every rule with
 * `<PREFIX>000 ... not implemented yet`. Tests that need a real target name
 * the target and say so when it is still the placeholder.
 */
export function isPlaceholder(diagnostics: readonly { code: string; message: string }[]): boolean {
  return diagnostics.some((d) => /000$/.test(d.code) && /not implemented yet/.test(d.message));
}

/** Each target's default profile. */
export function defaultRequests(): TargetRequest[] {
  return Object.values(targets).map((t: TargetDefinition) => ({ target: t, profile: t.defaultProfile }));
}
