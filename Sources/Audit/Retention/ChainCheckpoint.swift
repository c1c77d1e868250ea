internal import GRDB

/// One prune step's record of where the remaining chain starts (migration 0005): the anchor
/// is the last removed event, whose hash the first remaining event carries as `prev_hash`.
package struct ChainCheckpoint: Sendable, Hashable {
    package var id: Int64
    package var createdAt: String
    package var cutoff: String
    package var firstRemovedID: Int64
    package var lastRemovedID: Int64
    package var anchorHash: String
    package var removedCount: Int64
    package var oldestRemovedTime: String
    package var newestRemovedTime: String
    package var previousHash: String
    package var hash: String

    static let columns = [
        "id", "created_at", "cutoff", "first_removed_id", "last_removed_id", "anchor_hash", "removed_count",
        "oldest_removed_time", "newest_removed_time", "prev_hash", "hash",
    ]

    /// The head the remaining chain continues from.
    package var anchor: ChainHead { ChainHead(id: lastRemovedID, hash: anchorHash) }

    /// SHA-256 over every column but `hash`, in the events' canonical encoding.
    var computedHash: String {
        HashChain.hash(of: [
            .integer(id), .text(createdAt), .text(cutoff), .integer(firstRemovedID), .integer(lastRemovedID),
            .text(anchorHash), .integer(removedCount), .text(oldestRemovedTime), .text(newestRemovedTime),
            .text(previousHash),
        ])
    }

    init(row: Row) {
        id = row["id"]
        createdAt = row["created_at"]
        cutoff = row["cutoff"]
        firstRemovedID = row["first_removed_id"]
        lastRemovedID = row["last_removed_id"]
        anchorHash = row["anchor_hash"]
        removedCount = row["removed_count"]
        oldestRemovedTime = row["oldest_removed_time"]
        newestRemovedTime = row["newest_removed_time"]
        previousHash = row["prev_hash"]
        hash = row["hash"]
    }

    init(id: Int64, createdAt: String, cutoff: String, firstRemovedID: Int64, lastRemovedID: Int64, anchorHash: String,
         oldestRemovedTime: String, newestRemovedTime: String, previousHash: String) {
        self.id = id
        self.createdAt = createdAt
        self.cutoff = cutoff
        self.firstRemovedID = firstRemovedID
        self.lastRemovedID = lastRemovedID
        self.anchorHash = anchorHash
        self.removedCount = lastRemovedID - firstRemovedID + 1
        self.oldestRemovedTime = oldestRemovedTime
        self.newestRemovedTime = newestRemovedTime
        self.previousHash = previousHash
        self.hash = ""
        self.hash = computedHash
    }

    func insert(in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO chain_checkpoints (\(Self.columns.joined(separator: ", ")))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, createdAt, cutoff, firstRemovedID, lastRemovedID, anchorHash, removedCount,
                             oldestRemovedTime, newestRemovedTime, previousHash, hash])
    }

    static func all(in db: Database) throws -> [ChainCheckpoint] {
        try Row.fetchAll(db, sql: "SELECT \(columns.joined(separator: ", ")) FROM chain_checkpoints ORDER BY id").map(ChainCheckpoint.init(row:))
    }

    static func latest(in db: Database) throws -> ChainCheckpoint? {
        try Row.fetchOne(db, sql: "SELECT \(columns.joined(separator: ", ")) FROM chain_checkpoints ORDER BY id DESC LIMIT 1")
            .map(ChainCheckpoint.init(row:))
    }
}

/// The checkpoints' own chain: each hashes its columns, links to the previous one, and
/// covers the events right after the previous one's anchor.
enum CheckpointVerification {
    /// The anchor to start the event walk from, or why the checkpoints cannot be trusted.
    enum Outcome {
        /// The newest checkpoint (nil: never pruned), its chain intact.
        case trusted(ChainCheckpoint?)
        case broken(ChainVerification)
    }

    static func anchor(in db: Database) throws -> Outcome {
        var previous: ChainCheckpoint?
        for checkpoint in try ChainCheckpoint.all(in: db) {
            let expectedID = (previous?.id ?? 0) + 1
            let expectedFirst = (previous?.lastRemovedID ?? 0) + 1
            let broken: String? =
                if checkpoint.id != expectedID { "checkpoint \(checkpoint.id) does not follow checkpoint \(expectedID - 1)" }
                else if checkpoint.previousHash != (previous?.hash ?? HashChain.genesis) {
                    "checkpoint \(checkpoint.id) does not link to the hash of the previous checkpoint"
                } else if checkpoint.hash != checkpoint.computedHash {
                    "checkpoint \(checkpoint.id)'s contents do not match its hash: it was edited"
                } else if checkpoint.firstRemovedID != expectedFirst || checkpoint.lastRemovedID < checkpoint.firstRemovedID
                            || checkpoint.removedCount != checkpoint.lastRemovedID - checkpoint.firstRemovedID + 1 {
                    "checkpoint \(checkpoint.id) does not cover the events right after the previous one"
                } else { nil }
            if let broken {
                return .broken(.broken(eventID: checkpoint.lastRemovedID, reason: broken))
            }
            previous = checkpoint
        }
        return .trusted(previous)
    }
}
