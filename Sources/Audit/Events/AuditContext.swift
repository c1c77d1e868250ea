/// What a connection has learned so far, copied into each of its events.
///
/// The gateway keeps one per connection and fills it in as phases pass (address at accept,
/// identity after authentication, target after the decision), so that every row — not only
/// the one that first learned a fact — answers "who, from where, to what".
package struct AuditContext: Sendable, Hashable {
    package var connectionID: String
    package var sourceAddress: String?
    package var sourcePort: Int?
    package var clientVersion: String?
    package var user: String?
    package var organization: String?
    package var keyType: String?
    package var keyFingerprint: String?
    package var target: String?
    package var targetOwner: String?
    package var targetLabels: [String: String]
    package var login: String?
    package var ticket: String?

    package init(
        connectionID: String,
        sourceAddress: String? = nil,
        sourcePort: Int? = nil,
        clientVersion: String? = nil,
        user: String? = nil,
        organization: String? = nil,
        keyType: String? = nil,
        keyFingerprint: String? = nil,
        target: String? = nil,
        targetOwner: String? = nil,
        targetLabels: [String: String] = [:],
        login: String? = nil,
        ticket: String? = nil
    ) {
        self.connectionID = connectionID
        self.sourceAddress = sourceAddress
        self.sourcePort = sourcePort
        self.clientVersion = clientVersion
        self.user = user
        self.organization = organization
        self.keyType = keyType
        self.keyFingerprint = keyFingerprint
        self.target = target
        self.targetOwner = targetOwner
        self.targetLabels = targetLabels
        self.login = login
        self.ticket = ticket
    }
}
