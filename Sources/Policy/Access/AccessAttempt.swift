import Foundation

/// Everything a grant may look at when deciding, once the target and login are resolved.
package struct AccessAttempt: Hashable, Sendable {
    package var user: User
    package var target: Target
    package var login: String
    package var time: Date
    /// The client's IP address as the listener saw it; nil when unknown.
    package var sourceAddress: String?
    package var ticket: String?

    package init(user: User, target: Target, login: String, time: Date, sourceAddress: String? = nil, ticket: String? = nil) {
        self.user = user
        self.target = target
        self.login = login
        self.time = time
        self.sourceAddress = sourceAddress
        self.ticket = ticket
    }
}
