import Yams

/// The top-level `groups:` list: `{name: oncall, members: [alice, bob]}`. A group may also be
/// declared only by the users that name it in their own `groups:`; both ways combine.
extension ConfigurationReader {
    mutating func readGroups(_ node: Node, users: Set<String>) -> [UserGroup] {
        guard let items = sequence(node, "groups") else { return [] }
        var registry = NameRegistry()
        var groups: [UserGroup] = []
        for item in items {
            guard let fields = fields(of: item, "group", allowed: ["name", "members", "mfa"]) else { continue }
            let nameNode = required("name", in: fields)
            let name = nameNode.flatMap { validName($0, "group name") }
            if let name, let nameNode, let first = registry.declare(name, line: diagnostics.location(of: nameNode).line) {
                diagnostics.report("duplicate group name \"\(name)\" (first defined on line \(first))", at: nameNode)
                continue
            }
            let label = name.map { "group \($0)" } ?? "group"
            var members: [String] = []
            // Required although it may be empty: `members: []` says "nobody for now" on purpose.
            if !fields.has("members") {
                diagnostics.report("\(label) is missing required key \"members\"", at: fields.node)
            } else if let membersNode = fields.optional("members"), let entries = sequence(membersNode, "members of \(label)") {
                for entry in entries {
                    guard let member = validName(entry, "member of \(label)") else { continue }
                    checkReference(member, at: entry, kind: "user", known: users, context: label)
                    if !members.contains(member) { members.append(member) }
                }
            }
            if let name, let node = fields.optional("mfa"), readSecondFactorRequirement(node, "mfa of \(label)") == true {
                secondFactorRequired.groups.append(name)
            }
            if let name { groups.append(UserGroup(name: name, members: members)) }
        }
        return groups
    }

    /// Gives every user the groups that list them, and every group all its members, in the
    /// order users are declared; groups named only by users follow the declared ones.
    static func mergeGroups(users: inout [User], declared: [UserGroup]) -> [UserGroup] {
        for index in users.indices {
            for group in declared where group.members.contains(users[index].name) && !users[index].groups.contains(group.name) {
                users[index].groups.append(group.name)
            }
        }
        var names = declared.map(\.name)
        for user in users {
            for group in user.groups where !names.contains(group) { names.append(group) }
        }
        return names.map { name in
            UserGroup(name: name, members: users.filter { $0.groups.contains(name) }.map(\.name))
        }
    }
}
