/**
 * Data sources of the bundled mappings, on small rules written for these tests
 * (modelled on the shape of Elastic's rules). Expectations come from how Elastic's
 * integrations fill the ECS fields (elastic/integrations ingest pipelines: aws
 * cloudtrail, github audit, google_workspace admin) and from the Sentinel
 * connectors' columns; every query must also pass the Kusto analysis.
 */
import { describe, expect, it } from "vitest";
import { convert, rule } from "./rule-text.js";

describe.each(["asim", "mde"])("cloud sources (%s)", (profile) => {
  it("CloudTrail: event.type is a list (info unless the action is one Elastic categorises), matched element-wise", () => {
    const r = convert(
      rule('info where data_stream.dataset == "aws.cloudtrail" and event.action == "PutBucketLifecycle"', { override: "event.type", index: ["logs-aws.cloudtrail-*"] }),
      profile,
    );
    expect(r.status).toBe("ok");
    expect(r.text).toContain('set_has_element(EcsEventType, "info")');
    // CreateUser is iam / [user, creation] in Elastic's pipeline; an unlisted action is [info].
    expect(r.text).toContain('EventName == "CreateUser", dynamic(["user","creation"])');
    expect(r.text).toMatch(/dynamic\(\["info"\]\)\)/);
  });
  it("CloudTrail: request parameters are Elastic's key=value text rebuilt from the JSON, with a warning", () => {
    const r = convert(rule("event.dataset:aws.cloudtrail and aws.cloudtrail.request_parameters:*AdministratorAccess*", { language: "kuery" }), profile);
    expect(r.status).toBe("ok");
    // a KQL wildcard on a keyword field is case-sensitive
    expect(r.text).toContain('EcsRequestParameters contains_cs "AdministratorAccess"');
    expect(r.codes).toContain("SENTINEL203");
  });
  it("GitHub: event.category always holds configuration (and web); team./org. actions add iam", () => {
    const r = convert(rule('event.dataset:"github.audit" and event.category:"configuration" and event.action:"repo.destroy"', { language: "kuery" }), profile);
    expect(r.status).toBe("ok");
    expect(r.text).toContain("GitHubAuditData()");
    expect(r.text).toMatch(/set_has_element\(EcsCategory, "configuration"\)|tostring\(EcsCategory\) contains/);
    expect(r.text).toContain('dynamic(["configuration","web","iam"])');
  });
  it("GitHub: fields only the newest connector table has move the query to GitHubAuditLogsV3_CL", () => {
    const r = convert(rule('event.dataset:"github.audit" and github.hashed_token:* and event.action:"git.clone"', { language: "kuery" }), profile);
    expect(r.status).toBe("ok");
    expect(r.text.startsWith("GitHubAuditLogsV3_CL\n")).toBe(true);
    expect(r.text).toContain("isnotempty(HashedToken)");
  });
  it("Google Workspace admin: the admin application's rows, the setting name in ProcessName (as the connector stores it)", () => {
    const r = convert(
      rule('data_stream.dataset:"google_workspace.admin" and event.action:"CHANGE_APPLICATION_SETTING" and google_workspace.admin.setting.name:BitLocker*', { language: "kuery" }),
      profile,
    );
    expect(r.status).toBe("ok");
    expect(r.text).toContain('| where IdApplicationName == "admin"');
    expect(r.text).toContain("EventMessage");
    expect(r.text).toMatch(/ProcessName startswith(_cs)? "BitLocker"/);
  });
  it("Google Workspace: several applications at once compare the dataset computed from the application", () => {
    const r = convert(rule('data_stream.dataset:("google_workspace.login" or "google_workspace.user_accounts") and event.action:"2sv_disable"', { language: "kuery" }), profile);
    expect(r.status).toBe("ok");
    expect(r.text).toContain('EcsDataset in ("google_workspace.login", "google_workspace.user_accounts")');
  });
  it("Entra ID Protection reads the risk detections only, and says so (SENTINEL206)", () => {
    const r = convert(rule('data_stream.dataset: "azure.identity_protection" and azure.identityprotection.properties.risk_level: "high"', { language: "kuery" }), profile);
    expect(r.status).toBe("ok");
    expect(r.text.startsWith("AADUserRiskEvents\n")).toBe(true);
    expect(r.codes).toContain("SENTINEL206");
  });
});

describe("asim: endpoint names as computed columns", () => {
  it("process.name inside a function uses the computed last path component (a suffix test cannot be an argument)", () => {
    const r = convert(rule('process where host.os.type == "linux" and event.type == "start" and length(process.name) > 12 and process.parent.name : "bash"'), "asim");
    expect(r.status).toBe("ok");
    expect(r.text).toContain('EcsTargetProcessBasename = extract(@"[^/]*$", 0, TargetProcessName)');
    expect(r.text).toContain("strlen(EcsTargetProcessBasename) > 12");
    expect(r.text).toContain('EcsActingProcessBasename =~ "bash"');
  });
  it("a plain name match keeps the path-suffix test (no computed column)", () => {
    const r = convert(rule('process where host.os.type == "windows" and process.name : "cmd.exe"'), "asim");
    expect(r.text).toContain('TargetProcessName endswith @"\\cmd.exe"');
    expect(r.text).not.toContain("Basename");
  });
  it("a DNS query by process name reaches imDns through the OS-specific DNS source", () => {
    const r = convert(rule('network where host.os.type == "windows" and process.name : "powershell.exe" and dns.question.name : "*.onion"'), "asim");
    expect(r.status).toBe("ok");
    expect(r.text.startsWith("imDns()")).toBe(true);
    expect(r.text).toContain('SrcProcessName endswith @"\\powershell.exe"');
  });
});

describe("CIDR blocks on ip fields (ES matches a term on an ip field written as a block against the range)", () => {
  it("KQL source.ip:10.0.0.0/8 is a range test, a plain address stays an equality", () => {
    const r = convert(rule('event.category:network and source.ip:(10.0.0.0/8 or 192.168.1.5)', { language: "kuery", index: ["logs-endpoint.events.network-*"] }), "mde");
    expect(r.status).toBe("ok");
    expect(r.text).toContain('coalesce(ipv4_is_in_any_range(LocalIP, "10.0.0.0/8"), false)');
    expect(r.text).toContain('LocalIP == "192.168.1.5"');
  });
  it("EQL == with a block on an ip field is a range test too; not keeps addresses of the other family", () => {
    const r = convert(rule('network where host.os.type == "windows" and not destination.ip == "fe80::/10"'), "mde");
    expect(r.status).toBe("ok");
    expect(r.text).toContain('not(coalesce(ipv6_is_in_any_range(RemoteIP, "fe80::/10"), false))');
  });
  it("a block-like value on a field that is not an ip field stays text", () => {
    const r = convert(rule('process where host.os.type == "windows" and process.command_line : "10.0.0.0/8"'), "mde");
    expect(r.text).toContain('ProcessCommandLine =~ "10.0.0.0/8"');
  });
});

describe("DNS sources only for queries that need a DNS field (emit.requires)", () => {
  // Elastic keeps lookups and connections in one data stream; imDns / DnsQueryResponse hold only lookups.
  it.each(["asim", "mde"])("%s: a query that only excludes DNS names also matches connections: not read from the DNS table", (profile) => {
    const r = convert(rule('network where host.os.type == "windows" and process.name : "certutil.exe" and not dns.question.name : "*.digicert.com"'), profile);
    expect(r.status).toBe("unsupported");
    expect(r.text).not.toContain("imDns");
  });
  it.each(["asim", "mde"])("%s: a query that requires a DNS name reads the DNS table", (profile) => {
    const r = convert(rule('network where host.os.type == "windows" and process.name : "certutil.exe" and dns.question.name : "*.example.com"'), profile);
    expect(r.status).toBe("ok");
    expect(r.text).toMatch(/^(imDns\(\)|DeviceEvents)\n/);
  });
});

describe("<field>.caseless (Elastic Defend's lowercase-normalized sub-fields)", () => {
  it("a match on process.name.caseless is the base field matched case-insensitively", () => {
    const r = convert(rule('event.category:process and host.os.type:windows and process.name.caseless:"cmd.exe"', { language: "kuery" }), "mde");
    expect(r.status).toBe("ok");
    expect(r.text).toContain('FileName =~ "cmd.exe"');
  });
});

describe("Office 365 name/value lists (Elastic keys Parameters, ExtendedProperties and ModifiedProperties by Name)", () => {
  it("o365.audit.Parameters.<Name> is the Value of the element with that Name, found by position in the JSON list", () => {
    const r = convert(rule('event.dataset:o365.audit and event.action:"Set-CsTeamsClientConfiguration" and o365.audit.Parameters.AllowGuestUser:True', { language: "kuery" }), "mde");
    expect(r.status).toBe("ok");
    expect(r.text).toContain('array_index_of(extract_all(@\'"Name"\\s*:\\s*"([^"\\\\]*)"\', Parameters), "AllowGuestUser") >= 0');
    expect(r.text).toContain('EcsO365ParamAllowGuestUser == "True"');
  });
});
