import Yams

/// `proxy_protocol: {from: [10.0.0.5, 10.0.1.0/24], timeout: 3s}` (see `ProxyProtocolSettings`).
extension ConfigurationReader {
    mutating func readProxyProtocol(_ node: Node) -> ProxyProtocolSettings? {
        guard let fields = fields(of: node, "proxy_protocol", allowed: ["from", "timeout"]),
              let fromNode = required("from", in: fields),
              let entries = strings(fromNode, "proxy_protocol.from") else { return nil }
        var proxies: [CIDR] = []
        for (text, entry) in entries {
            do {
                proxies.append(try CIDR(parsing: text))
            } catch {
                diagnostics.report("invalid proxy_protocol.from entry \(SafeText.quoted(text)): \(error)", at: entry)
            }
        }
        // An empty list would switch the section on while trusting nobody: almost surely a
        // mistake, and one that refuses nothing, so it is reported rather than accepted.
        if entries.isEmpty {
            diagnostics.report("proxy_protocol.from must name at least one proxy address or network", at: fromNode)
            return nil
        }
        var settings = ProxyProtocolSettings(trustedProxies: proxies)
        if let value = fields["timeout"].flatMap({ duration($0, "proxy_protocol.timeout") }) {
            if value > .seconds(60) {
                diagnostics.report("proxy_protocol.timeout must be at most 60s", at: fields["timeout"] ?? node)
            } else {
                settings.headerTimeout = value
            }
        }
        return settings
    }
}
