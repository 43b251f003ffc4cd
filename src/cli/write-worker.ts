/**
 * The writer thread of a batch (threadWriter in files.ts): receives lists of
 * [ticket, file, content] and writes each atomically, in order. On each null
 * message (after the writes before it) it posts the tickets that failed so
 * far, with their error messages.
 */
import { parentPort, workerData } from "node:worker_threads";
import { writeAtomic } from "./files.js";

/** Characters of output done with, shared with the converting thread (which waits when too much is queued). */
const written = (workerData as { written?: BigInt64Array } | null)?.written ?? null;

const failures: [number, string][] = [];
parentPort?.on("message", (m: [number, string, string][] | null) => {
  if (m === null) {
    parentPort?.postMessage(failures);
    return;
  }
  for (const [ticket, file, content] of m) {
    try {
      writeAtomic(file, content);
    } catch (e) {
      failures.push([ticket, (e as Error).message]);
    }
    if (written) {
      Atomics.add(written, 0, BigInt(content.length));
      Atomics.notify(written, 0);
    }
  }
});
