/**
 * What the golden files hold: for every rule in rules/ x every target x
 * profile, the per-rule output, its rendered diagnostics, and the target's
 * deploy-format files built from all rules. One function computes it; the test
 * compares, `npm run golden:update` writes.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { render } from "../../src/diagnostics/index.js";
import { bundledMapping, convertParsed, parseRule } from "../../src/compile.js";
import { targets } from "../../src/targets.js";
import { outputStem } from "../../src/cli/files.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export const RULES = join(ROOT, "rules");
export const GOLDEN = join(ROOT, "golden");

export function ruleFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".toml")) out.push(p);
    }
  };
  walk(RULES);
  return out;
}

/** Expected golden files: path relative to golden/ -> content. */
export function computeGoldens(only?: string): Map<string, string> {
  const files = new Map<string, string>();
  const parsed = ruleFiles().map((abs) => {
    const rel = relative(ROOT, abs).split(sep).join("/");
    return { rel, stem: outputStem(relative(RULES, abs).split(sep).join("/")), text: readFileSync(abs, "utf8") };
  });
  for (const target of Object.values(targets)) {
    if (only && target.id !== only) continue;
    for (const profile of target.profiles) {
      const mapping = bundledMapping(target, profile.name);
      const dir = `${target.id}/${profile.name}`;
      const entries: { outputStem: string; entry: unknown }[] = [];
      for (const r of parsed) {
        const p = parseRule(r.rel, r.text);
        const outcome = convertParsed(p, { target, profile: profile.name, mapping }, r.stem);
        const diags = [...p.parseDiagnostics, ...outcome.result.diagnostics];
        if (outcome.status === "ok" && outcome.result.text !== null) {
          files.set(`${dir}/${r.stem}${target.extension}`, outcome.result.text);
          if (outcome.result.bundleEntry !== undefined) entries.push({ outputStem: r.stem, entry: outcome.result.bundleEntry });
          for (const f of outcome.result.deployFiles ?? []) files.set(`${dir}/_deploy/${f.path}`, f.content);
        }
        if (diags.length > 0) {
          files.set(`${dir}/${r.stem}.diagnostics.txt`, `status: ${outcome.status}\n` + diags.map((d) => render(d, p.source)).join("\n") + "\n");
        }
      }
      if (target.bundle) for (const f of target.bundle(entries, profile.name)) files.set(`${dir}/_deploy/${f.path}`, f.content);
    }
  }
  return files;
}

/** Golden files on disk: path relative to golden/ -> content. */
export function readGoldens(only?: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== ".gitkeep") out.set(relative(GOLDEN, p).split(sep).join("/"), readFileSync(p, "utf8"));
    }
  };
  walk(only ? join(GOLDEN, only) : GOLDEN);
  return out;
}
