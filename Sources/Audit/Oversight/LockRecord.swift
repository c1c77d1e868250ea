/// A lock on a user or a target: while in force, its running sessions are ended and new
/// ones refused with `reason`.
package struct LockRecord: Sendable, Hashable {
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        case user
        case target
    }

    /// `l-…`, like session ids.
    package var id: String
    package var kind: Kind
    package var name: String
    package var reason: String
    package var createdAt: AuditTimestamp
    /// The user who locked, or the operator (`root@host`) through the control socket.
    package var createdBy: String
    package var createdByOrganization: String?
    /// nil: until lifted.
    package var expiresAt: AuditTimestamp?

    package init(id: String, kind: Kind, name: String, reason: String, createdAt: AuditTimestamp, createdBy: String,
                 createdByOrganization: String?, expiresAt: AuditTimestamp?) {
        self.id = id
        self.kind = kind
        self.name = name
        self.reason = reason
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.createdByOrganization = createdByOrganization
        self.expiresAt = expiresAt
    }

    /// Not yet expired at `time` (lifted locks are not returned by the store at all).
    package func isInForce(at time: AuditTimestamp) -> Bool {
        expiresAt.map { time < $0 } ?? true
    }

    /// `carol (retailer)` or `root@gw-01`.
    package var creator: String {
        createdByOrganization.map { "\(createdBy) (\($0))" } ?? createdBy
    }
}

/// Where locks live: durable, shared by every node of the gateway, and each change an audit
/// event. SQLite serves it now (`AuditStore.lockStore(writer:)`); a PostgreSQL engine can
/// serve the same protocol later without the gateway noticing.
package protocol LockStore: Sendable {
    /// Locks neither lifted nor expired at `time`, oldest first.
    func locksInForce(at time: AuditTimestamp) throws(AuditError) -> [LockRecord]
    /// Makes `lock` durable (its `lock.create` event is committed) before returning.
    func create(_ lock: LockRecord, context: AuditContext, rule: String?) throws(AuditError)
    /// Lifts `lock` durably (`lock.remove`).
    func remove(_ lock: LockRecord, context: AuditContext, rule: String?) throws(AuditError)
}
