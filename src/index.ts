/** The ruleport library API. */
export * from "./ir/nodes.js";
export * from "./diagnostics/index.js";
export type { RuleDocument } from "./frontend/rule-document.js";
export { loadRule } from "./frontend/load-rule.js";
export { lowerRule } from "./frontend/lower.js";
export { parseEql, printEql } from "./frontend/eql/index.js";
export { parseKql, parseLucene, printKql } from "./frontend/kql/index.js";
export { standaloneSource, type QuerySource } from "./frontend/source.js";
export { compileRule, parseRule, convertParsed, bundledMapping, type CompiledRule, type TargetOutcome, type TargetRequest } from "./compile.js";
export { targets, getTarget } from "./targets.js";
export type { TargetDefinition, TargetId, ConvertInput, ConvertResult, OutputFile, Capabilities } from "./target.js";
