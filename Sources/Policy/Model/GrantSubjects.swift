/// Who a grant is for: named users and whole organisations. Any listed entry matching is enough.
package struct GrantSubjects: Hashable, Sendable {
    package var users: [String]
    package var organizations: [String]

    package init(users: [String] = [], organizations: [String] = []) {
        self.users = users
        self.organizations = organizations
    }

    package var isEmpty: Bool { users.isEmpty && organizations.isEmpty }

    package func includes(_ user: User) -> Bool {
        users.contains(user.name) || organizations.contains(user.organization)
    }
}
