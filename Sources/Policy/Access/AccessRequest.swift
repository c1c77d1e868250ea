import Foundation

/// One request as the gateway knows it after authentication: what the username asked for,
/// who asked, when, from where and under which ticket.
package struct AccessRequest: Hashable, Sendable {
    package var request: TargetRequest
    package var user: User
    package var time: Date
    /// The client's IP address (`192.0.2.7`, `2001:db8::7`, `::ffff:192.0.2.7`); nil when unknown,
    /// which no grant with a `source` accepts.
    package var sourceAddress: String?
    /// From `TRACEGATE_TICKET` or the keyboard-interactive prompt; nil when none was given.
    package var ticket: String?

    package init(request: TargetRequest, user: User, time: Date, sourceAddress: String? = nil, ticket: String? = nil) {
        self.request = request
        self.user = user
        self.time = time
        self.sourceAddress = sourceAddress
        self.ticket = ticket
    }
}
