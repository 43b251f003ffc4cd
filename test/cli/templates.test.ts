/**
 * Deploy-file templates (src/templates.ts): the build's precompiled bundled
 * templates render exactly what compiling the template text renders, and a
 * `--templates DIR` override replaces the bundled template.
 */
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { compiledPath, textDigest } from "../../src/compiled-assets.js";
import { TEMPLATE_OPTIONS } from "../../src/templates.js";
import { workdir } from "./output-tree.js";

const ROOT = join(import.meta.dirname, "..", "..");
const RULES = join(ROOT, "rules");
const SPLUNK_TEMPLATE = join(ROOT, "targets", "splunk", "templates", "savedsearches.conf.hbs");
const PRECOMPILED = compiledPath(ROOT, join("targets", "splunk", "templates", "savedsearches.conf.hbs"), ".cjs");
const quietIo = { out: () => {}, err: () => {} };

/** A context with every field the Splunk template reads, and characters HTML escaping would change. */
const CONTEXT = {
  stanzas: [
    {
      name: "a <rule> & 'more'",
      comments: ["first", "second \"quoted\""],
      description: "x & y < z",
      search: 'index=main process_name="cmd.exe" | where a<b',
      cron: "*/5 * * * *",
      earliest: "-9m",
      alertSeverity: 3,
      label: "L",
      annotations: '{"mitre_attack":["T1543"]}',
      severity: "medium",
      securityDomain: "endpoint",
    },
  ],
};

describe("bundled templates precompiled by the build", () => {
  it.runIf(existsSync(PRECOMPILED))("the Splunk template: made from the current text, renders what compiling it renders (needs the built dist/: npm ci or npm run build)", () => {
    const text = readFileSync(SPLUNK_TEMPLATE, "utf8");
    const pre = createRequire(import.meta.url)(PRECOMPILED) as { digest: string; spec: Parameters<typeof Handlebars.template>[0] };
    expect(pre.digest).toBe(textDigest(text));
    const viaRuntime = Handlebars.template(pre.spec);
    const viaCompiler = Handlebars.compile(text, TEMPLATE_OPTIONS);
    const rendered = viaCompiler(CONTEXT);
    expect(rendered).toContain("description = x & y < z");
    expect(viaRuntime(CONTEXT)).toBe(rendered);
    // strict: a field the template reads and the context lacks is an error in both
    const { severity: _, ...lacking } = CONTEXT.stanzas[0]!;
    expect(() => viaCompiler({ stanzas: [lacking] })).toThrow(/severity/);
    expect(() => viaRuntime({ stanzas: [lacking] })).toThrow(/severity/);
  });
});

describe("--templates DIR", () => {
  it("DIR/splunk/savedsearches.conf.hbs replaces the bundled Splunk template", async () => {
    const d = workdir("templates");
    mkdirSync(join(d, "tpl", "splunk"), { recursive: true });
    writeFileSync(join(d, "tpl", "splunk", "savedsearches.conf.hbs"), "# custom envelope\n{{#each stanzas}}[{{name}}]\nsearch = {{search}}\n{{/each}}");
    const code = await main(["convert", RULES, "--target", "splunk", "--out", join(d, "out"), "--templates", join(d, "tpl"), "--quiet"], quietIo, { writerModule: null });
    expect(code).toBe(0);
    const conf = readFileSync(join(d, "out", "splunk", "savedsearches.conf"), "utf8");
    expect(conf.startsWith("# custom envelope\n[")).toBe(true);
    expect(conf).not.toContain("enableSched");
    // the default run uses the bundled template
    const code2 = await main(["convert", RULES, "--target", "splunk", "--out", join(d, "out2"), "--quiet"], quietIo, { writerModule: null });
    expect(code2).toBe(0);
    expect(readFileSync(join(d, "out2", "splunk", "savedsearches.conf"), "utf8")).toContain("enableSched = 1");
  });
});
