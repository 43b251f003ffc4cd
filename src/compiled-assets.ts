/**
 * Bundled data the build prepares so that a run does not parse it again
 * (scripts/build-assets.mjs): mapping files as JSON, templates precompiled.
 * Each compiled file carries the digest of the text it was made from and is
 * used only while that text is unchanged, so an edited source is never read
 * stale (it is then parsed at run time, as without a build).
 */
import { createHash } from "node:crypto";
import { join } from "node:path";

/** The digest a compiled file must carry: of the source text it was made from. */
export function textDigest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Where the build keeps the compiled form of `source` (a path relative to the package root), with extension `ext`. */
export function compiledPath(root: string, source: string, ext: ".json" | ".cjs"): string {
  return join(root, "dist", "assets", `${source}${ext}`);
}
