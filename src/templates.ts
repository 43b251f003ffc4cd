/**
 * Handlebars envelopes of deploy files (targets/<id>/templates/*.hbs), with a
 * user override folder (`--templates DIR`: a file DIR/<target>/<name> replaces
 * the bundled one). Compiled with `noEscape` (HTML escaping would corrupt
 * queries) and `strict` (a missing field is an error, not an empty string),
 * once per process.
 *
 * `npm run build` precompiles the bundled templates (src/compiled-assets.ts): a
 * bundled template then needs only Handlebars' runtime (some 15 ms to load), not
 * its compiler (40 ms, plus compiling the template). An override folder's
 * templates, and a bundled one edited since the build, are compiled here.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type Handlebars from "handlebars";
import { compiledPath, textDigest } from "./compiled-assets.js";
import { packageRoot } from "./package-root.js";

/** Options every template is compiled with, here and by the build. */
export const TEMPLATE_OPTIONS = { noEscape: true, strict: true } as const;

const cache = new Map<string, Handlebars.TemplateDelegate>();
const require = createRequire(import.meta.url);
let handlebars: typeof Handlebars | null = null;

/** The compiled template `name` of a target, from the override folder if it has one. */
export function loadTemplate(targetId: string, name: string, overrideDir?: string | null): Handlebars.TemplateDelegate {
  const override = overrideDir ? join(overrideDir, targetId, name) : null;
  const root = packageRoot();
  const bundled = join("targets", targetId, "templates", name);
  const file = override && existsSync(override) ? override : join(root, bundled);
  let t = cache.get(file);
  if (!t) {
    const text = readFileSync(file, "utf8");
    const pre = file === override ? null : compiledPath(root, bundled, ".cjs");
    const compiled = pre && existsSync(pre) ? (require(pre) as { digest: string; spec: Parameters<typeof Handlebars.template>[0] }) : null;
    if (compiled && compiled.digest === textDigest(text)) {
      t = (require("handlebars/runtime") as typeof Handlebars).template(compiled.spec);
    } else {
      handlebars ??= require("handlebars") as typeof Handlebars;
      t = handlebars.compile(text, TEMPLATE_OPTIONS);
    }
    cache.set(file, t);
  }
  return t;
}
