/// Who ended a running session that was not theirs, and why (`terminate`, or a lock).
package struct SessionTermination: Sendable, Hashable {
    /// The user who ended it, or the operator (`root@host`) for the control socket.
    package var by: String
    package var organization: String?
    package var reason: String
    /// Set when a lock ended the session.
    package var lockID: String?

    package init(by: String, organization: String?, reason: String, lockID: String? = nil) {
        self.by = by
        self.organization = organization
        self.reason = reason
        self.lockID = lockID
    }
}
