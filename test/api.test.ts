/**
 * The library API as a user imports it: `import { ... } from "ruleport"` (the
 * package's own exports map, resolved by Node), running the README's example
 * on the seed rule. Its query texts must be the golden files' (which the CLI
 * writes), and what the README names must be exported.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const built = existsSync(join(ROOT, "dist", "src", "index.js"));

// The README's example, with its results printed as JSON.
const SCRIPT = `
import { readFileSync } from "node:fs";
import { compileRule, parseRule, targets, loadRule, parseEql, printEql, render } from "ruleport";
const file = "rules/persistence_system_shells_via_services.toml";
const tomlText = readFileSync(file, "utf8");
const compiled = compileRule(file, tomlText);
const parsed = parseRule(file, tomlText);
const sigma = compileRule(file, tomlText, [{ target: targets.sigma, profile: "default" }]);
const broken = compileRule("broken.toml", "[rule\\n");
console.log(JSON.stringify({
  outcomes: compiled.outcomes.map((o) => ({ target: o.target.id, profile: o.profile, status: o.status, text: o.result.text })),
  parsedStatus: parsed.parseStatus,
  hasIr: parsed.ir !== null,
  sigmaOnly: sigma.outcomes.map((o) => o.target.id),
  functions: [loadRule, parseEql, printEql, render].map((f) => typeof f),
  brokenFirst: broken.parseDiagnostics.length > 0 ? render(broken.parseDiagnostics[0], broken.source) : null,
}));
`;

it.runIf(built)('`import { compileRule, parseRule, targets, ... } from "ruleport"` runs the README example; the texts are the golden files (needs the built dist/: npm ci or npm run build)', () => {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", SCRIPT], { cwd: ROOT, encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const got = JSON.parse(r.stdout) as {
    outcomes: { target: string; profile: string; status: string; text: string }[];
    parsedStatus: string;
    hasIr: boolean;
    sigmaOnly: string[];
    functions: string[];
    brokenFirst: string | null;
  };
  const ext: Record<string, string> = { sigma: "yml", splunk: "spl", sentinel: "kql", osquery: "sql" };
  expect(got.outcomes.map((o) => o.target)).toEqual(["sigma", "splunk", "sentinel", "osquery"]);
  for (const o of got.outcomes) {
    expect(o.status, o.target).toBe("ok");
    expect(o.text, o.target).toBe(readFileSync(join(ROOT, "golden", o.target, o.profile, `persistence_system_shells_via_services.${ext[o.target]}`), "utf8"));
  }
  expect(got.parsedStatus).toBe("ok");
  expect(got.hasIr).toBe(true);
  expect(got.sigmaOnly).toEqual(["sigma"]);
  expect(got.functions).toEqual(["function", "function", "function", "function"]);
  // a broken file returns a diagnostic (rendered with its position), it does not throw
  expect(got.brokenFirst).toMatch(/^broken\.toml:1:\d+: error /);
});
