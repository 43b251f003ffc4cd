/**
 * Network sensors and firewalls (Packetbeat, Zeek, PAN-OS, ... indexes): both profiles
 * read them through ASIM's imNetworkSession (Defender has no table for them). ASIM
 * normalises a firewall's verdict in DvcAction (Allow, Deny, Drop, Drop ICMP, Reset, ...;
 * ASIM network session schema); Elastic's Packetbeat flows have event.action
 * "network_flow", PAN-OS denied / dropped sessions "flow_denied" / "flow_dropped".
 */
import { describe, expect, it } from "vitest";
import { convert, rule } from "./rule-text.js";

const SENSORS = ["logs-network_traffic.*", "logs-panw.panos*"];

describe.each(["asim", "mde"])("network sensor indexes (%s)", (profile) => {
  it("read ASIM network sessions", () => {
    const r = convert(rule("event.category:(network or network_traffic) and network.transport:tcp and destination.port:3389", { language: "kuery", index: SENSORS }), profile);
    expect(r.status).toBe("ok");
    expect(r.text.split("\n")[0]).toBe("imNetworkSession()");
    expect(r.text).toContain("DstPortNumber == 3389");
  });
  it("event.action: a flow is network_flow unless the device denied or dropped it (warned)", () => {
    const r = convert(rule("event.action:(network_flow or flow_started) and destination.port:22", { language: "kuery", index: SENSORS }), profile);
    expect(r.status).toBe("ok");
    expect(r.codes).toContain("SENTINEL203");
    expect(r.text).toMatch(/DvcAction == "Deny", "flow_denied"/);
    expect(r.text).toMatch(/EcsEventAction in \("network_flow", "flow_started"\)/);
  });
  it("an exception for another data stream drops out when the query also names Packetbeat flows (warned)", () => {
    const r = convert(
      rule('(data_stream.dataset:network_traffic.flow or event.category:network) and destination.port:3389 and not (data_stream.dataset:"panw.panos" and event.action:"flow_dropped")', {
        language: "kuery",
        index: SENSORS,
      }),
      profile,
    );
    expect(r.status).toBe("ok");
    expect(r.codes).toContain("SENTINEL207");
    expect(r.text).not.toContain("flow_dropped");
  });
});

describe("asim DNS lookups of unknown OS", () => {
  it("process.name is the last path component after either separator (warned)", () => {
    const r = convert(rule('network where dns.question.name != null and process.name in ("node", "node.exe")'), "asim");
    expect(r.status).toBe("ok");
    expect(r.text).toContain('EcsSrcProcessAnyBasename = extract(@"[^\\\\/]*$", 0, SrcProcessName)');
    expect(r.codes).toContain("SENTINEL203");
  });
});
