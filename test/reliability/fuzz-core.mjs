/**
 * The fuzzing core shared by the test suite (test/reliability/*.test.ts, which
 * passes the functions from src/) and `scripts/fuzz.mjs` (which passes the
 * same functions from dist/). Plain JavaScript so both can import it.
 *
 * A case is a seed text plus a list of mutation operations, kept as plain
 * objects so a counterexample prints readably and replays exactly.
 *
 * Invariants checked on every case (see docs/reliability.md):
 * - nothing throws, and no diagnostic has the code INTERNAL (a target bug
 *   that compile.ts caught);
 * - every error diagnostic has a span, and every span lies within the text
 *   (0 <= start <= end <= length), IR spans included;
 * - a target output is either null or its status is ok (and ok means an output);
 * - a parser returns a value exactly when it reported no error.
 */
import fc from "fast-check";

/** Upper bound on a mutated input, so a case cannot grow without bound. */
export const MAX_INPUT = 256 * 1024;

// ---------------------------------------------------------------------------
// Seed queries, written for this suite in the style of the corpus (Elastic
// detection rules): process/file/registry/network events, sequences, samples,
// functions, wildcards, raw strings, comments, KQL field:value, ranges, nested.
// ---------------------------------------------------------------------------

export const EQL_SEEDS = [
  'process where event.type == "start" and process.name : "cmd.exe"',
  'process where process.parent.name : ("winword.exe", "excel.exe") and process.name : ("powershell.exe", "pwsh.exe") and process.args : ("-enc", "-EncodedCommand")',
  'process where event.type in ("start", "process_started") and not process.executable : "?:\\\\Windows\\\\System32\\\\*.exe"',
  'file where event.action == "creation" and file.extension : ("vbs", "js", "hta") and file.path : "C:\\\\Users\\\\*\\\\AppData\\\\*"',
  'registry where registry.path : "HKEY_USERS\\\\*\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run\\\\*" and registry.data.strings != null',
  'network where destination.port in (445, 139) and not cidrmatch(destination.ip, "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")',
  'sequence by host.id with maxspan=1m [process where process.name == "sc.exe"] [process where process.parent.name == "services.exe"]',
  'sequence by host.id, user.name with maxspan=30s\n  [authentication where event.outcome == "failure"] with runs=5\n  [authentication where event.outcome == "success"]\nuntil [process where event.type == "end"]',
  'sample by host.id [process where process.name : "whoami.exe"] [process where process.name : "net.exe"]',
  'process where startsWith~(process.name, "PowerShell") and length(process.command_line) > 200',
  'process where stringContains(process.command_line, "http") and endsWith(process.executable, ".tmp")',
  'process where process.command_line regex~ ".*[a-z]{32}\\\\.exe.*" or process.hash.sha256 like~ "ab*"',
  'any where true | head 10',
  'process where process.pe.original_file_name == """C:\\Windows\\rundll32.exe""" // raw string\n and ?process.Ext.token.integrity_level_name == "system"',
  'file where /* block /* nested */ comment */ file.name : "*.dll" and file.size >= 1024 and file.size < 10485760',
  'process where process.args_count >= 2 and process.pid == 4 and process.parent.pid != -1 and 1.5 < 2e3',
  'network where `destination.geo.country-name` == "Neverland" and `a``b`.c == "x"',
  'process where add(process.pid, 1) == 5 and modulo(process.pid, 2) == 0 and number("0x1F", 16) == 31',
  'process where substring(process.name, 0, 3) == "cmd" and concat(process.name, ".", "x") : "*.x" and between(process.command_line, "a", "b") == ""',
  'sequence with maxspan=5m [ process where true ] by process.entity_id ![ file where true ] by process.entity_id [ network where true ] by process.entity_id',
  'library where dll.name : "vaultcli.dll" and process.name : "*" and process.name != null',
  'process where process.name in~ ("CMD.EXE", "cmd.exe") and process.name : "c?d.exe" | tail 3',
];

export const KQL_SEEDS = [
  'event.category:process and process.name:"cmd.exe"',
  'event.action:("user-login" or "logged-in") and not user.name:(root or admin)',
  'process.name:powershell.exe and process.args:(-enc or -EncodedCommand or "-e")',
  'file.path:C\\:\\\\Windows\\\\Temp\\\\* and file.extension:exe',
  'destination.port >= 1024 and destination.port < 65536 and source.ip:10.0.0.0/8',
  '@timestamp >= "now-30d" and event.outcome:failure',
  'aws.cloudtrail.user_identity.type:Root and event.action:ConsoleLogin and not aws.cloudtrail.flattened.additional_eventdata.MFAUsed:Yes',
  'process.*:"mimikatz" or "sekurlsa" or mimi*',
  'user.name:* and not user.domain:*',
  'items:{ name:banana and stock > 9 } or items.name:apple',
  'dns.question.name:*.onion and not dns.question.type:(PTR or TXT)',
  'message:"quoted \\"inner\\" text" and tags:\\(escaped\\)',
  'registry.path:HKLM\\\\SOFTWARE\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run* and event.type:(change or creation)',
  'not (a:1 or (b:2 and c:3)) and d<=4',
];

/** Tokens worth inserting into queries and rule files (grammar-aware mutation). */
const VOCAB = [
  "(", ")", "[", "]", "{", "}", '"', '"""', "'", "'''", "`", "\\", "\\\\", "\\u{", "\\u{110000}", "\\x", ",", ":", "==", "!=", "<", "<=", ">", ">=", "~", "*", "?", "|",
  " and ", " or ", " not ", " in ", " in~ ", " like ", " regex ", " where ", " by ", " with ", "maxspan=", "maxspan=5", "runs=", " until ", "sequence ", "sample ", "any ",
  " head ", " tail ", "-1", "0", "1e999", "99999999999999999999999999", "0.5", "-", "+", "/", "%", "/*", "*/", "//", "\n", "\r\n", "\t", "\u0000", "\u00a0", "\ufeff",
  "\ud800", "é", "𝔘", "null", "true", "false", "?field", "@timestamp", "startsWith(", "cidrMatch(", "length(", "=", "#", "[rule]", "[[rule.threat]]", 'query = """', "query = '''",
  'type = "eql"', 'language = "kuery"', "now-", "*:", "nested:{",
];

const HUGE_NUMBERS = [
  "1" + "0".repeat(400), "9007199254740993", "-9223372036854775809", "1e309", "-1e-400", "0x7fffffffffffffffffff", "0o777", "0b2", "inf", "nan", "-0",
  "1_000_000", "01", "1979-05-27T07:32:00Z", "99999999999999999999.999999999999999999",
];

/** Byte sequences that are not valid UTF-8 (decoded with replacement, as `readFileSync(f, "utf8")` does). */
const BAD_UTF8 = [[0xff], [0xfe, 0xff], [0xc0, 0x80], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80, 0x80, 0x80], [0xf0, 0x9f, 0x98]];

const at = fc.nat({ max: 9999 }).map((n) => n / 10000);
const insertText = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...VOCAB) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...VOCAB), { minLength: 2, maxLength: 8 }).map((a) => a.join("")) },
);

/** One mutation, as a plain object. `q` = restrict the position to the query's region of a rule file. */
export const mutationArb = (maxDepth) =>
  fc.oneof(
    fc.record({ op: fc.constant("truncate"), at, q: fc.boolean() }),
    fc.record({ op: fc.constant("delete-line"), at }),
    fc.record({ op: fc.constant("dup-line"), at }),
    fc.record({ op: fc.constant("swap-lines"), at, at2: at }),
    fc.record({ op: fc.constant("delete-token"), at, q: fc.boolean() }),
    fc.record({ op: fc.constant("dup-token"), at, q: fc.boolean() }),
    fc.record({ op: fc.constant("insert"), at, q: fc.boolean(), text: insertText }),
    fc.record({ op: fc.constant("replace-number"), at, with: fc.constantFrom(...HUGE_NUMBERS) }),
    fc.record({ op: fc.constant("nest"), at, at2: at, q: fc.boolean(), depth: fc.integer({ min: 1, max: maxDepth }), style: fc.constantFrom("paren", "not", "bracket", "brace", "toml-array", "toml-table") }),
    fc.record({ op: fc.constant("bad-utf8"), at, q: fc.boolean(), bytes: fc.constantFrom(...BAD_UTF8) }),
    fc.record({ op: fc.constant("repeat"), at, len: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 2, max: 2000 }) }),
    fc.record({ op: fc.constant("bom") }),
    fc.record({ op: fc.constant("crlf") }),
    fc.record({ op: fc.constant("cr-only") }),
  );

/**
 * A case: which seed, 1-4 mutations, and where they apply: `file` mutates the
 * whole text; `query` mutates only the query's content and writes it back as a
 * valid TOML string, so the case always reaches the query parser (and, when the
 * mutated query still parses, every target).
 */
export const caseArb = (seedCount, maxDepth = 2000) =>
  fc.record({
    seed: fc.nat({ max: seedCount - 1 }),
    ops: fc.array(mutationArb(maxDepth), { minLength: 1, maxLength: 4 }),
    scope: fc.constantFrom("file", "file", "query"),
  });

/** The [start, end) of the query string's content in a rule file, or the whole text. */
export function queryRegion(text) {
  const m = /^query\s*=\s*('''|"""|'|")/m.exec(text);
  if (!m) return [0, text.length];
  const start = m.index + m[0].length;
  const close = text.indexOf(m[1], start);
  return [start, close < 0 ? text.length : close];
}

function pick(text, frac, q) {
  if (!q) return Math.floor(frac * (text.length + 1));
  const [s, e] = queryRegion(text);
  return s + Math.floor(frac * (e - s + 1));
}

const TOKEN = /[A-Za-z0-9_.@$-]+|\s+|[\s\S]/g;
function tokens(text) {
  const out = [];
  TOKEN.lastIndex = 0;
  let m;
  while ((m = TOKEN.exec(text)) !== null) out.push([m.index, m.index + m[0].length]);
  return out;
}

function tokenAt(text, frac, q) {
  const p = pick(text, frac, q);
  const toks = tokens(text);
  let best = toks[0] ?? [0, 0];
  for (const t of toks) if (t[0] <= p) best = t;
  return best;
}

function lineBounds(text) {
  const out = [];
  let s = 0;
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") out.push([s, i + 1]), (s = i + 1);
  if (s < text.length) out.push([s, text.length]);
  return out;
}

function nestAround(text, a, b, depth, style) {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  switch (style) {
    case "paren":
      return text.slice(0, lo) + "(".repeat(depth) + text.slice(lo, hi) + ")".repeat(depth) + text.slice(hi);
    case "not":
      return text.slice(0, lo) + "not ".repeat(depth) + text.slice(lo);
    case "bracket":
      return text.slice(0, lo) + "[".repeat(depth) + text.slice(lo, hi) + "]".repeat(depth) + text.slice(hi);
    case "brace":
      return text.slice(0, lo) + "x:{".repeat(depth) + text.slice(lo, hi) + "}".repeat(depth) + text.slice(hi);
    case "toml-array":
      return `deep = ${"[".repeat(depth)}1${"]".repeat(depth)}\n` + text;
    case "toml-table":
      return text + `\n[rule.deep]\nx = ${"{a = ".repeat(depth)}1${" }".repeat(depth)}\n`;
    default:
      throw new Error(`internal error: unknown nest style ${style}`);
  }
}

/** Applies one mutation. Pure and deterministic. */
export function applyMutation(text, m) {
  switch (m.op) {
    case "truncate":
      return text.slice(0, pick(text, m.at, m.q));
    case "delete-line":
    case "dup-line": {
      const lines = lineBounds(text);
      if (lines.length === 0) return text;
      const [s, e] = lines[Math.min(lines.length - 1, Math.floor(m.at * lines.length))];
      return m.op === "delete-line" ? text.slice(0, s) + text.slice(e) : text.slice(0, e) + text.slice(s, e) + text.slice(e);
    }
    case "swap-lines": {
      const lines = lineBounds(text).map(([s, e]) => text.slice(s, e));
      if (lines.length < 2) return text;
      const i = Math.min(lines.length - 1, Math.floor(m.at * lines.length));
      const j = Math.min(lines.length - 1, Math.floor(m.at2 * lines.length));
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join("");
    }
    case "delete-token":
    case "dup-token": {
      const [s, e] = tokenAt(text, m.at, m.q);
      return m.op === "delete-token" ? text.slice(0, s) + text.slice(e) : text.slice(0, e) + text.slice(s, e) + text.slice(e);
    }
    case "insert": {
      const p = pick(text, m.at, m.q);
      return text.slice(0, p) + m.text + text.slice(p);
    }
    case "replace-number": {
      const nums = [...text.matchAll(/\d+(\.\d+)?/g)];
      if (nums.length === 0) return text + m.with;
      const n = nums[Math.min(nums.length - 1, Math.floor(m.at * nums.length))];
      return text.slice(0, n.index) + m.with + text.slice(n.index + n[0].length);
    }
    case "nest":
      return nestAround(text, pick(text, m.at, m.q), pick(text, m.at2, m.q), m.depth, m.style);
    case "bad-utf8": {
      const p = pick(text, m.at, m.q);
      const bytes = Buffer.concat([Buffer.from(text.slice(0, p), "utf8"), Buffer.from(m.bytes), Buffer.from(text.slice(p), "utf8")]);
      return new TextDecoder("utf-8").decode(bytes);
    }
    case "repeat": {
      const p = pick(text, m.at, false);
      const chunk = text.slice(p, p + m.len);
      return text.slice(0, p) + chunk.repeat(m.times) + text.slice(p);
    }
    case "bom":
      return "\ufeff" + text;
    case "crlf":
      return text.replace(/\r?\n/g, "\r\n");
    case "cr-only":
      return text.replace(/\r?\n/g, "\r");
    default:
      throw new Error(`internal error: unknown mutation ${m.op}`);
  }
}

/** The mutated text, bounded by MAX_INPUT. With scope `query`, only a rule file's query content is mutated. */
export function mutate(seedText, ops, scope = "file") {
  if (scope === "query") {
    const m = /^query\s*=\s*'''/m.exec(seedText);
    if (m) {
      const s = m.index + m[0].length;
      const close = seedText.indexOf("'''", s);
      if (close >= 0) {
        const q = mutate(seedText.slice(s, close), ops.filter((o) => o.op !== "bom"));
        const literal = q.includes("'''") || /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]/.test(q) || /\r(?!\n)/.test(q) || q.endsWith("'") ? tomlBasic(q) : `'''${q}'''`;
        return seedText.slice(0, m.index) + "query = " + literal + seedText.slice(close + 3);
      }
    }
  }
  let t = seedText;
  for (const m of ops) {
    t = applyMutation(t, m);
    if (t.length > MAX_INPUT) t = t.slice(0, MAX_INPUT);
  }
  return t;
}

/** A TOML basic string holding `s` (control characters escaped; lone surrogates become U+FFFD, as in a file). */
function tomlBasic(s) {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (c >= 0xd800 && c <= 0xdfff) out += "\\ufffd";
    else if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out + '"';
}

// ---------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------

/**
 * Known, tolerated by the test suite (not by scripts/fuzz.mjs): a TOML syntax
 * error at the very end of the file is reported with the span
 * [length, length + 1), one past the end (src/frontend/load-rule.ts, TOML001);
 * `positionless` lists error codes tolerated without a span.
 */
export const tolerate = { eofCaret: false, positionless: new Set() };

function checkSpan(span, length, what, out) {
  if (span === null || span === undefined) return;
  const { start, end } = span;
  if (tolerate.eofCaret && start === length && end === length + 1 && what.endsWith("TOML001")) return;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > length) {
    out.push(`${what}: span ${JSON.stringify(span)} outside the text (length ${length})`);
  }
}

export function checkDiagnostics(diagnostics, length, where, out) {
  for (const d of diagnostics) {
    if (d.code === "INTERNAL") out.push(`${where}: INTERNAL diagnostic: ${String(d.message).split("\n").slice(0, 2).join(" / ")}`);
    if (d.severity === "error" && (d.span === null || d.span === undefined) && !tolerate.positionless.has(d.code)) out.push(`${where}: error ${d.code} has no position`);
    checkSpan(d.span, length, `${where}: diagnostic ${d.code}`, out);
  }
}

/** Every `span` inside an IR value lies within the text. Iterative, so a deep tree cannot overflow the checker. */
export function checkIrSpans(root, length, where, out) {
  const stack = [root];
  let bad = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === "span" && x && typeof x === "object") {
        const before = out.length;
        checkSpan(x, length, `${where}: IR ${v.kind ?? "node"}`, out);
        if (out.length > before && ++bad > 3) return;
      } else if (x && typeof x === "object") stack.push(x);
    }
  }
}

/** The invariants of one compileRule result. Returns the violations (empty when all hold). */
export function checkCompiled(text, compiled) {
  const out = [];
  // Spans refer to the loader's source text: the file's text less a leading BOM.
  const src = compiled.source?.text ?? text;
  if (src !== text && src !== text.replace(/^\ufeff/, "")) out.push("the source text differs from the input by more than a BOM");
  const len = src.length;
  checkDiagnostics(compiled.parseDiagnostics, len, "parse", out);
  if (compiled.parseStatus === "ok" && !compiled.ir) out.push("parse status ok without an IR");
  if (compiled.ir) checkIrSpans(compiled.ir, len, "ir", out);
  for (const o of compiled.outcomes) {
    const id = o.target.id;
    checkDiagnostics(o.result.diagnostics, len, id, out);
    if (o.result.text !== null && o.status !== "ok") out.push(`${id}: an output with status ${o.status}`);
    if (o.status === "ok" && typeof o.result.text !== "string") out.push(`${id}: status ok without an output`);
  }
  return out;
}

/** The invariants of a query parser's result on standalone text. */
export function checkParsed(text, result) {
  const out = [];
  checkDiagnostics(result.diagnostics, text.length, "parse", out);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (result.value !== null && errors.length > 0) out.push(`a value together with ${errors.length} error(s): ${errors[0].code}`);
  if (result.value === null && errors.length === 0) out.push("no value and no error");
  if (result.value !== null) checkIrSpans(result.value, text.length, "ir", out);
  return out;
}

/** Runs `fn`, turning a throw into a violation. */
export function guarded(fn) {
  try {
    return fn();
  } catch (e) {
    const err = /** @type {Error} */ (e);
    return [`threw ${err?.name ?? "?"}: ${String(err?.message ?? e).slice(0, 200)} @ ${String(err?.stack ?? "").split("\n").slice(1, 3).map((s) => s.trim()).join(" < ")}`];
  }
}

/** Short, single-line description of a case's input for reports. */
export function preview(text, max = 160) {
  const s = JSON.stringify(text);
  return s.length <= max ? s : `${s.slice(0, max / 2)}…(${text.length} chars)…${s.slice(-max / 2)}`;
}

/** Groups violation messages by their shape (numbers and quoted text removed). */
export function violationKey(v) {
  return v.replace(/\d+/g, "N").replace(/"[^"]*"/g, '"…"').slice(0, 160);
}
