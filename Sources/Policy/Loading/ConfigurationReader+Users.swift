import Yams

/// `organizations:` and `users:`, including their keys and the rule that a key belongs to one user.
extension ConfigurationReader {
    /// `[retailer, provider]`, where an entry may also be `{name: retailer, mfa: required}`.
    mutating func readOrganizations(_ node: Node) -> [String] {
        guard let items = sequence(node, "organizations") else { return [] }
        var registry = NameRegistry()
        var organizations: [String] = []
        for item in items {
            var entry = item
            var requiresSecondFactor = false
            if case .mapping = item {
                guard let fields = fields(of: item, "organization", allowed: ["name", "mfa"]),
                      let nameNode = required("name", in: fields) else { continue }
                entry = nameNode
                if let node = fields.optional("mfa") {
                    requiresSecondFactor = readSecondFactorRequirement(node, "mfa of organization") == true
                }
            }
            guard let name = validName(entry, "organization name") else { continue }
            if requiresSecondFactor { secondFactorRequired.organizations.append(name) }
            if let first = registry.declare(name, line: diagnostics.location(of: entry).line) {
                diagnostics.report("duplicate organization \"\(name)\" (first declared on line \(first))", at: entry)
                continue
            }
            organizations.append(name)
        }
        return organizations
    }

    struct ReadUsers {
        var users: [User] = []
        /// Every user name declared, valid user or not, so that grants naming a user with,
        /// say, a broken key do not also report an "unknown user".
        var names: Set<String> = []
        /// Every group a user entry names, valid user or not, for the same reason.
        var groupNames: Set<String> = []
    }

    /// The valid users, each with the groups its own entry names (top-level `groups:` are merged later).
    mutating func readUsers(_ node: Node, organizations: Set<String>) -> ReadUsers {
        guard let items = sequence(node, "users") else { return ReadUsers() }
        var result = ReadUsers()
        var registry = NameRegistry()
        var keyOwners: [[UInt8]: String] = [:]
        for item in items {
            let errorsBefore = diagnostics.errors.count
            guard let fields = fields(of: item, "user", allowed: ["name", "org", "groups", "keys", "keys_file", "mfa"]) else { continue }
            let nameNode = required("name", in: fields)
            let name = nameNode.flatMap { validName($0, "user name") }
            if let name, let nameNode, let first = registry.declare(name, line: diagnostics.location(of: nameNode).line) {
                diagnostics.report("duplicate user name \"\(name)\" (first defined on line \(first))", at: nameNode)
            }
            let label = name.map { "user \($0)" } ?? "user"
            var organization: String?
            if let orgNode = required("org", in: fields), let org = validName(orgNode, "organization of \(label)") {
                checkReference(org, at: orgNode, kind: "organization", known: organizations, context: label)
                organization = org
            }
            var keys: [AuthorizedKey] = []
            for located in readKeys(fields, label: label) {
                if let owner = keyOwners[located.key.blob] {
                    if owner != name {
                        diagnostics.report(
                            "key \(located.key) is given to both \(owner) and \(name ?? "an unnamed user"); a key must belong to exactly one user",
                            at: located.location)
                    }
                    continue
                }
                if let name { keyOwners[located.key.blob] = name }
                keys.append(located.key)
            }
            var groups: [String] = []
            if let groupsNode = fields.optional("groups"), let entries = sequence(groupsNode, "groups of \(label)") {
                for entry in entries {
                    guard let group = validName(entry, "group name in groups of \(label)") else { continue }
                    if !groups.contains(group) { groups.append(group) }
                }
            }
            result.groupNames.formUnion(groups)
            if let name, let node = fields.optional("mfa"), readSecondFactorRequirement(node, "mfa of \(label)") == true {
                secondFactorRequired.users.append(name)
            }
            if let name, let organization, diagnostics.errors.count == errorsBefore {
                result.users.append(User(name: name, organization: organization, keys: keys, groups: groups))
            }
        }
        result.names = registry.names
        return result
    }

    private struct LocatedKey {
        var key: AuthorizedKey
        var location: SourceLocation
    }

    private mutating func readKeys(_ fields: Fields, label: String) -> [LocatedKey] {
        guard fields.has("keys") || fields.has("keys_file") else {
            diagnostics.report("\(label) is missing required key \"keys\" or \"keys_file\"", at: fields.node)
            return []
        }
        let errorsBefore = diagnostics.errors.count
        var keys: [LocatedKey] = []
        if let keysNode = fields.optional("keys"), let entries = strings(keysNode, "keys of \(label)") {
            for (text, entry) in entries {
                do {
                    keys.append(LocatedKey(key: try AuthorizedKey(line: text), location: diagnostics.location(of: entry)))
                } catch {
                    diagnostics.report("invalid key for \(label): \(error)", at: entry)
                }
            }
        }
        if let fileNode = fields.optional("keys_file"), let path = string(fileNode, "keys_file of \(label)") {
            do {
                for line in try KeysFile.keyLines(atPath: path) {
                    let location = SourceLocation(file: path, line: line.number, column: 1)
                    do {
                        keys.append(LocatedKey(key: try AuthorizedKey(line: line.text), location: location))
                    } catch {
                        diagnostics.report("invalid key for \(label): \(error)", at: location)
                    }
                }
            } catch {
                diagnostics.report("cannot read keys_file \(KeysFile.describe(path)) of \(label): \(error)", at: fileNode)
            }
        }
        // An empty key list is only worth reporting when nothing else explains it.
        if keys.isEmpty && diagnostics.errors.count == errorsBefore {
            diagnostics.report("\(label) has no keys", at: fields.node)
        }
        return keys
    }
}
