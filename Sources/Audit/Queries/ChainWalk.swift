/// The checks every row of a chain must pass, one row at a time, whatever stores it (the
/// node's SQLite file or the cluster's PostgreSQL): its id follows the previous one (a deleted
/// row leaves a gap), its `prev_hash` is the previous row's hash (a deleted, inserted or moved
/// row breaks the link), and its hash matches its contents (an edited row).
package struct ChainWalk: Sendable {
    /// The last row that passed: where the next one must attach.
    package private(set) var previous: ChainHead
    /// Where a pruned chain starts, to name it in the verdict.
    let checkpoint: ChainCheckpoint?

    package init(from start: ChainHead = .empty) {
        self.previous = start
        self.checkpoint = nil
    }

    init(checkpoint: ChainCheckpoint?) {
        self.previous = checkpoint?.anchor ?? .empty
        self.checkpoint = checkpoint
    }

    /// Checks the next row, given as its `StoredEvent.hashedColumns` values and its stored
    /// hash; nil when it links and matches, otherwise the verdict naming it.
    package mutating func step(_ fields: [CanonicalField], storedHash: String?) -> ChainVerification? {
        guard fields.count == StoredEvent.hashedColumns.count, case .integer(let id) = fields[0] else {
            return .broken(eventID: previous.id + 1, reason: "the event after \(previous.id) has no integer id")
        }
        if id != previous.id + 1 {
            let missing = id - previous.id - 1
            return .broken(eventID: id, reason: missing > 0
                ? "\(missing) event(s) before it are missing (expected id \(previous.id + 1)): rows were deleted"
                : "its id does not follow \(previous.id)")
        }
        if fields[fields.count - 1].textValue != previous.hash {
            return .broken(eventID: id, reason: id == 1
                ? "prev_hash is not the genesis value: events before it were removed or it was replaced"
                : checkpoint != nil && previous.id == checkpoint?.lastRemovedID
                ? "prev_hash does not match the anchor hash of checkpoint \(checkpoint!.id): the trail does not continue from the pruned one"
                : "prev_hash does not match the hash of event \(previous.id): an event was deleted, inserted or moved here")
        }
        let computed = HashChain.hash(of: fields)
        if storedHash != computed {
            return .broken(eventID: id, reason: "its contents do not match its hash: the row was edited")
        }
        previous = ChainHead(id: id, hash: computed)
        return nil
    }
}
