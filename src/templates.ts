/**
 * Handlebars envelopes of deploy files (targets/<id>/templates/*.hbs), with a
 * user override folder (`--templates DIR`: a file DIR/<target>/<name> replaces
 * the bundled one). Compiled with `noEscape` (HTML escaping would corrupt
 * queries) and `strict` (a missing field is an error, not an empty string),
 * once per process.
 *
 * `npm run build` (scripts/build-assets.mjs) precompiles the bundled templates
 * into dist/templates/: a bundled template then needs only Handlebars' runtime
 * (some 15 ms to load), not its compiler (40 ms, plus compiling the template).
 * The precompiled one is used only when it was made from the very text of the
 * template file (same digest); an override folder's templates are compiled here.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type Handlebars from "handlebars";
import { packageRoot } from "./package-root.js";

/** Options every template is compiled with, here and by the build. */
export const TEMPLATE_OPTIONS = { noEscape: true, strict: true } as const;

const cache = new Map<string, Handlebars.TemplateDelegate>();
const require = createRequire(import.meta.url);
let handlebars: typeof Handlebars | null = null;

/** Where the build keeps a bundled template, precompiled (a CommonJS module exporting `{ digest, spec }`). */
export function precompiledTemplatePath(root: string, targetId: string, name: string): string {
  return join(root, "dist", "templates", targetId, `${name}.cjs`);
}

/** A template text's digest, which its precompiled form must carry to be used. */
export function templateDigest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The compiled template `name` of a target, from the override folder if it has one. */
export function loadTemplate(targetId: string, name: string, overrideDir?: string | null): Handlebars.TemplateDelegate {
  const override = overrideDir ? join(overrideDir, targetId, name) : null;
  const root = packageRoot();
  const file = override && existsSync(override) ? override : join(root, "targets", targetId, "templates", name);
  let t = cache.get(file);
  if (!t) {
    const text = readFileSync(file, "utf8");
    const pre = file === override ? null : precompiledTemplatePath(root, targetId, name);
    const compiled = pre && existsSync(pre) ? (require(pre) as { digest: string; spec: Parameters<typeof Handlebars.template>[0] }) : null;
    if (compiled && compiled.digest === templateDigest(text)) {
      t = (require("handlebars/runtime") as typeof Handlebars).template(compiled.spec);
    } else {
      handlebars ??= require("handlebars") as typeof Handlebars;
      t = handlebars.compile(text, TEMPLATE_OPTIONS);
    }
    cache.set(file, t);
  }
  return t;
}
