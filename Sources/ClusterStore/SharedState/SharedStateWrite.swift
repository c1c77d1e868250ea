import Audit

/// A change this node made to the shared state, waiting to be written to PostgreSQL (in the
/// order it was made) by the feed's thread. The node's own chain already holds its event:
/// this is only the live copy, pushed again after an outage.
package enum SharedStateWrite: Sendable, Hashable {
    case lockCreated(LockRecord)
    case lockRemoved(LockRecord, by: String, at: AuditTimestamp)
    /// A request now waits on this node.
    case approvalRequested(SharedApprovalRequest)
    /// It stopped waiting here; `status` is how (approved, denied, withdrawn, expired).
    case approvalEnded(id: String, status: String)
    /// Decided on this node, for a request waiting on this node.
    case approvalDecided(SharedApprovalDecision)
    /// A break-glass review item opened on this node.
    case reviewOpened(ReviewRecord)
    /// An item of this node reviewed here before the cluster knew it.
    case reviewClosed(ReviewClosing)
    /// A source penalised on this node. Only the newest per source waits (see `ClusterStateFeed.push`).
    case penaltyImposed(SharedPenalty)

    /// The source of a penalty write; nil for every other write.
    var penaltySource: String? {
        if case .penaltyImposed(let penalty) = self { return penalty.source }
        return nil
    }
}

/// The locks a node should hold in memory: what PostgreSQL says, corrected by this node's own
/// writes that have not reached it yet (made after the read, or during an outage). Without
/// the correction, a lock set here a moment before a re-read would vanish from the node until
/// the next one, and an unlock would come back to life.
package enum SharedLockMerge {
    package static func locks(remote: [LockRecord], pending: [SharedStateWrite]) -> [LockRecord] {
        var removed: Set<String> = []
        var created: [LockRecord] = []
        for write in pending {
            switch write {
            case .lockCreated(let lock): created.append(lock)
            case .lockRemoved(let lock, _, _): removed.insert(lock.id)
            case .approvalRequested, .approvalEnded, .approvalDecided, .reviewOpened, .reviewClosed, .penaltyImposed: continue
            }
        }
        var merged = remote.filter { !removed.contains($0.id) }
        let known = Set(merged.map(\.id))
        merged += created.filter { !known.contains($0.id) && !removed.contains($0.id) }
        return merged.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }
}
