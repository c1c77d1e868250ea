/// A penalty on a source address (or IPv6 /64) as the nodes of a cluster share it: refused at
/// accept until `until` (wall-clock time, the same on every node).
package struct SharedPenalty: Sendable, Hashable {
    /// The penalised address, or `PREFIX::/64` (`PenaltyBook.sourceKey`).
    package let source: String
    package let until: AuditTimestamp
    /// The strike on the imposing node (1 for a first penalty, doubling each strike).
    package let level: Int
    /// The node that imposed it (its chain holds the `penalty.start` event).
    package let node: String
    /// The offence that tipped the balance (`auth_failure`, `no_auth`, `grace_exceeded`).
    package let reason: String

    package init(source: String, until: AuditTimestamp, level: Int, node: String, reason: String) {
        self.source = source
        self.until = until
        self.level = level
        self.node = node
        self.reason = reason
    }
}

/// Penalties across the nodes of a cluster, behind a protocol so that `Gateway` does not know
/// the engine. The accept path never waits on it: a node decides from its own book in memory,
/// and `imposed` only queues the penalty for the other nodes (a single node shares nothing).
package protocol PenaltyExchange: Sendable {
    /// A penalty that began on this node (its `penalty.start` event is in this node's chain):
    /// `source` is refused until `until`; `level` is its strike, `reason` its offence.
    func imposed(source: String, until: AuditTimestamp, level: Int, reason: String)
}

/// A single node's: its book is the whole truth.
package struct LocalPenaltyExchange: PenaltyExchange {
    package init() {}
    package func imposed(source: String, until: AuditTimestamp, level: Int, reason: String) {}
}
