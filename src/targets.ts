/** The registry of targets: the one place that imports every backend. */
import { osquery } from "../targets/osquery/index.js";
import { sentinel } from "../targets/sentinel/index.js";
import { sigma } from "../targets/sigma/index.js";
import { splunk } from "../targets/splunk/index.js";
import type { TargetDefinition, TargetId } from "./target.js";

export const targets: Readonly<Record<TargetId, TargetDefinition>> = { sigma, splunk, sentinel, osquery };

export function getTarget(id: string): TargetDefinition | undefined {
  return Object.hasOwn(targets, id) ? targets[id as TargetId] : undefined;
}
