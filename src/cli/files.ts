/**
 * The file system side of the CLI: finding rule files, deriving output paths
 * that cannot escape the output folder, and writing atomically.
 */
import { mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { Worker } from "node:worker_threads";

/** Folders this process already made (writeAtomic makes each once). */
const madeDirs = new Set<string>();

export interface RuleFile {
  /** The path as shown to the user (relative to the cwd when possible). */
  readonly path: string;
  /** Absolute path. */
  readonly absolute: string;
  /** Path relative to the input root it was found under, with `/` separators (the output stem source). */
  readonly relative: string;
}

export interface Discovery {
  readonly files: readonly RuleFile[];
  /** Paths that do not exist or cannot be read: usage errors. */
  readonly missing: readonly string[];
  /** Absolute input roots (folders, or the folder of a file). */
  readonly roots: readonly string[];
}

function display(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : abs;
}

/** Finds `*.toml` files under the given files and folders, recursively, in a stable (sorted) order. */
export function discoverRules(paths: readonly string[]): Discovery {
  const files: RuleFile[] = [];
  const missing: string[] = [];
  const roots: string[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    const abs = resolve(p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isDirectory()) {
      roots.push(abs);
      const found: string[] = [];
      walk(abs, found);
      found.sort();
      for (const f of found) {
        if (seen.has(f)) continue;
        seen.add(f);
        files.push({ path: display(f), absolute: f, relative: relative(abs, f).split(sep).join("/") });
      }
    } else {
      roots.push(dirname(abs));
      if (seen.has(abs)) continue;
      seen.add(abs);
      files.push({ path: display(abs), absolute: abs, relative: relative(dirname(abs), abs).split(sep).join("/") });
    }
  }
  return { files, missing, roots };
}

function walk(dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === "node_modules" || e.name.startsWith(".")) continue;
      walk(p, out);
    } else if (e.isFile() && e.name.toLowerCase().endsWith(".toml")) out.push(p);
  }
}

/**
 * The output stem for a rule: its path relative to the input root, `.toml`
 * removed, each segment made safe (no `..`, no absolute paths, no control or
 * reserved characters). The result never leaves the output folder.
 */
export function outputStem(relativePath: string): string {
  const noExt = relativePath.replace(/\.toml$/i, "");
  const parts = noExt
    .split(/[\\/]+/)
    .filter((s) => s !== "" && s !== "." && s !== "..")
    .map((s) => s.replace(/[\x00-\x1f<>:"|?*]/g, "_").replace(/^\.+/, "_").slice(0, 200));
  return parts.length > 0 ? parts.join("/") : "rule";
}

/** Whether `inner` is `outer` or inside it (a child named `..x` is inside). */
export function isInside(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === "" || (rel !== ".." && !rel.startsWith(".." + sep) && !isAbsolute(rel));
}

/** The real path of `p`, following symbolic links; for a path that does not exist yet, its nearest existing ancestor's real path plus the rest. */
export function realPath(p: string): string {
  const abs = resolve(p);
  let dir = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(dir), ...rest.reverse());
    } catch {
      const up = dirname(dir);
      if (up === dir) return abs;
      rest.push(basename(dir));
      dir = up;
    }
  }
}

/** Checks that a folder can be made and written: makes it, writes and removes a probe file. Returns the error message, or null. */
export function probeWritable(dir: string): string | null {
  const probe = join(dir, `.ruleport-probe-${process.pid}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
    writeFileSync(probe, "");
    rmSync(probe, { force: true });
    return null;
  } catch (e) {
    try {
      rmSync(probe, { force: true });
    } catch {
      // the probe could not even be made
    }
    return (e as Error).message;
  }
}

/** A path as the report shows it: relative to `cwd` (with `/`) when inside it, else absolute. */
export function displayPath(p: string, cwd: string = process.cwd()): string {
  return isInside(p, cwd) && p !== cwd ? relative(cwd, p).split(sep).join("/") : p;
}

/**
 * Where a target's deploy file goes: `<outDir>/<target>/<path>`, the path made
 * safe as output stems are (its extension kept).
 */
export function deployPath(outDir: string, targetId: string, path: string): string {
  const ext = /\.[A-Za-z0-9]+$/.exec(path)?.[0] ?? "";
  return join(outDir, targetId, outputStem(path.slice(0, path.length - ext.length)) + ext);
}

/** Writes a file atomically: a temporary file beside it, then a rename. Throws on failure (the caller reports it). */
export function writeAtomic(file: string, content: string): void {
  const dir = dirname(file);
  if (!madeDirs.has(dir)) {
    mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Where a batch's per-rule outputs go. Each write is atomic (writeAtomic);
 * `finish` waits for all of them and says which failed, so the caller can
 * report them in the files' order whatever the timing.
 */
export interface OutputWriter {
  /** Queues an atomic write; returns its ticket. With `after`, the write happens only if that earlier write succeeded (else it fails too). */
  write(file: string, content: string, after?: number): number;
  /** Waits for every write queued so far; returns the error message of each failed ticket (of all so far). */
  finish(): Promise<ReadonlyMap<number, string>>;
  /** Releases the writer (after the last finish). */
  close(): void;
}

/** Writes at once, in this thread. */
export function syncWriter(): OutputWriter {
  const failures = new Map<number, string>();
  let next = 0;
  return {
    write(file, content, after) {
      const ticket = next++;
      if (after !== undefined && failures.has(after)) failures.set(ticket, NOT_AFTER_FAILURE);
      else {
        try {
          writeAtomic(file, content);
        } catch (e) {
          failures.set(ticket, (e as Error).message);
        }
      }
      return ticket;
    },
    finish: () => Promise.resolve(failures),
    close: () => {},
  };
}

/** Why a write that depended on a failed one was not made. */
export const NOT_AFTER_FAILURE = "not written, since the rule's output before it could not be written";

/** Files handed to the writer thread per message. */
const WRITES_PER_MESSAGE = 16;

/**
 * At most this many characters of output wait for the writer thread; beyond
 * it the converting thread waits (so peak memory does not grow with the
 * batch when the file system is slower than the conversion).
 */
const MAX_QUEUED_CHARS = 8 * 1024 * 1024;
/** If the writer makes no progress for this long while the queue is full, stop waiting for it (finish then reports what happened). */
const MAX_STALL_MS = 60_000;

/**
 * Writes in a thread of its own (the module at `workerUrl`, see write-worker.ts),
 * so that the file system's time (creating thousands of files costs the kernel
 * more than converting them) overlaps the conversion on another core. The
 * writes themselves are the same writeAtomic calls, in the same order.
 */
export function threadWriter(workerUrl: URL): OutputWriter {
  // written[0]: characters of output the writer thread has finished with (success or failure)
  const written = new BigInt64Array(new SharedArrayBuffer(8));
  const worker = new Worker(workerUrl, { workerData: { written } });
  // the thread keeps the process alive only while `finish` waits for it (not if the batch stops early)
  worker.unref();
  // [ticket, file, content, the ticket it depends on or -1]
  let pending: [number, string, string, number][] = [];
  let next = 0;
  let queued = 0n;
  let stalled = false;
  let failed: Error | null = null;
  worker.on("error", (e: Error) => {
    failed ??= e;
  });
  const flush = () => {
    if (pending.length === 0) return;
    worker.postMessage(pending);
    pending = [];
  };
  return {
    write(file, content, after) {
      const ticket = next++;
      pending.push([ticket, file, content, after ?? -1]);
      queued += BigInt(content.length);
      if (pending.length >= WRITES_PER_MESSAGE) flush();
      if (!stalled && queued - Atomics.load(written, 0) > MAX_QUEUED_CHARS) {
        flush();
        let last = Atomics.load(written, 0);
        let since = performance.now();
        while (queued - last > MAX_QUEUED_CHARS / 2) {
          Atomics.wait(written, 0, last, 100);
          const now = Atomics.load(written, 0);
          if (now !== last) {
            last = now;
            since = performance.now();
          } else if (performance.now() - since > MAX_STALL_MS) {
            stalled = true;
            break;
          }
        }
      }
      return ticket;
    },
    finish() {
      flush();
      return new Promise((resolvePromise, reject) => {
        if (failed) return reject(failed);
        const onError = (e: Error) => reject(e);
        const onExit = (code: number) => reject(new Error(`internal error: the writer thread exited with code ${code}`));
        worker.once("message", (failures: [number, string][]) => {
          worker.off("error", onError).off("exit", onExit).unref();
          resolvePromise(new Map(failures));
        });
        worker.once("error", onError).once("exit", onExit);
        worker.ref();
        worker.postMessage(null);
      });
    },
    close() {
      void worker.terminate();
    },
  };
}
