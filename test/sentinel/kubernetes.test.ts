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
  it("container images are a list (one per container): a wildcard holds when some image matches", () => {
    const r = convert(rule('event.dataset:"kubernetes.audit_logs" and not kubernetes.audit.requestObject.spec.containers.image:(rancher/system-agent* or */sysdig/*)', K8S), profile);
    expect(r.status).toBe("ok");
    expect(r.text).toContain("extract_all(@'\"image\":\"([^\"\\\\]*)\"', tostring(RequestObject.spec.containers))");
    expect(r.text).toMatch(/not\(tostring\(EcsK8sContainerImages\) matches regex .*\(\?:rancher\/system-agent.*\|.*\/sysdig\//);
  });
  it("pod spec values per container / volume are lists; a boolean matches its text", () => {
    const r = convert(
      rule('event.dataset:"kubernetes.audit_logs" and kubernetes.audit.requestObject.spec.containers.securityContext.privileged:true and kubernetes.audit.requestObject.spec.volumes.hostPath.path:"/etc" and kubernetes.audit.requestObject.spec.containers.securityContext.capabilities.add:"SYS_ADMIN"', K8S),
      profile,
    );
    expect(r.status).toBe("ok");
    expect(r.text).toContain("extract_all(@'\"privileged\":(true|false)', tostring(RequestObject.spec.containers))");
    expect(r.text).toContain('set_has_element(EcsK8sPrivileged, "true")');
    expect(r.text).toContain('set_has_element(EcsK8sHostPaths, "/etc")');
    expect(r.text).toContain('set_has_element(EcsK8sCapAdd, "SYS_ADMIN")');
  });
  it("GKE (GCP audit) pod specs read the same lists from the request", () => {
    const r = convert(
      rule('data_stream.dataset:gcp.audit and gcp.audit.request.spec.containers.securityContext.allowPrivilegeEscalation:true and gcp.audit.request.metadata.namespace:"kube-system"', {
        language: "kuery",
        index: ["logs-gcp.audit-*"],
      }),
      profile,
    );
    expect(r.status).toBe("ok");
    expect(r.text).toContain('set_has_element(EcsGcpReqAllowPrivEsc, "true")');
    expect(r.text).toContain("tostring(Request.metadata.namespace)");
  });
  it("GKE RBAC role rules: every verb / resource of every rule, as lists", () => {
    const r = convert(
      rule('data_stream.dataset:gcp.audit and gcp.audit.request.rules.verbs:("*" or escalate) and gcp.audit.response.rules.resources:secrets', {
        language: "kuery",
        index: ["logs-gcp.audit-*"],
      }),
      profile,
    );
    expect(r.status).toBe("ok");
    expect(r.text).toContain(String.raw`EcsGcpReqRuleVerbs = extract_all(@'"([^"\\]*)"', strcat_array(extract_all(@'"verbs"\s*:\s*\[([^\]]*)\]', tostring(Request.rules)), ","))`);
    expect(r.text).toContain('set_has_element(EcsGcpReqRuleVerbs, "*")');
    expect(r.text).toContain('set_has_element(EcsGcpRespRuleResources, "secrets")');
  });
  it("source.ip is a list: `not` means no address matches", () => {
    const r = convert(rule('event.dataset:"kubernetes.audit_logs" and source.ip:* and not source.ip:"127.0.0.1"', K8S), profile);
    expect(r.status).toBe("ok");
    expect(r.text).toContain('not(set_has_element(EcsK8sSourceIps, "127.0.0.1"))');
  });
});

describe.each(["asim", "mde"])("multi-valued keys (%s)", (profile) => {
  const base = 'event.dataset:"kubernetes.audit_logs" and kubernetes.audit.objectRef.resource:"secrets"';
  it("new_terms: one row per distinct value of a list field (Elastic reports each new value of a document)", () => {
    const r = convert(
      rule(base, {
        ...K8S,
        type: "new_terms",
        more: '[rule.new_terms]\nfield = "new_terms_fields"\nvalue = ["source.ip", "user.name"]\n[[rule.new_terms.history_window_start]]\nfield = "history_window_start"\nvalue = "now-7d"',
      }),
      profile,
    );
    expect(r.status).toBe("ok");
    expect(r.text).toContain("| extend EcsK8sSourceIps = set_union(EcsK8sSourceIps, dynamic([]))");
    expect(r.text).toContain("| mv-expand EcsK8sSourceIps to typeof(string)");
    expect(r.text).toContain("isnotempty(EcsK8sSourceIps) and isnotempty(EcsK8sUser)");
    expect(r.text).toContain("distinct EcsK8sSourceIps, EcsK8sUser");
  });
  it("threshold: a document counts in the group of each of its values; a list as the cardinality field is unsupported", () => {
    const grouped = convert(rule(base, { ...K8S, type: "threshold", more: '[rule.threshold]\nfield = ["source.ip"]\nvalue = 5' }), profile);
    expect(grouped.status).toBe("ok");
    expect(grouped.text).toMatch(/mv-expand EcsK8sSourceIps to typeof\(string\)\n\| where isnotempty\(EcsK8sSourceIps\)\n\| summarize ThresholdCount = count\(\) by EcsK8sSourceIps/);
    const card = convert(
      rule(base, { ...K8S, type: "threshold", more: '[rule.threshold]\nfield = ["user.name"]\nvalue = 5\n[[rule.threshold.cardinality]]\nfield = "source.ip"\nvalue = 3' }),
      profile,
    );
    expect(card.status).toBe("unsupported");
    expect(card.codes).toContain("SENTINEL131");
  });
  it("a list field as a sequence key stays unsupported", () => {
    const r = convert(
      rule('sequence by source.ip with maxspan=1m [any where event.dataset == "kubernetes.audit_logs" and event.action == "get"] [any where event.dataset == "kubernetes.audit_logs" and event.action == "list"]', {
        index: K8S.index,
      }),
      profile,
    );
    expect(r.status).toBe("unsupported");
    expect(r.codes).toContain("SENTINEL131");
  });
});

describe.each(["asim", "mde"])("CloudTrail resources (%s)", (profile) => {
  it("resources.arn is the list of the record's resource ARNs (CloudTrail's resources[].ARN); a new_terms field on it is expanded", () => {
    const r = convert(
      rule('data_stream.dataset:"aws.cloudtrail" and event.action:"AssumeRole"', {
        language: "kuery",
        index: ["logs-aws.cloudtrail-*"],
        type: "new_terms",
        more: '[rule.new_terms]\nfield = "new_terms_fields"\nvalue = ["aws.cloudtrail.resources.arn"]\n[[rule.new_terms.history_window_start]]\nfield = "history_window_start"\nvalue = "now-10d"',
      }),
      profile,
    );
    expect(r.status).toBe("ok");
    expect(r.text).toContain(`EcsResourcesArn = extract_all(@'"ARN"\\s*:\\s*"([^"\\\\]*)"', Resources)`);
    expect(r.text).toContain("| mv-expand EcsResourcesArn to typeof(string)");
  });
});
