/// Who a grant is for: named users, groups and whole organisations. Any listed entry matching is enough.
package struct GrantSubjects: Hashable, Sendable {
    package var users: [String]
    package var groups: [String]
    package var organizations: [String]

    package init(users: [String] = [], groups: [String] = [], organizations: [String] = []) {
        self.users = users
        self.groups = groups
        self.organizations = organizations
    }

    package var isEmpty: Bool { users.isEmpty && groups.isEmpty && organizations.isEmpty }

    package func includes(_ user: User) -> Bool {
        users.contains(user.name) || organizations.contains(user.organization) || user.groups.contains(where: groups.contains)
    }
}
