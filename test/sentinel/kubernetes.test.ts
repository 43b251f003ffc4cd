/**
 * Kubernetes audit logs (AKSAudit). Expectations from Elastic's kubernetes audit_logs
 * ingest pipeline (elastic/integrations, packages/kubernetes/data_stream/audit_logs):
 * event.action is a copy of the verb; event.outcome is "success" when the
 * authorization.k8s.io/decision annotation is "allow", "failure" when it is "forbid",
 * absent otherwise; source.ip holds every address of sourceIPs (a list).
 */
import { describe, expect, it } from "vitest";
import { convert, rule } from "./rule-text.js";

const K8S = { language: "kuery", index: ["logs-kubernetes.audit_logs-*"] };

describe.each(["asim", "mde"])("Kubernetes audit (%s)", (profile) => {
  it("event.action is the verb, matched case-sensitively as a keyword", () => {
    const r = convert(rule('event.dataset:"kubernetes.audit_logs" and event.action:list', K8S), profile);
    expect(r.status).toBe("ok");
    expect(r.text).toContain('Verb == "list"');
  });
  it("event.outcome comes from the authorization decision (allow / forbid, else none)", () => {
    const r = convert(rule('event.dataset:"kubernetes.audit_logs" and event.outcome:failure', K8S), profile);
    expect(r.status).toBe("ok");
    expect(r.text).toMatch(/== "allow", "success", .* == "forbid", "failure", ""\)/);
    expect(r.text).toContain('EcsK8sOutcome == "failure"');
  });
  it("source.ip is a list: `not` means no address matches", () => {
    const r = convert(rule('event.dataset:"kubernetes.audit_logs" and source.ip:* and not source.ip:"127.0.0.1"', K8S), profile);
    expect(r.status).toBe("ok");
    expect(r.text).toContain('not(set_has_element(EcsK8sSourceIps, "127.0.0.1"))');
  });
});
