/** A --jobs worker thread: processes one slice of the batch and posts the plain result. */
import { parentPort, workerData } from "node:worker_threads";
import { type BatchOptions, buildRequests, processSlice } from "./batch.js";
import type { RuleFile } from "./files.js";

const { files, opts } = workerData as { files: RuleFile[]; opts: BatchOptions };
let done = 0;
const progress = {
  tick: () => {
    if (++done % 16 === 0) parentPort?.postMessage({ progress: 16 });
  },
  phase: () => {},
};
const result = await processSlice(files, opts, buildRequests(opts.targets), progress);
parentPort?.postMessage({ progress: done % 16, result });
