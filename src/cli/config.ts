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
 * Relative paths in the file are relative to the file's folder.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { jsYaml } from "../yaml/load.js";
import { UsageError } from "./args.js";

export interface Config {
  readonly file: string;
  readonly targets?: readonly string[] | "all";
  readonly profiles?: Readonly<Record<string, string>>;
  readonly out?: string;
  readonly mappings?: Readonly<Record<string, string>>;
  readonly templates?: string;
  readonly failOn?: string;
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

function stringMap(file: string, key: string, v: unknown, base: string | null): Record<string, string> {
  if (!isRecord(v)) throw new UsageError(`${file}: \`${key}\` must map target ids to strings`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== "string") throw new UsageError(`${file}: \`${key}.${k}\` must be a string`);
    out[k] = base ? resolve(base, x) : x;
  }
  return out;
}

/** Loads and validates a config file; errors are usage errors naming the file. */
export function loadConfig(file: string): Config {
  let data: unknown;
  try {
    data = jsYaml().load(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`cannot read config ${file}: ${(e as Error).message.split("\n")[0]}`);
  }
  if (data === null || data === undefined) return { file };
  if (!isRecord(data)) throw new UsageError(`${file}: a config file must be a YAML mapping`);
  for (const k of Object.keys(data)) if (!KEYS.includes(k)) throw new UsageError(`${file}: unknown key \`${k}\` (expected ${KEYS.join(", ")})`);
  const base = dirname(file);
  const t = data["targets"];
  let targets: Config["targets"];
  if (t === "all") targets = "all";
  else if (Array.isArray(t) && t.every((x) => typeof x === "string")) targets = t;
  else if (typeof t === "string") targets = t.split(",");
  else if (t !== undefined) throw new UsageError(`${file}: \`targets\` must be "all" or a list of target ids`);
  const str = (k: string): string | undefined => {
    const v = data[k];
    if (v === undefined) return undefined;
    if (typeof v !== "string") throw new UsageError(`${file}: \`${k}\` must be a string`);
    return v;
  };
  const out = str("out");
  const templates = str("templates");
  return {
    file,
    ...(targets !== undefined ? { targets } : {}),
    ...(data["profiles"] !== undefined ? { profiles: stringMap(file, "profiles", data["profiles"], null) } : {}),
    ...(out !== undefined ? { out: resolve(base, out) } : {}),
    ...(data["mappings"] !== undefined ? { mappings: stringMap(file, "mappings", data["mappings"], base) } : {}),
    ...(templates !== undefined ? { templates: resolve(base, templates) } : {}),
    ...(str("fail-on") !== undefined ? { failOn: str("fail-on") as string } : {}),
  };
}
