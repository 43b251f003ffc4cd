/**
 * Handlebars envelopes of deploy files (targets/<id>/templates/*.hbs), with a
 * user override folder (`--templates DIR`: a file DIR/<target>/<name> replaces
 * the bundled one). Compiled with `noEscape` (HTML escaping would corrupt
 * queries) and `strict` (a missing field is an error, not an empty string),
 * once per process. Handlebars itself (with its compiler and source-map, some
 * 40 ms of start-up) is loaded on the first template, so runs that render none
 * (no Splunk bundle) do not pay for it.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type Handlebars from "handlebars";
import { packageRoot } from "./package-root.js";

const cache = new Map<string, Handlebars.TemplateDelegate>();
let handlebars: typeof Handlebars | null = null;

/** The compiled template `name` of a target, from the override folder if it has one. */
export function loadTemplate(targetId: string, name: string, overrideDir?: string | null): Handlebars.TemplateDelegate {
  const override = overrideDir ? join(overrideDir, targetId, name) : null;
  const file = override && existsSync(override) ? override : join(packageRoot(), "targets", targetId, "templates", name);
  let t = cache.get(file);
  if (!t) {
    handlebars ??= createRequire(import.meta.url)("handlebars") as typeof Handlebars;
    t = handlebars.compile(readFileSync(file, "utf8"), { noEscape: true, strict: true });
    cache.set(file, t);
  }
  return t;
}
