/**
 * `ruleport.config.yaml`: defaults for convert/check, found upward from the
 * working directory or named with --config. Command-line flags win over it.
 *
 *   targets: [sigma, splunk]        # or "all"
 *   profiles: { splunk: sysmon }
 *   out: out
 *   mappings: { sentinel: my-sentinel-fields.yaml }
 *   templates: my-templates
 *   fail-on: unsupported
 *
 * Relative paths in the file are relative to the file's folder. Every value is
 * checked when the file is loaded, and every problem is a CLI020 error at its
 * line and column (ConfigError).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { TARGET_IDS } from "../target.js";
import { getTarget } from "../targets.js";
import { jsYaml } from "../yaml/load.js";
import { keyOffset, positionAt, yamlErrorPosition } from "../yaml/positions.js";
import { FAIL_ON, type FailOn } from "./batch.js";

export interface Config {
  readonly file: string;
  readonly targets?: readonly string[] | "all";
  readonly profiles?: Readonly<Record<string, string>>;
  readonly out?: string;
  readonly mappings?: Readonly<Record<string, string>>;
  readonly templates?: string;
  readonly failOn?: FailOn;
}

export interface ConfigProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** A config file that cannot be used: every problem, each as `file:line:column: error CLI020: message`. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(problems.map((p) => `${file}:${p.line}:${p.column}: error CLI020: ${p.message}`).join("\n"));
  }
}

const KEYS = ["targets", "profiles", "out", "mappings", "templates", "fail-on"];

export function findConfig(start: string): string | null {
  let dir = resolve(start);
  for (;;) {
    const f = join(dir, "ruleport.config.yaml");
    if (existsSync(f)) return f;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Loads and checks a config file. Throws ConfigError with every problem. */
export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(file, [{ line: 1, column: 1, message: `cannot read the config file: ${(e as Error).message}` }]);
  }
  let data: unknown;
  try {
    data = jsYaml().load(text, { filename: file });
  } catch (e) {
    throw new ConfigError(file, [{ ...yamlErrorPosition(e), message: `invalid YAML: ${(e as { reason?: string }).reason ?? String(e)}` }]);
  }
  if (data === null || data === undefined) return { file };
  if (!isRecord(data)) throw new ConfigError(file, [{ line: 1, column: 1, message: "a config file must be a YAML mapping of the keys " + KEYS.join(", ") }]);

  const problems: ConfigProblem[] = [];
  const base = dirname(file);
  // positions: a top-level key, a key inside it, or a value's text after it (best effort)
  const at = (key: string): number => keyOffset(text, key) ?? 0;
  const atInner = (key: string, inner: string): number => keyOffset(text, inner, at(key)) ?? at(key);
  const atValue = (key: string, value: string): number => {
    const i = text.indexOf(value, at(key));
    return i >= 0 ? i : at(key);
  };
  const fail = (offset: number, message: string) => problems.push({ ...positionAt(text, offset), message });

  for (const k of Object.keys(data)) if (!KEYS.includes(k)) fail(at(k), `unknown key \`${k}\` (expected ${KEYS.join(", ")})`);

  let targets: Config["targets"];
  const t = data["targets"];
  if (t === "all") targets = "all";
  else if (t !== undefined) {
    const ids = typeof t === "string" ? t.split(",").map((s) => s.trim()) : Array.isArray(t) && t.every((x) => typeof x === "string") ? (t as string[]) : null;
    if (ids === null) fail(at("targets"), '`targets` must be "all", a list of target ids or a comma-separated string of them');
    else {
      for (const id of ids) if (!(TARGET_IDS as readonly string[]).includes(id)) fail(atValue("targets", id), `unknown target \`${id}\` in \`targets\` (known: ${TARGET_IDS.join(", ")})`);
      targets = ids;
    }
  }

  // a map from target ids to strings; `check` says what a value must be, and returns its problem or null
  const targetMap = (key: string, check: (target: string, value: string) => string | null): Record<string, string> | undefined => {
    const v = data[key];
    if (v === undefined) return undefined;
    if (!isRecord(v)) {
      fail(at(key), `\`${key}\` must map target ids to strings`);
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [id, x] of Object.entries(v)) {
      if (!getTarget(id)) fail(atInner(key, id), `unknown target \`${id}\` in \`${key}\` (known: ${TARGET_IDS.join(", ")})`);
      else if (typeof x !== "string") fail(atInner(key, id), `\`${key}.${id}\` must be a string`);
      else {
        const problem = check(id, x);
        if (problem) fail(atInner(key, id), problem);
        else out[id] = x;
      }
    }
    return out;
  };
  const profiles = targetMap("profiles", (id, name) => {
    const names = getTarget(id)?.profiles.map((p) => p.name) ?? [];
    return names.includes(name) ? null : `target ${id} has no profile \`${name}\` (profiles: ${names.join(", ")})`;
  });
  const mappings = targetMap("mappings", (_id, f) => (existsSync(resolve(base, f)) ? null : `no such mapping file: ${resolve(base, f)}`));

  const str = (k: string): string | undefined => {
    const v = data[k];
    if (v === undefined) return undefined;
    if (typeof v !== "string") {
      fail(at(k), `\`${k}\` must be a string`);
      return undefined;
    }
    return v;
  };
  const out = str("out");
  const templates = str("templates");
  if (templates !== undefined && !isFolder(resolve(base, templates))) fail(at("templates"), `no such templates folder: ${resolve(base, templates)}`);
  const failOn = str("fail-on");
  if (failOn !== undefined && !(FAIL_ON as readonly string[]).includes(failOn)) fail(at("fail-on"), `\`fail-on\` must be one of ${FAIL_ON.join(", ")}`);

  if (problems.length > 0) throw new ConfigError(file, problems.sort((a, b) => a.line - b.line || a.column - b.column));
  return {
    file,
    ...(targets !== undefined ? { targets } : {}),
    ...(profiles !== undefined ? { profiles } : {}),
    ...(out !== undefined ? { out: resolve(base, out) } : {}),
    ...(mappings !== undefined ? { mappings: Object.fromEntries(Object.entries(mappings).map(([id, f]) => [id, resolve(base, f)])) } : {}),
    ...(templates !== undefined ? { templates: resolve(base, templates) } : {}),
    ...(failOn !== undefined ? { failOn: failOn as FailOn } : {}),
  };
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
