/// An engineer, identified by the keys they present; every key belongs to exactly one user.
package struct User: Hashable, Sendable {
    package var name: String
    package var organization: String
    package var keys: [AuthorizedKey]

    package init(name: String, organization: String, keys: [AuthorizedKey]) {
        self.name = name
        self.organization = organization
        self.keys = keys
    }
}
