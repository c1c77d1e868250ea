/// A named set of users, e.g. `oncall`. Membership is declared in either place, or both: a
/// user's own `groups: [oncall]`, or a top-level `groups:` entry's `members: [alice, bob]`.
/// `members` is the union of both, in the order the users are declared.
package struct UserGroup: Hashable, Sendable {
    package var name: String
    package var members: [String]

    package init(name: String, members: [String]) {
        self.name = name
        self.members = members
    }
}
