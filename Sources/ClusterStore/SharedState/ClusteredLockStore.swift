import Audit

/// The `LockStore` of a clustered node: the node's own store first (its chain gets the
/// `lock.create` or `lock.remove` event, durably, before anything else happens: the evidence
/// stays where the act was done), then the live copy for every node, through the feed.
/// `Gateway` sees only `LockStore`, as on a single node.
package struct ClusteredLockStore: LockStore {
    let local: any LockStore
    let feed: ClusterStateFeed

    package init(local: any LockStore, feed: ClusterStateFeed) {
        self.local = local
        self.feed = feed
    }

    /// This node's own locks, at start; the feed's first read, a moment later, adds those of
    /// the other nodes (and, while PostgreSQL is down, only this node's are known).
    package func locksInForce(at time: AuditTimestamp) throws(AuditError) -> [LockRecord] {
        try local.locksInForce(at: time)
    }

    package func create(_ lock: LockRecord, context: AuditContext, rule: String?) throws(AuditError) {
        try local.create(lock, context: context, rule: rule)
        feed.push(.lockCreated(lock))
    }

    package func remove(_ lock: LockRecord, context: AuditContext, rule: String?) throws(AuditError) {
        try local.remove(lock, context: context, rule: rule)
        feed.push(.lockRemoved(lock, by: context.user ?? "operator", at: .now()))
    }
}
