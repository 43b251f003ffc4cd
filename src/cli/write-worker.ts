/**
 * The writer thread of a batch (threadWriter in files.ts): receives lists of
 * [ticket, file, content, after] and writes each atomically, in order (a write
 * whose `after` ticket failed is not made, and fails too). On each null
 * message (after the writes before it) it posts the tickets that failed so
 * far, with their error messages.
 */
import { parentPort, workerData } from "node:worker_threads";
import { NOT_AFTER_FAILURE, writeAtomic } from "./files.js";

/** Characters of output done with, shared with the converting thread (which waits when too much is queued). */
const written = (workerData as { written?: BigInt64Array } | null)?.written ?? null;

/** The tickets that failed so far, with their error messages. */
const failures = new Map<number, string>();
parentPort?.on("message", (m: [number, string, string, number][] | null) => {
  if (m === null) {
    parentPort?.postMessage([...failures]);
    return;
  }
  for (const [ticket, file, content, after] of m) {
    if (after >= 0 && failures.has(after)) failures.set(ticket, NOT_AFTER_FAILURE);
    else {
      try {
        writeAtomic(file, content);
      } catch (e) {
        failures.set(ticket, (e as Error).message);
      }
    }
    if (written) {
      Atomics.add(written, 0, BigInt(content.length));
      Atomics.notify(written, 0);
    }
  }
});
