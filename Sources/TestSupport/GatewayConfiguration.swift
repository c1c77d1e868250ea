/// The gateway's YAML configuration, written by tests from values. Rendered by hand (flow
/// mappings, one entry per line) so that line numbers are predictable and TestSupport
/// needs no YAML library.
package struct GatewayConfiguration: Sendable {
    package struct User: Sendable {
        package var name: String
        package var organization: String
        package var keys: [String] = []
        package var keysFile: String?

        package init(name: String, organization: String, keys: [String] = [], keysFile: String? = nil) {
            self.name = name
            self.organization = organization
            self.keys = keys
            self.keysFile = keysFile
        }
    }

    package struct Target: Sendable {
        package var name: String
        package var address: String
        /// "SHA256:…"; nil leaves the target unpinned until `tracegate target trust`.
        package var hostKey: String?
        package var defaultLogin: String?
        /// More `key: value` fields of the flow mapping, as written (e.g. "upstream_auth: certificate").
        package var extraFields: [String] = []

        package init(name: String, address: String, hostKey: String?, defaultLogin: String? = nil,
                     extraFields: [String] = []) {
            self.name = name
            self.address = address
            self.hostKey = hostKey
            self.defaultLogin = defaultLogin
            self.extraFields = extraFields
        }
    }

    package enum Principal: Sendable {
        case user(String)
        case organization(String)
    }

    package struct Grant: Sendable {
        package var to: Principal
        package var targets: [String]
        package var logins: [String]
        /// More `key: value` fields of the flow mapping, as written (e.g. `source: [127.0.0.9]`).
        package var conditions: [String]

        package init(to: Principal, targets: [String], logins: [String], conditions: [String] = []) {
            self.to = to
            self.targets = targets
            self.logins = logins
            self.conditions = conditions
        }
    }

    package var listenPort: UInt16
    package var stateDirectory: String
    /// Rendered as `limits: {key: value, …}` in this order, e.g. ("auth_timeout", "30s").
    package var limits: [(String, String)] = []
    /// Rendered as `recording: {key: value, …}`, e.g. ("max_session_size", "4MiB").
    package var recording: [(String, String)] = []
    /// Rendered as `penalties: {key: value, …}`, e.g. ("exempt", "[127.0.0.1]").
    package var penalties: [(String, String)] = []
    package var organizations: [String] = ["retailer", "provider"]
    package var users: [User] = []
    package var targets: [Target] = []
    package var grants: [Grant] = []
    /// `metrics.listen`: off unless a test asks for it, so that gateways of parallel test
    /// runs never contend for the default port.
    package var metricsListen = "off"
    /// Top-level lines appended as written (e.g. "log_format: json").
    package var extraLines: [String] = []

    package init(listenPort: UInt16, stateDirectory: String) {
        self.listenPort = listenPort
        self.stateDirectory = stateDirectory
    }

    package func yaml() -> String {
        var lines = [
            "listen: 127.0.0.1:\(listenPort)",
            "state_dir: \(Self.quote(stateDirectory))",
            "metrics: {listen: \(metricsListen)}",
        ]
        if !limits.isEmpty {
            lines.append("limits: {" + limits.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}")
        }
        if !recording.isEmpty {
            lines.append("recording: {" + recording.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}")
        }
        if !penalties.isEmpty {
            lines.append("penalties: {" + penalties.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}")
        }
        lines.append("organizations: " + Self.list(organizations))
        lines.append("users:")
        for user in users {
            var fields = ["name: \(Self.quote(user.name))", "org: \(Self.quote(user.organization))"]
            if !user.keys.isEmpty { fields.append("keys: " + Self.list(user.keys)) }
            if let keysFile = user.keysFile { fields.append("keys_file: \(Self.quote(keysFile))") }
            lines.append("  - {" + fields.joined(separator: ", ") + "}")
        }
        lines.append("targets:")
        for target in targets {
            var fields = ["name: \(Self.quote(target.name))", "address: \(Self.quote(target.address))"]
            if let hostKey = target.hostKey { fields.append("host_key: \(Self.quote(hostKey))") }
            if let login = target.defaultLogin { fields.append("default_login: \(Self.quote(login))") }
            fields += target.extraFields
            lines.append("  - {" + fields.joined(separator: ", ") + "}")
        }
        lines.append("grants:")
        for grant in grants {
            let principal: String
            switch grant.to {
            case .user(let name): principal = "{user: \(Self.quote(name))}"
            case .organization(let name): principal = "{org: \(Self.quote(name))}"
            }
            let conditions = grant.conditions.map { ", " + $0 }.joined()
            lines.append(
                "  - {to: \(principal), targets: {names: \(Self.list(grant.targets))}, logins: \(Self.list(grant.logins))\(conditions)}"
            )
        }
        lines += extraLines
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar: safe for key lines, paths and "SHA256:…+/=" values.
    package static func quote(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func list(_ values: [String]) -> String {
        "[" + values.map(quote).joined(separator: ", ") + "]"
    }
}
