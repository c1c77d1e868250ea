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

/// Walks `events` in id order through `ChainWalk` (ids without gaps, links, hashes), from
/// the newest prune checkpoint when there is one. Reading happens in one snapshot, so a running gateway can keep appending meanwhile.
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
        if let checkpoint, let behind = try Int64.fetchOne(db, sql: "SELECT MIN(id) FROM events"), behind <= checkpoint.lastRemovedID {
            return .broken(eventID: behind, reason:
                "event \(behind) is behind checkpoint \(checkpoint.id), which says events up to \(checkpoint.lastRemovedID) were removed")
        }
        var walk = ChainWalk(checkpoint: checkpoint)
        var announcedAnchor: Int64 = 0
        var unseen = expectedHashes
        let rows = try Row.fetchCursor(db, sql: "SELECT \(StoredEvent.selection) FROM events ORDER BY id")
        while let row = try rows.next() {
            let fields = StoredEvent.hashedColumns.indices.map { CanonicalField(row[$0] as DatabaseValue) }
            let storedHash = CanonicalField(row[StoredEvent.hashedColumns.count] as DatabaseValue).textValue
            if let broken = walk.step(fields, storedHash: storedHash) { return broken }
            if let anchor = PruneAnnouncement.anchorID(kind: fields[StoredEvent.kindColumn], details: fields[StoredEvent.detailsColumn]) {
                announcedAnchor = max(announcedAnchor, anchor)
            }
            unseen.remove(walk.previous.hash)
            if walk.previous.id % progressInterval == 0 { progress?(walk.previous.id, total) }
        }
        let previous = walk.previous
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
