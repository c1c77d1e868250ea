import Yams

/// `upstream_auth:` (top level and per target) and the `certificates:` section.
extension ConfigurationReader {
    mutating func readUpstreamAuthentication(_ node: Node, _ what: String) -> UpstreamAuthentication? {
        guard let text = string(node, what) else { return nil }
        guard let mode = UpstreamAuthentication(rawValue: text) else {
            diagnostics.report("invalid \(what) \(SafeText.quoted(text)): expected key or certificate", at: node)
            return nil
        }
        return mode
    }

    mutating func readCertificates(_ node: Node) -> CertificateSettings {
        var settings = CertificateSettings()
        guard let fields = fields(of: node, "certificates", allowed: ["validity", "source_address"]) else { return settings }
        if let validityNode = fields["validity"], let validity = duration(validityNode, "certificates.validity") {
            if validity < .seconds(60) || validity > CertificateSettings.maximumValidity {
                diagnostics.report("certificates.validity must be between 1m and 24h", at: validityNode)
            } else {
                settings.validity = validity
            }
        }
        if let addressNode = fields["source_address"] {
            settings.sourceAddresses = readSourceAddresses(addressNode)
        }
        return settings
    }

    /// One CIDR or a list of them, as the `source-address` critical option takes.
    private mutating func readSourceAddresses(_ node: Node) -> [String] {
        let items: [(text: String, node: Node)]
        if case .scalar = node {
            guard let text = string(node, "certificates.source_address") else { return [] }
            items = [(text, node)]
        } else {
            items = strings(node, "certificates.source_address") ?? []
        }
        var addresses: [String] = []
        for item in items {
            do {
                addresses.append(try CIDR(parsing: item.text).description)
            } catch {
                diagnostics.report(
                    "invalid certificates.source_address \(SafeText.quoted(item.text)): expected an address or CIDR (\(error))",
                    at: item.node)
            }
        }
        return addresses
    }

}
