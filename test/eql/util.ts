/** Test helpers for the EQL frontend. */
import { expect } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEql, type EqlParse } from "../../src/frontend/eql/index.js";
import { standaloneSource } from "../../src/frontend/source.js";
import type { Diagnostic } from "../../src/diagnostics/index.js";
import type { Condition, MatchValue, Pattern, PatternPart, Value } from "../../src/ir/nodes.js";

/** Deep copy without any `span` keys, for comparing IR modulo positions. */
export function stripSpans<T>(x: T): T {
  if (Array.isArray(x)) return x.map(stripSpans) as T;
  if (x !== null && typeof x === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (k !== "span") o[k] = stripSpans(v);
    return o as T;
  }
  return x;
}

/** Parses a standalone query; fails the test on any error. */
export function parseOk(q: string): EqlParse {
  const r = parseEql(standaloneSource(q));
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || !r.value) throw new Error(`expected ${q} to parse, got:\n${errors.map((d) => `${d.code} ${d.message}`).join("\n")}`);
  return r.value;
}

/** The condition of `process where <cond>`, spans stripped. */
export function cond(c: string): unknown {
  const v = parseOk(`process where ${c}`);
  if (v.query.kind !== "event") throw new Error("not an event query");
  return stripSpans(v.query.condition);
}

/** Diagnostics of a query that must fail. */
export function parseErrors(q: string): readonly Diagnostic[] {
  const r = parseEql(standaloneSource(q));
  expect(r.value).toBeNull();
  expect(r.diagnostics.some((d) => d.severity === "error")).toBe(true);
  return r.diagnostics;
}

// IR builders without spans (the shapes tests expect).
export const field = (path: string, optional = false) => ({ kind: "field", path, optional, wildcard: false });
export const str = (value: string) => ({ kind: "string", value });
export const num = (value: number, raw = String(value), integer = Number.isInteger(value)) => ({ kind: "number", value, raw, integer });
export const bool = (value: boolean) => ({ kind: "boolean", value });
export const text = (value: string): PatternPart => ({ kind: "text", value });
export const ANY: PatternPart = { kind: "any" };
export const ONE: PatternPart = { kind: "one" };
export const pat = (...parts: PatternPart[]) => ({ kind: "pattern", parts }) as unknown as Omit<Pattern, "span">;
export const match = (subject: unknown, values: unknown[], caseSensitive: boolean, operator: string) => ({ kind: "match", subject, values, caseSensitive, operator });
export const not = (operand: unknown) => ({ kind: "not", operand });
export const and = (...operands: unknown[]) => ({ kind: "and", operands });
export const or = (...operands: unknown[]) => ({ kind: "or", operands });
export const test_ = (value: unknown) => ({ kind: "test", value });
export const call = (name: string, args: unknown[], caseInsensitive = false) => ({ kind: "call", name, args, caseInsensitive });
export const exists = (subject: unknown) => ({ kind: "exists", subject });
export type { Condition, MatchValue, Value };

/** The corpus, if this machine has it (tests that need it are skipped otherwise). */
export function corpusDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const c of [resolve(here, "../../../shared/corpus/elastic-detection-rules"), "/work/shared/corpus/elastic-detection-rules"]) {
    if (existsSync(c)) return c;
  }
  return null;
}

/** Entries of test/fixtures/eql-identity.txt (format described at its top). */
export function readIdentityFixtures(): string[] {
  const text = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures/eql-identity.txt"), "utf8");
  return text
    .split(/\n[ \t]*\n/)
    .map((e) =>
      e
        .split("\n")
        .filter((l) => !l.startsWith("#"))
        .join("\n")
        .trim(),
    )
    .filter((e) => e.length > 0);
}


/**
 * IR invariants every parse must satisfy: and/or flattened with 2+ operands,
 * normalised patterns (no empty or adjacent text parts), every span inside
 * [0, fileLength] with start <= end. Returns the violations found.
 */
export function irViolations(root: unknown, fileLength: number): string[] {
  const out: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => visit(n, `${path}[${i}]`));
      return;
    }
    if (node === null || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    const span = n["span"] as { start: number; end: number } | undefined;
    if (span && !(span.start >= 0 && span.start <= span.end && span.end <= fileLength)) out.push(`${path}: span ${JSON.stringify(span)} outside [0, ${fileLength}]`);
    const kind = n["kind"];
    if (kind === "and" || kind === "or") {
      const ops = n["operands"] as { kind: string }[];
      if (ops.length < 2) out.push(`${path}: ${kind} with ${ops.length} operand(s)`);
      if (ops.some((o) => o.kind === kind)) out.push(`${path}: ${kind} directly inside ${kind}`);
    }
    if (kind === "pattern") {
      const parts = n["parts"] as { kind: string; value?: string }[];
      parts.forEach((p, i) => {
        if (p.kind === "text" && p.value === "") out.push(`${path}: empty text part`);
        if (p.kind === "text" && parts[i + 1]?.kind === "text") out.push(`${path}: adjacent text parts`);
      });
    }
    for (const [k, v] of Object.entries(n)) if (k !== "span") visit(v, `${path}.${k}`);
  };
  visit(root, "ir");
  return out;
}
