import Policy
import Testing

@Suite("Configuration: proxy_protocol (trusted load balancers)")
struct ProxyProtocolSettingsTests {
    @Test func absentTrustsNobody() throws {
        let configuration = try ConfigurationLoader.load(yaml: "listen: 127.0.0.1:2222\n", sourcePath: "off.yaml")
        #expect(configuration.proxyProtocol == nil)
    }

    @Test func theProxiesAreTrustedAndExemptFromPenalties() throws {
        let configuration = try ConfigurationLoader.load(yaml: """
            penalties: {exempt: [192.0.2.7]}
            proxy_protocol: {from: [10.0.0.5, "10.0.1.0/24", "2001:db8::/64"], timeout: 5s}
            """, sourcePath: "proxy.yaml")
        let proxy = try #require(configuration.proxyProtocol)
        #expect(proxy.headerTimeout == .seconds(5))
        #expect(proxy.trusts("10.0.0.5") && proxy.trusts("10.0.1.200") && proxy.trusts("2001:db8::9"))
        #expect(proxy.trusts("::ffff:10.0.0.5"))
        #expect(!proxy.trusts("10.0.0.6") && !proxy.trusts("2001:db8:0:1::9") && !proxy.trusts("unknown"))
        // A penalty on a proxy would lock out everyone behind it.
        #expect(configuration.penalties.exempt.map(\.description) == ["192.0.2.7", "10.0.0.5", "10.0.1.0/24", "2001:db8::/64"])
    }

    @Test func theTimeoutHasADefault() throws {
        let configuration = try ConfigurationLoader.load(yaml: "proxy_protocol: {from: [127.0.0.2]}\n", sourcePath: "p.yaml")
        #expect(configuration.proxyProtocol?.headerTimeout == Defaults.proxyHeaderTimeout)
    }

    @Test func badValuesAreReportedWithTheirPlace() {
        expectConfigurationErrors("""
            proxy_protocol: {from: [10.0.0.1/8, nowhere], timeout: 2m, sniff: yes}
            """, [
            ExpectedError(1, 25, #"invalid proxy_protocol.from entry "10.0.0.1/8": host bits are set"#),
            ExpectedError(1, 37, #"invalid proxy_protocol.from entry "nowhere""#),
            ExpectedError(1, 56, "proxy_protocol.timeout must be at most 60s"),
            ExpectedError(1, 60, #"unknown key "sniff" in proxy_protocol"#),
        ])
        expectConfigurationErrors("proxy_protocol: {from: []}\n", [
            ExpectedError(1, 24, "proxy_protocol.from must name at least one proxy address or network"),
        ])
        expectConfigurationErrors("proxy_protocol: {timeout: 3s}\n", [
            ExpectedError(1, 17, #"proxy_protocol is missing required key "from""#),
        ])
    }
}
