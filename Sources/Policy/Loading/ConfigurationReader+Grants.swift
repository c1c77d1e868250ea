import Yams

/// `grants:`. Only `to`, `targets` and `logins` exist today; keys such as `mode` or `until`
/// are unknown keys until they are implemented, so that nobody believes a restriction holds
/// that the gateway does not enforce.
extension ConfigurationReader {
    struct KnownNames {
        var users: Set<String>
        var organizations: Set<String>
        var targets: Set<String>
    }

    mutating func readGrants(_ node: Node, known: KnownNames) -> [Grant] {
        guard let items = sequence(node, "grants") else { return [] }
        var grants: [Grant] = []
        for (offset, item) in items.enumerated() {
            let errorsBefore = diagnostics.errors.count
            let what = "grant #\(offset + 1)"
            guard let fields = fields(of: item, what, allowed: ["to", "targets", "logins"]) else { continue }
            let subjects = required("to", in: fields).flatMap { readSubjects($0, grant: what, known: known) }
            let selector = required("targets", in: fields).flatMap { readSelector($0, grant: what, known: known) }
            let logins = required("logins", in: fields).flatMap { readLogins($0, grant: what) }
            if let subjects, let selector, let logins, diagnostics.errors.count == errorsBefore {
                grants.append(Grant(
                    index: offset + 1, line: diagnostics.location(of: item).line, sourceFile: sourcePath,
                    subjects: subjects, targetSelector: selector, logins: logins))
            }
        }
        return grants
    }

    private mutating func readSubjects(_ node: Node, grant: String, known: KnownNames) -> GrantSubjects? {
        let what = "\"to\" of \(grant)"
        guard let fields = fields(of: node, what, allowed: ["user", "users", "org", "orgs"]) else { return nil }
        var subjects = GrantSubjects()
        for (key, isList) in [("user", false), ("users", true)] {
            for (name, nameNode) in names(in: fields, key: key, isList: isList, what: "user in \(what)") {
                checkReference(name, at: nameNode, kind: "user", known: known.users, context: grant)
                if !subjects.users.contains(name) { subjects.users.append(name) }
            }
        }
        for (key, isList) in [("org", false), ("orgs", true)] {
            for (name, nameNode) in names(in: fields, key: key, isList: isList, what: "organization in \(what)") {
                checkReference(name, at: nameNode, kind: "organization", known: known.organizations, context: grant)
                if !subjects.organizations.contains(name) { subjects.organizations.append(name) }
            }
        }
        guard !subjects.isEmpty else {
            diagnostics.report("\(what) is empty; name at least one user or org", at: node)
            return nil
        }
        return subjects
    }

    private mutating func readSelector(_ node: Node, grant: String, known: KnownNames) -> TargetSelector? {
        let what = "\"targets\" of \(grant)"
        guard let fields = fields(of: node, what, allowed: ["names", "labels"]) else { return nil }
        var selector = TargetSelector()
        for (name, nameNode) in names(in: fields, key: "names", isList: true, what: "target in \(what)") {
            checkReference(name, at: nameNode, kind: "target", known: known.targets, context: grant)
            if !selector.names.contains(name) { selector.names.append(name) }
        }
        if let labelsNode = fields.optional("labels") {
            selector.labels = readLabels(labelsNode, "labels in \(what)") ?? [:]
        }
        guard !selector.isEmpty else {
            diagnostics.report("\(what) is empty; give target names or labels", at: node)
            return nil
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

    /// `user: alice` or `users: [alice, bob]`, and the same for orgs and target names.
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
