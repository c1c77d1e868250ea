/// An engineer, identified by the keys they present; every key belongs to exactly one user.
package struct User: Hashable, Sendable {
    package var name: String
    package var organization: String
    package var keys: [AuthorizedKey]
    /// Every group the user is in, however the membership was declared.
    package var groups: [String]

    package init(name: String, organization: String, keys: [AuthorizedKey], groups: [String] = []) {
        self.name = name
        self.organization = organization
        self.keys = keys
        self.groups = groups
    }
}
