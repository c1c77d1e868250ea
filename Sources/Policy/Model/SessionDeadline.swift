import Foundation

/// When a session allowed by a grant must end, and why, for the gateway's warning a minute
/// before and for the audit event when it ends.
package struct SessionDeadline: Hashable, Sendable {
    package enum Cause: Hashable, Sendable {
        /// The grant's `until` arrives.
        case validityEnds
        /// The `hours` window the session started in closes.
        case hoursEnd
        /// `max_session` has elapsed since the session started.
        case maxSession
    }

    package var date: Date
    package var cause: Cause
    /// A phrase for the engineer and the audit trail, e.g. "the grant's hours Mon-Fri 08:00-20:00 Europe/Paris end".
    package var reason: String

    package init(date: Date, cause: Cause, reason: String) {
        self.date = date
        self.cause = cause
        self.reason = reason
    }
}
