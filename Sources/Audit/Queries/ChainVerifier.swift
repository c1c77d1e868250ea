internal import GRDB

/// The outcome of walking the hash chain.
package enum ChainVerification: Sendable, Hashable, CustomStringConvertible {
    /// Every event links to the previous one and matches its hash.
    case intact(count: Int64, head: String?)
    /// The first event that does not; `reason` says how.
    case broken(eventID: Int64, reason: String)

    package var isIntact: Bool {
        if case .intact = self { return true }
        return false
    }

    /// The line `tracegate audit verify` prints.
    package var description: String {
        switch self {
        case .intact(let count, let head):
            "OK \(count) events, head \(head ?? "none")"
        case .broken(let eventID, let reason):
            "BROKEN at event \(eventID): \(reason)"
        }
    }
}

/// Walks `events` in id order and checks, for each row, that its id follows the previous one
/// (a deleted row leaves a gap), that its `prev_hash` is the previous row's hash (a deleted,
/// inserted or moved row breaks the link), and that its hash matches its contents (an edited
/// row). Reading happens in one snapshot, so a running gateway can keep appending meanwhile.
///
/// What the chain alone cannot show is a truncated tail: whoever deletes the last events
/// leaves a shorter, valid chain. `expectedHashes` closes that gap: pass head hashes kept
/// from earlier runs (the gateway logs its head at start and stop) and each must be found.
package struct ChainVerifier {
    package var expectedHashes: Set<String>
    /// Called every `progressInterval` events with (checked, total) for a progress display.
    package var progress: ((Int64, Int64) -> Void)?
    package var progressInterval: Int64 = 50_000

    package init(expectedHashes: Set<String> = [], progress: ((Int64, Int64) -> Void)? = nil) {
        self.expectedHashes = expectedHashes
        self.progress = progress
    }

    package func verify(_ store: AuditStore) throws(AuditError) -> ChainVerification {
        try store.read { db in try verify(db) }
    }

    func verify(_ db: Database) throws -> ChainVerification {
        let total = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM events") ?? 0
        // After a prune the chain starts at the newest checkpoint's anchor (migration 0005).
        let checkpoint: ChainCheckpoint?
        switch try CheckpointVerification.anchor(in: db) {
        case .trusted(let latest): checkpoint = latest
        case .broken(let broken): return broken
        }
        var previous = checkpoint?.anchor ?? ChainHead.empty
        if let checkpoint, let behind = try Int64.fetchOne(db, sql: "SELECT MIN(id) FROM events"), behind <= checkpoint.lastRemovedID {
            return .broken(eventID: behind, reason:
                "event \(behind) is behind checkpoint \(checkpoint.id), which says events up to \(checkpoint.lastRemovedID) were removed")
        }
        var announcedAnchor: Int64 = 0
        var unseen = expectedHashes
        let rows = try Row.fetchCursor(db, sql: "SELECT \(StoredEvent.selection) FROM events ORDER BY id")
        while let row = try rows.next() {
            let fields = StoredEvent.hashedColumns.indices.map { CanonicalField(row[$0] as DatabaseValue) }
            let id = (row[0] as DatabaseValue).storage.int64
            let storedPrevious = CanonicalField(row[StoredEvent.hashedColumns.count - 1] as DatabaseValue).textValue
            let storedHash = CanonicalField(row[StoredEvent.hashedColumns.count] as DatabaseValue).textValue
            guard let id else {
                return .broken(eventID: previous.id + 1, reason: "the event after \(previous.id) has no integer id")
            }
            if id != previous.id + 1 {
                let missing = id - previous.id - 1
                return .broken(eventID: id, reason: missing > 0
                    ? "\(missing) event(s) before it are missing (expected id \(previous.id + 1)): rows were deleted"
                    : "its id does not follow \(previous.id)")
            }
            if storedPrevious != previous.hash {
                return .broken(eventID: id, reason: id == 1
                    ? "prev_hash is not the genesis value: events before it were removed or it was replaced"
                    : checkpoint != nil && previous.id == checkpoint?.lastRemovedID
                    ? "prev_hash does not match the anchor hash of checkpoint \(checkpoint!.id): the trail does not continue from the pruned one"
                    : "prev_hash does not match the hash of event \(previous.id): an event was deleted, inserted or moved here")
            }
            if let anchor = PruneAnnouncement.anchorID(kind: fields[StoredEvent.kindColumn], details: fields[StoredEvent.detailsColumn]) {
                announcedAnchor = max(announcedAnchor, anchor)
            }
            let computed = HashChain.hash(of: fields)
            if storedHash != computed {
                return .broken(eventID: id, reason: "its contents do not match its hash: the row was edited")
            }
            unseen.remove(computed)
            previous = ChainHead(id: id, hash: computed)
            if id % progressInterval == 0 { progress?(id, total) }
        }
        progress?(previous.id, total)
        // Only a prune that announced itself in the chain may have removed events: a checkpoint
        // beyond every announcement hides events nobody was told were removed.
        if let checkpoint, checkpoint.lastRemovedID > announcedAnchor {
            return .broken(eventID: checkpoint.lastRemovedID, reason:
                "checkpoint \(checkpoint.id) removed events up to \(checkpoint.lastRemovedID), beyond what any audit.prune event announced")
        }
        if let missing = unseen.sorted().first {
            return .broken(eventID: previous.id, reason:
                "the chain ends here without passing through expected hash \(missing): later events were removed or replaced")
        }
        return .intact(count: previous.id, head: previous.id == 0 ? nil : previous.hash)
    }
}
