import Yams

/// The keys of a grant that restrict when, from where and under which ticket it applies, and
/// what an allowed session may do: `from`, `until`, `hours`, `require_ticket`, `max_session`,
/// `source`, `forwarding`.
extension ConfigurationReader {
    struct GrantConditions {
        var from: ValidityBound?
        var until: ValidityBound?
        var hours: [TimeWindow] = []
        var ticketRule: TicketRule = .notRequired
        var maxSession: Duration?
        var sources: [CIDR] = []
        var forwarding: [HostAndPort] = []
        var files = FileRules()
    }

    mutating func readConditions(_ fields: Fields, grant: String, mode: GrantMode, known: KnownNames) -> GrantConditions {
        var conditions = GrantConditions()
        conditions.from = fields.optional("from").flatMap { readBound($0, key: "from", role: .from, grant: grant) }
        if let node = fields.optional("until") {
            conditions.until = readBound(node, key: "until", role: .until, grant: grant)
            if let from = conditions.from, let until = conditions.until, until.date <= from.date {
                diagnostics.report("until \(until) of \(grant) is not after its from \(from); the grant could never apply", at: node)
            }
        }
        if let node = fields.optional("hours") {
            conditions.hours = oneOrMany(node, "hours of \(grant)").compactMap { readWindow($0, grant: grant) }
        }
        conditions.ticketRule = fields.optional("require_ticket").flatMap { readTicketRule($0, grant: grant) } ?? .notRequired
        conditions.maxSession = fields.optional("max_session").flatMap { readMaxSession($0, grant: grant) }
        if let node = fields.optional("source") {
            conditions.sources = oneOrMany(node, "source of \(grant)").compactMap { readSource($0, grant: grant) }
        }
        if let node = fields["forwarding"] {
            if mode == .tunnel {
                diagnostics.report(
                    "\(grant) is a tunnel grant: forwarding inside a tunnel is end to end and cannot be restricted; remove forwarding",
                    at: node)
            } else if !node.isNull {
                conditions.forwarding = oneOrMany(node, "forwarding of \(grant)", allowEmpty: true).compactMap {
                    readForwarding($0, grant: grant, targets: known.targets)
                }
            }
        }
        if let node = fields["files"] {
            if mode == .tunnel {
                diagnostics.report(
                    "\(grant) is a tunnel grant: its sessions are end to end and their files cannot be seen; remove files",
                    at: node)
            } else {
                conditions.files = readFileRules(node, grant: grant)
            }
        }
        return conditions
    }

    /// `files: {upload: allow|deny, download: allow|deny, paths: [GLOB, …]}`.
    private mutating func readFileRules(_ node: Node, grant: String) -> FileRules {
        var rules = FileRules()
        let what = "files of \(grant)"
        guard let fields = fields(of: node, what, allowed: ["upload", "download", "paths"]) else { return rules }
        for (key, path) in [("upload", \FileRules.upload), ("download", \FileRules.download)] {
            guard let valueNode = fields[key], let text = string(valueNode, "files.\(key) of \(grant)") else { continue }
            guard let access = FileRules.Access(rawValue: text) else {
                diagnostics.report("invalid files.\(key) \(SafeText.quoted(text)) in \(grant): expected allow or deny", at: valueNode)
                continue
            }
            rules[keyPath: path] = access
        }
        if let pathsNode = fields["paths"] {
            for item in oneOrMany(pathsNode, "files.paths of \(grant)") {
                guard let glob = string(item, "files.paths of \(grant)") else { continue }
                guard glob.hasPrefix("/"), glob.utf8.count <= 1024, !glob.contains("\0") else {
                    diagnostics.report(
                        "invalid files.paths entry \(SafeText.quoted(glob)) in \(grant): expected an absolute glob such as /srv/exchange/*",
                        at: item)
                    continue
                }
                rules.paths.append(glob)
            }
        }
        return rules
    }

    /// A single string or a list of them. An empty list would restrict to nothing at all,
    /// which is never what was meant: omitting the key is how to say "no restriction".
    mutating func oneOrMany(_ node: Node, _ what: String, allowEmpty: Bool = false) -> [Node] {
        if case .scalar = node { return [node] }
        guard let items = sequence(node, what) else { return [] }
        if items.isEmpty && !allowEmpty {
            diagnostics.report("\(what) is empty; omit the key for no restriction", at: node)
        }
        return items
    }

    private mutating func readBound(_ node: Node, key: String, role: ValidityBound.Role, grant: String) -> ValidityBound? {
        guard let text = string(node, "\(key) of \(grant)") else { return nil }
        do {
            return try ValidityBound(parsing: text, as: role)
        } catch {
            diagnostics.report("invalid \(key) \(SafeText.quoted(text)) of \(grant): \(error)", at: node)
            return nil
        }
    }

    private mutating func readWindow(_ node: Node, grant: String) -> TimeWindow? {
        guard let text = string(node, "hours of \(grant)") else { return nil }
        do {
            return try TimeWindow(parsing: text)
        } catch {
            diagnostics.report("invalid hours \(SafeText.quoted(text)) of \(grant): \(error)", at: node)
            return nil
        }
    }

    /// `true`, `false`, or a pattern. YAML 1.1's other spellings of booleans (`yes`, `on`, …)
    /// are refused rather than read as patterns that would match almost no ticket.
    private mutating func readTicketRule(_ node: Node, grant: String) -> TicketRule? {
        guard let text = string(node, "require_ticket of \(grant)") else { return nil }
        switch text.lowercased() {
        case "true": return .required
        case "false": return .notRequired
        case "yes", "no", "on", "off", "y", "n":
            if node.scalar?.style == .plain {
                diagnostics.report(
                    "require_ticket of \(grant) is \(SafeText.quoted(text)); write true, false, or a quoted pattern", at: node)
                return nil
            }
        default: break
        }
        guard !text.isEmpty, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            diagnostics.report(
                "invalid require_ticket pattern \(SafeText.quoted(text)) of \(grant): expected a non-empty pattern without control characters",
                at: node)
            return nil
        }
        if let problem = TicketRule.isValidPattern(text) {
            let firstLine = problem.split(separator: "\n").first.map(String.init) ?? problem
            diagnostics.report("invalid require_ticket pattern \(SafeText.quoted(text)) of \(grant): \(firstLine)", at: node)
            return nil
        }
        return .matching(text)
    }

    mutating func readMaxSession(_ node: Node, grant: String) -> Duration? {
        guard let text = string(node, "max_session of \(grant)") else { return nil }
        guard let duration = ScalarSyntax.duration(text) else {
            diagnostics.report(
                "invalid max_session \(SafeText.quoted(text)) of \(grant): expected a positive duration such as 30m or 8h", at: node)
            return nil
        }
        return duration
    }

    mutating func readSource(_ node: Node, grant: String) -> CIDR? {
        guard let text = string(node, "source of \(grant)") else { return nil }
        do {
            return try CIDR(parsing: text)
        } catch {
            diagnostics.report("invalid source \(SafeText.quoted(text)) of \(grant): \(error)", at: node)
            return nil
        }
    }

    /// `HOST:PORT` where HOST is a declared target, an IP address (IPv6 in brackets) or a fully
    /// qualified DNS name. A single-label name that is no target is most likely a misspelt
    /// target, so it is an error rather than a DNS lookup.
    private mutating func readForwarding(_ node: Node, grant: String, targets: Set<String>) -> HostAndPort? {
        guard let text = string(node, "forwarding of \(grant)") else { return nil }
        let prefix = "invalid forwarding destination \(SafeText.quoted(text)) of \(grant)"
        if text == "*" || text.hasPrefix("*:") || text.hasSuffix(":*") {
            diagnostics.report("\(prefix): wildcards are not allowed; list each HOST:PORT", at: node)
            return nil
        }
        let destination: HostAndPort
        do {
            destination = try HostAndPort(parsing: text)
        } catch {
            diagnostics.report("\(prefix): \(error)", at: node)
            return nil
        }
        let host = destination.host
        let looksNumeric = host.allSatisfy { $0.isNumber || $0 == "." }
        guard IPAddress(parsing: host) != nil || targets.contains(host) || (host.contains(".") && !looksNumeric) else {
            let reason = looksNumeric
                ? "\(SafeText.quoted(host)) is not a valid IPv4 address"
                : "\(SafeText.quoted(host)) is neither a declared target, an IP address nor a fully qualified host name"
            diagnostics.report("\(prefix): \(reason)", at: node)
            return nil
        }
        return destination
    }
}
