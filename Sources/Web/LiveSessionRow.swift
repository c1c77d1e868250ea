import Foundation

/// One running session as the `/live` page shows it: a copy of the gateway's live facts,
/// taken when the page is asked for (the web module never holds the gateway's objects).
package struct LiveSessionRow: Sendable {
    package var id: String
    package var connectionID: String
    package var user: String
    package var organization: String
    package var target: String?
    package var targetOwner: String?
    package var login: String?
    package var kind: String
    package var command: String?
    package var ticket: String?
    /// approval or break-glass, when the session carries one.
    package var flag: String?
    package var startedAt: Date
    package var idleSeconds: Int
    package var bytesIn: Int
    package var bytesOut: Int
    package var watchers: [String]

    package init(id: String, connectionID: String, user: String, organization: String, target: String?,
                 targetOwner: String?, login: String?, kind: String, command: String?, ticket: String?, flag: String?,
                 startedAt: Date, idleSeconds: Int, bytesIn: Int, bytesOut: Int, watchers: [String]) {
        self.id = id
        self.connectionID = connectionID
        self.user = user
        self.organization = organization
        self.target = target
        self.targetOwner = targetOwner
        self.login = login
        self.kind = kind
        self.command = command
        self.ticket = ticket
        self.flag = flag
        self.startedAt = startedAt
        self.idleSeconds = idleSeconds
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.watchers = watchers
    }
}
