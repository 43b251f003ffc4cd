// Regenerates kql-schema.json (a trimmed copy of ../shared/schemas/kql/kql-schema.json)
// and copies the Sentinel rule schema. Dev tool only: the tests read the copies.
//   node targets/sentinel/schema/build-schema.mjs [path/to/shared]
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.argv[2] ?? join(here, "../../../../shared");
const full = JSON.parse(readFileSync(join(shared, "schemas/kql/kql-schema.json"), "utf8"));

// Tables and ASIM functions the bundled mappings can emit (targets/sentinel/fields/*.yaml).
const TABLES = [
  "DeviceProcessEvents", "DeviceFileEvents", "DeviceRegistryEvents", "DeviceNetworkEvents", "DeviceImageLoadEvents",
  "DeviceEvents", "DeviceLogonEvents", "DeviceInfo", "SecurityEvent", "WindowsEvent", "Syslog", "SigninLogs", "AuditLogs",
  "AWSCloudTrail", "AzureActivity", "OfficeActivity", "CloudAppEvents", "GCPAuditLogs", "OktaSSO", "OktaV2_CL",
  "AKSAudit", "IdentityLogonEvents", "IdentityDirectoryEvents", "MicrosoftGraphActivityLogs",
  "AADNonInteractiveUserSignInLogs", "AADServicePrincipalSignInLogs", "GoogleWorkspaceReports_CL", "GitHubAuditLogsV3_CL",
  "AADUserRiskEvents",
];
const FUNCTIONS = ["imProcessCreate", "imProcessTerminate", "imFileEvent", "imRegistry", "imNetworkSession", "imDns", "imAuthentication", "imAuditEvent", "imWebSession", "imUserManagement", "GitHubAuditData"];

const cols = (c) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.type]));
const out = {
  _source:
    "Trimmed from ruleport's shared/schemas/kql/kql-schema.json (column names and KQL types only). Its sources: " +
    Object.entries(full._sources).map(([k, v]) => `[${k}] ${v}`).join("; "),
  tables: {},
  functions: {},
};
for (const t of TABLES) {
  const tab = full.tables[t];
  if (!tab) throw new Error(`no table ${t}`);
  out.tables[t] = cols(tab.columns);
}
for (const f of FUNCTIONS) {
  const fn = full.functions[f];
  if (!fn) throw new Error(`no function ${f}`);
  out.functions[f] = { parameters: fn.parameters, schema: fn.schema, columns: cols(full.asim_schemas[fn.columns_ref].columns) };
}
writeFileSync(join(here, "kql-schema.json"), JSON.stringify(out, null, 1) + "\n");
const rule = readFileSync(join(shared, "schemas/sentinel/sentinel-scheduled-rule.schema.json"), "utf8");
writeFileSync(join(here, "sentinel-scheduled-rule.schema.json"), rule);
console.log(`kql-schema.json: ${TABLES.length} tables, ${FUNCTIONS.length} functions`);
