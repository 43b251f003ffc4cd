/**
 * Windows Security events (SecurityEvent). Expectations from Elastic's system.security
 * pipeline (elastic/integrations, packages/system/data_stream/security, standard.yml):
 * for 4688 process.executable is NewProcessName and process.parent.executable
 * ParentProcessName; for the logon, account and audit events it lists (4624, 4625, 4648,
 * 4689, 4720, ..., 5140, 5145) process.executable is ProcessName; process.name is the text
 * after the last backslash.
 */
import { describe, expect, it } from "vitest";
import { convert, rule } from "./rule-text.js";

const WINSEC = { index: ["logs-system.security*", "winlogbeat-*"] };

describe.each(["asim", "mde"])("Windows Security process fields (%s)", (profile) => {
  it("a logon's process: ProcessName for 4624 / 4648, NewProcessName for 4688, nothing for other events", () => {
    const r = convert(rule('authentication where host.os.type == "windows" and event.action == "logged-in" and process.name : "svchost.exe"', WINSEC), profile);
    expect(r.status).toBe("ok");
    expect(r.text).toMatch(/EcsProcessName = extract\(@"\[\^\\\\\]\*\$", 0, case\(EventID == 4688, NewProcessName, EventID in \([^)]*\b4624\b[^)]*\b4648\b[^)]*\), ProcessName, ""\)\)/);
    expect(r.text).toContain('EcsProcessName =~ "svchost.exe"');
  });
  it("process.parent.executable only for 4688", () => {
    const r = convert(rule('any where event.code == "4688" and process.parent.executable : "C:\\\\Windows\\\\explorer.exe"', WINSEC), profile);
    expect(r.status).toBe("ok");
    expect(r.text).toContain('EcsParentExecutable = iff(EventID == 4688, ParentProcessName, "")');
  });
});

describe("asim user names", () => {
  // ASIM writes Windows accounts as DOMAIN\name (UsernameType "Windows"); Elastic Defend has
  // user.name "SYSTEM" and user.domain "NT AUTHORITY" for NT AUTHORITY\SYSTEM.
  it("user.name is the part after the backslash of a Windows-type username, user.domain the part before", () => {
    const r = convert(
      rule('process where host.os.type == "windows" and event.type == "start" and process.name : "msiexec.exe" and user.domain : "NT AUTHORITY" and not user.name : "SYSTEM"'),
      "asim",
    );
    expect(r.status).toBe("ok");
    expect(r.text).toContain('EcsUserName = iff(TargetUsernameType == "Windows" or (isempty(TargetUsernameType) and TargetUsername contains @"\\"), extract(@"[^\\\\]*$", 0, TargetUsername), TargetUsername)');
    expect(r.text).toContain('EcsUserDomain = iff(TargetUsernameType == "Windows" or (isempty(TargetUsernameType) and TargetUsername contains @"\\"), extract(@"^([^\\\\]*)\\\\", 1, TargetUsername), "")');
    expect(r.text).toContain('EcsUserDomain =~ "NT AUTHORITY"');
    expect(r.text).toContain('not(EcsUserName =~ "SYSTEM")');
  });
  it("the same for imAuthentication's target user (its domain has a column)", () => {
    const r = convert(rule('authentication where event.outcome == "success" and user.name : "admin" and user.domain : "CORP"'), "asim");
    expect(r.status).toBe("ok");
    expect(r.text).toContain('EcsUserName =~ "admin"');
    expect(r.text).toContain('TargetDomain =~ "CORP"');
  });
});
