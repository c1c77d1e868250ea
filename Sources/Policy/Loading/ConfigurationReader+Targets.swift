import Yams

/// `targets:` and the label values shared with grant selectors.
extension ConfigurationReader {
    mutating func readTargets(_ node: Node, organizations: Set<String>) -> (targets: [Target], names: Set<String>) {
        guard let items = sequence(node, "targets") else { return ([], []) }
        var registry = NameRegistry()
        var targets: [Target] = []
        let keys = ["name", "address", "host_key", "default_login", "owner", "labels", "upstream_auth", "environment"]
        for item in items {
            let errorsBefore = diagnostics.errors.count
            guard let fields = fields(of: item, "target", allowed: keys) else { continue }
            let nameNode = required("name", in: fields)
            let name = nameNode.flatMap { validName($0, "target name") }
            if let name, let nameNode, let first = registry.declare(name, line: diagnostics.location(of: nameNode).line) {
                diagnostics.report("duplicate target name \"\(name)\" (first defined on line \(first))", at: nameNode)
            }
            let label = name.map { "target \($0)" } ?? "target"
            var address: HostAndPort?
            if let addressNode = required("address", in: fields), let text = string(addressNode, "address of \(label)") {
                do {
                    address = try HostAndPort(parsing: text)
                } catch {
                    diagnostics.report("invalid address \(SafeText.quoted(text)) for \(label): \(error)", at: addressNode)
                }
            }
            var hostKey: HostKeyPin?
            if let keyNode = fields.optional("host_key"), let text = string(keyNode, "host_key of \(label)") {
                do {
                    hostKey = try HostKeyPin(parsing: text)
                } catch {
                    diagnostics.report("invalid host_key for \(label): \(error)", at: keyNode)
                }
            }
            let defaultLogin = fields.optional("default_login").flatMap { validLogin($0, "default_login of \(label)") }
            var owner: String?
            if let ownerNode = fields.optional("owner"), let org = validName(ownerNode, "owner of \(label)") {
                checkReference(org, at: ownerNode, kind: "organization", known: organizations, context: label)
                owner = org
            }
            let labels = fields.optional("labels").flatMap { readLabels($0, "labels of \(label)") } ?? [:]
            let upstreamAuthentication = fields.optional("upstream_auth").flatMap {
                readUpstreamAuthentication($0, "upstream_auth of \(label)")
            }
            let environment = fields.optional("environment").flatMap { boolean($0, "environment of \(label)") } ?? true
            if let name, let address, diagnostics.errors.count == errorsBefore {
                targets.append(Target(
                    name: name, host: address.host, port: address.port, hostKey: hostKey,
                    defaultLogin: defaultLogin, owner: owner, labels: labels,
                    upstreamAuthentication: upstreamAuthentication, sendsIdentityEnvironment: environment))
            }
        }
        return (targets, registry.names)
    }

    /// Keys follow the name grammar; values are free text without control characters, so that
    /// `region: eu west` is possible and nothing printed from a label can drive a terminal.
    mutating func readLabels(_ node: Node, _ what: String) -> [String: String]? {
        guard case .mapping(let mapping) = node else {
            diagnostics.report("expected a mapping for \(what), found \(node.kindDescription)", at: node)
            return nil
        }
        var labels: [String: String] = [:]
        for (keyNode, valueNode) in mapping {
            guard let key = validName(keyNode, "label key in \(what)") else { continue }
            guard let value = labelValue(valueNode, key: key, what: what) else { continue }
            labels[key] = value
        }
        return labels
    }

    mutating func labelValue(_ node: Node, key: String, what: String) -> String? {
        guard let value = string(node, "label \(key) in \(what)") else { return nil }
        guard !value.isEmpty, value.count <= 255, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            diagnostics.report(
                "invalid value \(SafeText.quoted(value)) for label \(key): expected 1 to 255 characters without control characters",
                at: node)
            return nil
        }
        return value
    }
}
