/**
 * Conditions a source rules out (targets/sentinel/exclusive.ts). A source's `implied`
 * values of a single-valued field (`emit.exclusive`) are the only values its events
 * have: Elastic Defend's process events have `data_stream.dataset`
 * "endpoint.events.process" and `event.action` "start" (Windows) or "exec"
 * (Linux/macOS), so a condition asking for another data set or action is false on
 * them, while `event.type` (an array in ECS) is never decided this way.
 */
import { describe, expect, it } from "vitest";
import type { SourceSpec } from "../../src/mapping/index.js";
import { decideExclusive } from "../../targets/sentinel/exclusive.js";
import { convert, rule as ruleText } from "./rule-text.js";
import { and, exists, match, not, or, pat, any, text, str } from "./ir.js";

const source: SourceSpec = {
  id: "proc",
  when: {},
  implied: new Map([
    ["data_stream.dataset", ["endpoint.events.process"]],
    ["event.action", ["start", "exec"]],
    ["event.type", ["start"]],
  ]),
  emit: {},
  unmapped: null,
  fields: new Map(),
};
const EXCL = ["data_stream.dataset", "event.action"];
const FALSE = { kind: "test", value: { kind: "boolean", value: false } };
const TRUE = { kind: "test", value: { kind: "boolean", value: true } };

describe("decideExclusive", () => {
  it("a value that is none of the implied ones is false; an implied one is left to the mapping", () => {
    expect(decideExclusive(match("data_stream.dataset", [str("crowdstrike.fdr")]), source, EXCL).condition).toMatchObject(FALSE);
    const kept = match("data_stream.dataset", [str("endpoint.events.process"), str("windows.sysmon")]);
    expect(decideExclusive(kept, source, EXCL).condition).toBe(kept);
  });
  it("case: `==` is case-sensitive, `:` is not; wildcards are tested against the implied values", () => {
    expect(decideExclusive(match("event.action", [str("EXEC")], true), source, EXCL).condition).toMatchObject(FALSE);
    const insensitive = match("event.action", [str("EXEC")], false);
    expect(decideExclusive(insensitive, source, EXCL).condition).toBe(insensitive);
    const wild = match("event.action", [pat(text("ex"), any)]);
    expect(decideExclusive(wild, source, EXCL).condition).toBe(wild);
    expect(decideExclusive(match("event.action", [pat(text("fork"), any)]), source, EXCL).decided).toHaveLength(1);
  });
  it("multi-valued fields and fields outside `exclusive` are never decided", () => {
    const t = match("event.type", [str("end")]);
    expect(decideExclusive(t, source, EXCL).condition).toBe(t);
    expect(decideExclusive(t, source, [...EXCL]).decided).toEqual([]);
  });
  it("inside `not` and `or` the leaf becomes false and the rest stays for the mapping pass; existence is true", () => {
    const a = match("process.name", [str("cmd.exe")]);
    const c = not(and(match("data_stream.dataset", [str("crowdstrike.fdr")]), a));
    const r = decideExclusive(c, source, EXCL);
    expect(r.condition).toMatchObject({ kind: "not", operand: { kind: "and", operands: [FALSE, a] } });
    expect(r.decided.map((d) => d.field)).toEqual(["data_stream.dataset"]);
    expect(decideExclusive(or(exists("event.action"), a), source, EXCL).condition).toMatchObject({ kind: "or", operands: [TRUE, a] });
  });
});

/** A process rule over Elastic Defend's process index. */
function rule(query: string, tags: string[] = []): string {
  return ruleText(query, { index: ["logs-endpoint.events.process-*"], tags });
}

describe.each(["asim", "mde"])("bundled process sources (%s)", (profile) => {
  it("an exception for another sensor's data set drops out, with a warning", () => {
    const r = convert(
      rule('process where host.os.type == "windows" and event.type == "start" and process.name : "nltest.exe" and\n  not (data_stream.dataset == "crowdstrike.fdr" and process.executable : "\\\\Device\\\\*")'),
      profile,
    );
    expect(r.status).toBe("ok");
    expect(r.codes).toContain("SENTINEL207");
    expect(r.text).not.toContain("\\\\Device");
    expect(r.text).not.toMatch(/crowdstrike/i);
    expect(r.text).toMatch(/nltest\.exe/);
  });
  it("a query only for events the source does not hold (Linux fork events) is unsupported", () => {
    const r = convert(rule('process where host.os.type == "linux" and event.action == "fork" and process.name : "bash"'), profile);
    expect(r.status).toBe("unsupported");
    expect(r.codes).toContain("SENTINEL208");
  });
  it("the source's own data set is still guaranteed (no warning)", () => {
    const r = convert(rule('process where host.os.type == "windows" and data_stream.dataset == "endpoint.events.process" and process.name : "nltest.exe"'), profile);
    expect(r.status).toBe("ok");
    expect(r.codes).not.toContain("SENTINEL207");
  });
});

describe.each(["asim", "mde"])("which failure is reported (%s)", (profile) => {
  it("when no source maps every field, the diagnostics are those of the source closest to it", () => {
    // imAuthentication (category authentication) comes first but lacks the Entra ID fields; the sign-in
    // source lacks only the GeoIP organisation name, so that is the field reported
    const o = convert(
      rule('any where data_stream.dataset : "azure.signinlogs" and event.category : "authentication" and azure.signinlogs.properties.is_interactive == false and source.as.organization.name : "X"'),
      profile,
    );
    expect(o.status).toBe("unsupported");
    expect(o.codes.filter((c) => c === "SENTINEL100")).toHaveLength(1);
    expect(o.messages.join("\n")).toMatch(/`source.as.organization.name` has no counterpart .*cloud_azure_signinlogs/);
  });
});
