import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { textDigest } from "../../src/compiled-assets.js";
import { bundledMappingData, loadMappingYaml, mappingFromData, parseMapping } from "../../src/mapping/index.js";

const root = join(import.meta.dirname, "..", "..");
const TEXT = "unmapped: warn\nfields:\n  process.name: Image\n";

describe("compiled bundled mappings (src/compiled-assets.ts, scripts/build-assets.mjs)", () => {
  it("reads the compiled JSON when its digest is the YAML text's", () => {
    // data deliberately different from the YAML: proves which one was read
    const compiled = JSON.stringify({ digest: textDigest(TEXT), data: { fields: { "process.name": "FromJson" } } });
    expect(bundledMappingData("m.yaml", TEXT, compiled)).toEqual({ fields: { "process.name": "FromJson" } });
  });

  it("ignores a compiled JSON made from other text (an edited YAML is never read stale)", () => {
    const compiled = JSON.stringify({ digest: textDigest(TEXT + "# edited\n"), data: { fields: { "process.name": "Stale" } } });
    expect(bundledMappingData("m.yaml", TEXT, compiled)).toEqual({ unmapped: "warn", fields: { "process.name": "Image" } });
    expect(bundledMappingData("m.yaml", TEXT, null)).toEqual({ unmapped: "warn", fields: { "process.name": "Image" } });
  });

  const files = readdirSync(join(root, "targets"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      try {
        return readdirSync(join(root, "targets", d.name, "fields"))
          .filter((n) => n.endsWith(".yaml"))
          .map((n) => join("targets", d.name, "fields", n));
      } catch {
        return [];
      }
    });

  it("finds the bundled mapping files", () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  it.each(files)("%s: JSON holds its data exactly, and the spec from the data equals the spec from the YAML", (file) => {
    const text = readFileSync(join(root, file), "utf8");
    const data = loadMappingYaml(file, text);
    const viaJson = JSON.parse(JSON.stringify(data)) as unknown;
    expect(viaJson).toStrictEqual(data);
    expect(mappingFromData(file, viaJson, text)).toStrictEqual(parseMapping(file, text));
  });
});
