#!/usr/bin/env node
// osquery target conformance over a corpus (default ../shared/corpus/elastic-detection-rules):
// per profile and platform, ok / unsupported / error counts; every emitted SQL prepared by
// SQLite (sql.js) over osquery's tables with osquery's functions (failures must be 0); and
// semantic agreement on a sample: the evaluator's generated events become table rows, the
// query runs, and the rows returned must be exactly the events the evaluator matches.
// Usage: npm run build && node scripts/conformance-osquery.mjs [corpus-dir] [--sample N] [--seed S] [--verbose] [--write-floor]
// Exit 1 when an output fails to prepare, a sampled rule disagrees, a rule throws, or (on the
// default corpus) a profile's ok count falls below targets/osquery/conformance-floor.json.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { corpusDir, root, ruleFiles } from "./lib/corpus.mjs";

const dist = join(root, "dist");
if (!existsSync(join(dist, "targets", "osquery", "testing", "sqlite.js"))) {
  console.error("conformance-osquery: run `npm run build` first (dist/ is missing the osquery target)");
  process.exit(2);
}
const { parseRule, convertParsed, bundledMapping } = await import(join(dist, "src", "compile.js"));
const { osquery } = await import(join(dist, "targets", "osquery", "index.js"));
const { openOsqueryDb, prepareError } = await import(join(dist, "targets", "osquery", "testing", "sqlite.js"));
const { checkAgreement } = await import(join(dist, "targets", "osquery", "testing", "semantics.js"));
const { generateEvents } = await import(join(dist, "src", "eval", "generate.js"));
const { factsOf } = await import(join(dist, "src", "mapping", "index.js"));

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const verbose = args.includes("--verbose");
const writeFloor = args.includes("--write-floor");
const okCounts = {};
const sampleMax = Number(opt("--sample", "1000"));
const seed = Number(opt("--seed", "1"));
const corpus = corpusDir(args, "conformance-osquery", ["--sample", "--seed"]);
const files = ruleFiles(corpus);

const t0 = performance.now();
const parsed = files.map((f) => {
  const rel = relative(corpus, f);
  return { rel, p: parseRule(rel, readFileSync(f, "utf8")) };
});
const parsedOk = parsed.filter((x) => x.p.parseStatus === "ok" && x.p.ir);
console.log(`conformance-osquery: ${files.length} rule files, ${parsedOk.length} parse (${parsed.length - parsedOk.length} do not: not counted below)`);

const db = await openOsqueryDb();
let failed = false;
const OS_PLATFORM = { windows: "windows", linux: "linux", macos: "darwin" };
// Warnings that announce a lossy translation: such rules are checked too, but a
// disagreement there is the announced approximation, reported and not a failure.
const APPROXIMATIONS = new Set(["OSQUERY102", "OSQUERY103", "OSQUERY208", "OSQUERY213"]);
for (const profile of osquery.profiles.map((p) => p.name)) {
  const mapping = bundledMapping(osquery, profile);
  const byPlatform = new Map();
  const reasons = new Map();
  const warnings = new Map();
  const prepareFailures = [];
  const throws = [];
  const okRules = [];
  for (const { rel, p } of parsedOk) {
    const o = convertParsed(p, { target: osquery, profile, mapping }, rel.replace(/\.toml$/, ""));
    const entries = Array.isArray(o.result.bundleEntry) ? o.result.bundleEntry : o.result.bundleEntry ? [o.result.bundleEntry] : [];
    let platform = entries.length > 1 ? "split" : entries[0]?.platform;
    if (!platform) {
      const q = p.ir.query.kind === "event" ? p.ir.query : p.ir.query.terms[0]?.query;
      const os = q ? [...factsOf(q, p.ir, p.document).os] : [];
      platform = os.length === 1 ? (OS_PLATFORM[os[0]] ?? os[0]) : os.length > 1 ? "several" : "unknown";
    }
    const row = byPlatform.get(platform) ?? { ok: 0, unsupported: 0, error: 0 };
    row[o.status]++;
    byPlatform.set(platform, row);
    for (const d of o.result.diagnostics) {
      if (d.code === "INTERNAL") throws.push(`${rel}: ${d.message.split("\n")[0]}`);
      if (o.status !== "ok" && d.severity === "error") reasons.set(d.code, (reasons.get(d.code) ?? 0) + 1);
      if (o.status === "ok" && d.severity === "warning") warnings.set(d.code, (warnings.get(d.code) ?? 0) + 1);
    }
    if (o.status === "ok") {
      const err = prepareError(db, o.result.text);
      if (err) prepareFailures.push(`${rel}: ${err}`);
      const approx = o.result.diagnostics.filter((d) => APPROXIMATIONS.has(d.code)).map((d) => d.code);
      // A rule split per platform is checked per platform: that platform's query and source.
      const parts = entries.length > 1 ? entries.map((e) => ({ sql: e.query, os: e.os })) : [{ sql: o.result.text, os: undefined }];
      okRules.push({ rel, p, parts, approx: [...new Set(approx)] });
    }
  }
  const tot = { ok: 0, unsupported: 0, error: 0 };
  console.log(`\nprofile ${profile}`);
  console.log("platform      total     ok  unsupp.  error   ok-rate");
  for (const [pl, v] of [...byPlatform].sort((a, b) => a[0].localeCompare(b[0]))) {
    const t = v.ok + v.unsupported + v.error;
    for (const k of Object.keys(tot)) tot[k] += v[k];
    console.log(`${pl.padEnd(12)} ${String(t).padStart(6)} ${String(v.ok).padStart(6)} ${String(v.unsupported).padStart(8)} ${String(v.error).padStart(6)}   ${((100 * v.ok) / t).toFixed(1)}%`);
  }
  const all = tot.ok + tot.unsupported + tot.error;
  okCounts[profile] = tot.ok;
  console.log(`${"TOTAL".padEnd(12)} ${String(all).padStart(6)} ${String(tot.ok).padStart(6)} ${String(tot.unsupported).padStart(8)} ${String(tot.error).padStart(6)}   ${((100 * tot.ok) / all).toFixed(1)}%`);
  console.log(`top reasons (rules not ok, by error code): ${[...reasons].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([c, n]) => `${c} ${n}`).join(", ")}`);
  console.log(`warnings on ok rules (by code): ${[...warnings].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(", ") || "none"}`);
  console.log(`prepare: ${okRules.length - prepareFailures.length}/${okRules.length} outputs prepare in SQLite`);
  for (const f of prepareFailures) console.error(`  PREPARE FAILED ${f}`);
  for (const t of throws) console.error(`  THREW ${t}`);
  if (prepareFailures.length || throws.length) failed = true;

  // Semantic agreement on a deterministic sample of converted plain rules.
  const plain = okRules.filter((r) => r.p.ir.detection.kind === "plain" && r.p.ir.query.kind === "event");
  const step = Math.max(1, Math.ceil(plain.length / sampleMax));
  const sample = plain.filter((_, i) => i % step === 0);
  let agreed = 0;
  let exact = 0;
  let approxAgreed = 0;
  let events = 0;
  let inserted = 0;
  let matched = 0;
  const disagreements = [];
  const approxDisagreements = [];
  for (const r of sample) {
    const gen = generateEvents(r.p.ir, { seed });
    const evs = gen.events.filter((e) => !e._stream).map(({ _expect, ...e }) => e);
    const sdb = await openOsqueryDb();
    if (r.approx.length === 0) exact++;
    try {
      let agree = true;
      const lines = [];
      for (const part of r.parts) {
        const pdb = r.parts.length > 1 ? await openOsqueryDb() : sdb;
        try {
          const a = checkAgreement(pdb, part.sql, evs, r.p.ir, r.p.document, mapping, part.os);
          events += evs.length;
          inserted += a.inserted;
          matched += a.expected.length;
          if (!a.agree) {
            agree = false;
            lines.push(`${r.rel}${part.os ? ` (${part.os})` : ""}: evaluator ${JSON.stringify(a.expected)} vs SQLite ${JSON.stringify(a.got)}`);
          }
          if (verbose && a.skipped.length) console.log(`  ${r.rel}${part.os ? ` (${part.os})` : ""}: skipped ${a.skipped.map((s) => `#${s.index} ${s.reason}`).join("; ")}`);
        } finally {
          if (pdb !== sdb) pdb.close();
        }
      }
      if (agree) r.approx.length === 0 ? agreed++ : approxAgreed++;
      else if (r.approx.length === 0) disagreements.push(...lines);
      else approxDisagreements.push(...lines.map((l) => `${l} (announced: ${r.approx.join(", ")})`));
    } catch (e) {
      disagreements.push(`${r.rel}: ${e.message}`);
    } finally {
      sdb.close();
    }
  }
  console.log(`semantics: sample of ${sample.length} of ${plain.length} converted plain rules; ${events} generated events, ${inserted} representable as rows, ${matched} matching`);
  console.log(`  exact translations: ${agreed}/${exact} agree`);
  console.log(`  with announced approximations (${[...APPROXIMATIONS].join(", ")}): ${approxAgreed}/${sample.length - exact} agree anyway`);
  for (const d of disagreements) console.error(`  DISAGREE ${d}`);
  if (verbose) for (const d of approxDisagreements) console.log(`  approximate: ${d}`);
  if (disagreements.length) failed = true;
}
// The floor: ok counts per profile on the default corpus may only go up.
const floorFile = join(root, "targets", "osquery", "conformance-floor.json");
const defaultCorpus = !args.some((a, i) => !a.startsWith("--") && !["--sample", "--seed"].includes(args[i - 1] ?? ""));
if (defaultCorpus) {
  if (writeFloor) writeFileSync(floorFile, JSON.stringify({ corpus: "elastic-detection-rules", ok: okCounts }, null, 2) + "\n");
  if (existsSync(floorFile)) {
    const floor = JSON.parse(readFileSync(floorFile, "utf8"));
    for (const [profile, min] of Object.entries(floor.ok ?? {})) {
      if ((okCounts[profile] ?? 0) < min) {
        console.error(`\nprofile ${profile}: ${okCounts[profile] ?? 0} rules ok, below the floor ${min} (${relative(root, floorFile)})`);
        failed = true;
      }
    }
  }
}
console.log(`\nconformance-osquery: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
