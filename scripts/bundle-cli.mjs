#!/usr/bin/env node
// Part of `npm run build`, after tsc and build-assets: joins the compiled CLI and the
// modules it imports (dist/src/**, dist/targets/**) into one module,
// dist/src/cli/main.bundle.js, which bin/ruleport.js loads. Node 20 resolves, reads and
// compiles each of the CLI's ~100 modules on its own; one module starts some 60 ms sooner
// (README, "Speed"). Packages from node_modules stay imports of their own.
//
// The bundle sits beside main.js so that the URLs main.js makes from import.meta.url
// (its worker modules) still point at the compiled files. bin/ruleport.js uses the
// bundle only when it is at least as new as main.js: a build with tsc alone (which
// rewrites every output) makes the bundle stale, and the modules are used instead.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const engines = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines;

await build({
  entryPoints: [join(root, "dist/src/cli/main.js")],
  outfile: join(root, "dist/src/cli/main.bundle.js"),
  bundle: true,
  format: "esm",
  platform: "node",
  target: `node${engines.node.replace(/^>=/, "")}`,
  packages: "external",
  // not minified: an internal error's stack trace keeps the functions' names
  minify: false,
  legalComments: "none",
  logLevel: "warning",
});
console.log("bundle-cli: dist/src/cli/main.bundle.js");
