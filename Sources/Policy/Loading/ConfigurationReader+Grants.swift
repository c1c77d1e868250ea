import Yams

/// `grants:`: who (`to`), where (`targets`), as whom (`logins`) and how (`mode`); the
/// conditions and session limits are read in `ConfigurationReader+GrantConditions.swift`.
/// Every key is enforced: an unknown key is an error, so that nobody believes a restriction
/// holds that the gateway does not apply.
extension ConfigurationReader {
    struct KnownNames {
        var users: Set<String>
        var groups: Set<String>
        var organizations: Set<String>
        var targets: Set<String>
    }

    static let grantKeys = [
        "to", "targets", "logins", "mode", "from", "until", "hours", "require_ticket", "max_session", "source", "forwarding",
    ]

    mutating func readGrants(_ node: Node, known: KnownNames) -> [Grant] {
        guard let items = sequence(node, "grants") else { return [] }
        var grants: [Grant] = []
        for (offset, item) in items.enumerated() {
            let errorsBefore = diagnostics.errors.count
            let what = "grant #\(offset + 1)"
            guard let fields = fields(of: item, what, allowed: Self.grantKeys) else { continue }
            let mode = fields.optional("mode").flatMap { readMode($0, grant: what) } ?? .record
            let subjects = required("to", in: fields).flatMap { readSubjects($0, grant: what, known: known) }
            let selector = required("targets", in: fields).flatMap { readSelector($0, grant: what, known: known) }
            var logins: [String]? = []
            if mode == .record {
                logins = required("logins", in: fields).flatMap { readLogins($0, grant: what) }
            } else if let loginsNode = fields["logins"] {
                diagnostics.report(
                    "\(what) is a tunnel grant: the client logs in to the target itself, so the gateway cannot enforce logins; remove them",
                    at: loginsNode)
            }
            let conditions = readConditions(fields, grant: what, mode: mode, known: known)
            if let subjects, let selector, let logins, diagnostics.errors.count == errorsBefore {
                grants.append(Grant(
                    index: offset + 1, line: diagnostics.location(of: item).line, sourceFile: sourcePath,
                    subjects: subjects, targetSelector: selector, logins: logins, mode: mode,
                    from: conditions.from, until: conditions.until, hours: conditions.hours,
                    ticketRule: conditions.ticketRule, maxSession: conditions.maxSession,
                    sources: conditions.sources, forwarding: conditions.forwarding))
            }
        }
        return grants
    }

    private mutating func readMode(_ node: Node, grant: String) -> GrantMode? {
        guard let text = string(node, "mode of \(grant)") else { return nil }
        guard let mode = GrantMode(rawValue: text) else {
            diagnostics.report("unknown mode \(SafeText.quoted(text)) in \(grant); expected record or tunnel", at: node)
            return nil
        }
        return mode
    }

    mutating func readSubjects(_ node: Node, grant: String, known: KnownNames) -> GrantSubjects? {
        let what = "\"to\" of \(grant)"
        guard let fields = fields(of: node, what, allowed: ["user", "users", "group", "groups", "org", "orgs"]) else { return nil }
        var subjects = GrantSubjects()
        let kinds: [(single: String, list: String, kind: String, known: Set<String>, path: WritableKeyPath<GrantSubjects, [String]>)] = [
            ("user", "users", "user", known.users, \.users),
            ("group", "groups", "group", known.groups, \.groups),
            ("org", "orgs", "organization", known.organizations, \.organizations),
        ]
        for entry in kinds {
            for (key, isList) in [(entry.single, false), (entry.list, true)] {
                for (name, nameNode) in names(in: fields, key: key, isList: isList, what: "\(entry.kind) in \(what)") {
                    checkReference(name, at: nameNode, kind: entry.kind, known: entry.known, context: grant)
                    if !subjects[keyPath: entry.path].contains(name) { subjects[keyPath: entry.path].append(name) }
                }
            }
        }
        guard !subjects.isEmpty else {
            diagnostics.report("\(what) is empty; name at least one user, group or org", at: node)
            return nil
        }
        return subjects
    }

    mutating func readSelector(_ node: Node, grant: String, known: KnownNames) -> TargetSelector? {
        let what = "\"targets\" of \(grant)"
        guard let fields = fields(of: node, what, allowed: ["names", "labels"]) else { return nil }
        var selector = TargetSelector()
        for (name, nameNode) in names(in: fields, key: "names", isList: true, what: "target in \(what)") {
            checkReference(name, at: nameNode, kind: "target", known: known.targets, context: grant)
            if !selector.names.contains(name) { selector.names.append(name) }
        }
        if let labelsNode = fields.optional("labels") {
            selector.labels = readLabelSelector(labelsNode, "labels in \(what)") ?? [:]
        }
        guard !selector.isEmpty else {
            diagnostics.report("\(what) is empty; give target names or labels", at: node)
            return nil
        }
        return selector
    }

    /// `env: prod` (equality) and `app: [shop, search]` (any of these values).
    private mutating func readLabelSelector(_ node: Node, _ what: String) -> LabelSelector? {
        guard case .mapping(let mapping) = node else {
            diagnostics.report("expected a mapping for \(what), found \(node.kindDescription)", at: node)
            return nil
        }
        var selector = LabelSelector()
        for (keyNode, valueNode) in mapping {
            guard let key = validName(keyNode, "label key in \(what)") else { continue }
            switch valueNode {
            case .sequence(let items):
                guard !items.isEmpty else {
                    diagnostics.report("label \(key) in \(what) lists no values; give one value or a list of values", at: valueNode)
                    continue
                }
                let values = items.compactMap { labelValue($0, key: key, what: what) }
                if values.count == items.count { selector.requirements[key] = Set(values) }
            case .mapping:
                diagnostics.report(
                    "label \(key) in \(what): write a value (\(key): prod) or a list of values (\(key): [shop, search])",
                    at: valueNode)
            case .scalar, .alias:
                if let value = labelValue(valueNode, key: key, what: what) { selector.requirements[key] = [value] }
            }
        }
        return selector
    }

    private mutating func readLogins(_ node: Node, grant: String) -> [String]? {
        let what = "logins of \(grant)"
        guard let entries = strings(node, what) else { return nil }
        guard !entries.isEmpty else {
            diagnostics.report("\(what) is empty; list each login the grant allows", at: node)
            return nil
        }
        var logins: [String] = []
        for (text, entry) in entries {
            // A wildcard would silently extend the grant to root and to every account added
            // on the target later; grants must say which accounts they open.
            if text == "*" {
                diagnostics.report("\(what): \"*\" is not allowed; list each login explicitly", at: entry)
                continue
            }
            guard let login = validLogin(entry, "login in \(what)") else { continue }
            if !logins.contains(login) { logins.append(login) }
        }
        return logins
    }

    /// `user: alice` or `users: [alice, bob]`, and the same for groups, orgs and target names.
    private mutating func names(in fields: Fields, key: String, isList: Bool, what: String) -> [(String, Node)] {
        guard let node = fields.optional(key) else { return [] }
        let entries: [Node]
        if isList {
            guard let items = sequence(node, "\(key) in \(fields.what)") else { return [] }
            entries = items
        } else {
            entries = [node]
        }
        return entries.compactMap { entry in validName(entry, what).map { ($0, entry) } }
    }
}
