/**
 * Sigma documents -> YAML text with js-yaml under fixed options: 4-space
 * indentation, no line folding, no anchors, and every string value of a
 * `detection` section single-quoted (SigmaHQ's convention: "Strings values use
 * single quotes"). Several documents (a correlation and its rules) become one
 * multi-document stream. Loading the text gives back the objects exactly.
 */
import { DUMP_SCHEMA, jsToAst, loadAll, present, SCALAR_STYLE, visit, type Document, type Node } from "js-yaml";

const STR = "tag:yaml.org,2002:str";

function quoteStrings(node: Node): void {
  visit([{ contents: node, directives: [] }], (n, ctx) => {
    if (n.kind === "scalar" && !ctx.isKey && n.tag === STR && !n.value.includes("\n")) n.style = SCALAR_STYLE.SINGLE_QUOTED;
    return undefined as never;
  });
}

/** Dumps one or more Sigma documents (plain objects) as YAML. */
export function dumpSigma(documents: readonly Record<string, unknown>[]): string {
  const docs: Document[] = [];
  documents.forEach((d, i) => {
    for (const doc of jsToAst(d, DUMP_SCHEMA, { noRefs: true })) {
      const root = doc.contents;
      if (root && root.kind === "mapping") {
        for (const item of root.items) {
          if (item.key.kind !== "scalar" || item.key.value !== "detection" || item.value.kind !== "mapping") continue;
          for (const entry of item.value.items) {
            if (!(entry.key.kind === "scalar" && entry.key.value === "condition")) quoteStrings(entry.value);
          }
        }
      }
      if (documents.length > 1 && i > 0) doc.explicitStart = true;
      docs.push(doc);
    }
  });
  return present(docs, { schema: DUMP_SCHEMA, indent: 4, lineWidth: -1, quoteStyle: "single" });
}

/** Loads Sigma YAML text (one or more documents). */
export function loadSigma(text: string): unknown[] {
  return loadAll(text);
}
