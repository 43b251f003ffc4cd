/**
 * The writer thread of a batch (threadWriter in files.ts): receives lists of
 * [ticket, file, content], writes each atomically in order, and at the end
 * each null message (after the writes before it) posts the tickets that
 * failed so far, with their error messages.
 */
import { parentPort } from "node:worker_threads";
import { writeAtomic } from "./files.js";

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
  }
});
