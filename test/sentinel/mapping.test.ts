/**
 * The bundled mappings are data the target trusts: every source's emit is well formed,
 * every column it maps to exists in the table or ASIM function it reads (or is one of
 * its computed columns), and its computed columns, filter and entity columns analyse
 * cleanly with the Kusto parser.
 */
import { describe, expect, it } from "vitest";
import { bundledMapping } from "../../src/compile.js";
import { parseMapping } from "../../src/mapping/index.js";
import { readEmit } from "../../targets/sentinel/emit.js";
import { sentinel } from "../../targets/sentinel/index.js";
import { analyzeKql } from "../../targets/sentinel/kusto-check.js";
import { kqlIdent } from "../../targets/sentinel/literal.js";
import { columnsOf, parametersOf } from "../../targets/sentinel/schema.js";

describe.each(sentinel.profiles.map((p) => p.name))("fields/%s.yaml", (profile) => {
  const spec = bundledMapping(sentinel, profile);
  it.each(spec.sources.map((s) => [s.id, s] as const))("source %s", (_id, source) => {
    const { emit, diagnostics } = readEmit(source, { start: 0, end: 0 });
    expect(diagnostics).toEqual([]);
    if (!emit) return;
    const cols = columnsOf(emit.name);
    expect(cols, `${emit.name} is in schema/kql-schema.json`).not.toBeNull();
    const known = new Set([...Object.keys(cols ?? {}), ...Object.keys(emit.extend)]);
    for (const [ecs, fm] of [...spec.fields, ...source.fields]) for (const to of fm.to) expect(known.has(to), `${ecs} -> ${to}`).toBe(true);
    if (emit.isFunction) for (const p of Object.keys(emit.params)) expect(parametersOf(emit.name)).toContain(p);
    const src = emit.isFunction ? `${emit.name}(${Object.entries(emit.params).map(([k, v]) => `${k}=${v}`).join(", ")})` : emit.name;
    const steps = [src];
    if (emit.filter) steps.push(`where ${emit.filter}`);
    const ext = Object.entries(emit.extend).map(([k, v]) => `${kqlIdent(k)} = ${v}`);
    if (ext.length) steps.push(`extend ${ext.join(", ")}`);
    const entityCols = Object.values(emit.entities).flatMap((ids) => Object.values(ids));
    for (const c of entityCols) expect(Object.hasOwn(cols ?? {}, c), `entity column ${c}`).toBe(true);
    if (entityCols.length) steps.push(`project ${[...new Set(entityCols)].join(", ")}`);
    expect(analyzeKql(steps.join(" | "))).toEqual([]);
  });
});

describe("sources shared by both profiles", () => {
  it("cloud, Windows Security, PowerShell and syslog sources are the same data in asim and mde", () => {
    const shared = (profile: string) =>
      bundledMapping(sentinel, profile).sources.filter((s) => /^(cloud_|windows_security|powershell_|syslog)/.test(s.id));
    const a = shared("asim");
    const m = shared("mde");
    expect(a.map((s) => s.id)).toEqual(m.map((s) => s.id));
    expect(a.length).toBeGreaterThan(10);
    for (let i = 0; i < a.length; i++) {
      expect(a[i]!.emit).toEqual(m[i]!.emit);
      expect([...a[i]!.fields]).toEqual([...m[i]!.fields]);
      expect([...a[i]!.implied]).toEqual([...m[i]!.implied]);
    }
  });
});

describe("an invalid emit (a user's mapping)", () => {
  // the mapping loader treats `emit` as opaque, so a user's file with this source loads
  const text = "sources:\n  - id: broken\n    emit: { table: DeviceProcessEvents, function: imProcessCreate, types: { Nope: long } }\n";
  const source = parseMapping("mine.yaml", text).sources[0]!;
  it("is an error (SENTINEL002) per problem at the span of every query that reaches it, not only the first", () => {
    for (const span of [{ start: 3, end: 9 }, { start: 40, end: 52 }]) {
      const { emit, diagnostics } = readEmit(source, span);
      expect(emit).toBeNull();
      expect(diagnostics.map((d) => [d.code, d.span])).toEqual([
        ["SENTINEL002", span],
        ["SENTINEL002", span],
      ]);
      expect(diagnostics.map((d) => d.message).join("\n")).toMatch(/exactly one of `table` or `function`[\s\S]*`types` names `Nope`/);
    }
  });
});
