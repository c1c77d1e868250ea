internal import GRDB

/// Appends events to the chain inside the caller's write transaction: reads the head, then for
/// each event assigns the next id, links and hashes it and inserts it; the query tables follow
/// in the same transaction.
///
/// The head is read inside the transaction (one index seek) rather than cached, so that
/// another process appending to the same file (a `tracegate audit` command recording its
/// query) cannot fork the chain.
enum EventAppender {
    private static let insertSQL =
        "INSERT INTO events (\(StoredEvent.selection)) VALUES (\(Array(repeating: "?", count: 22).joined(separator: ", ")))"

    @discardableResult
    static func append(_ events: [(draft: EventDraft, time: AuditTimestamp)], in db: Database) throws -> ChainHead {
        var head = try currentHead(in: db)
        let insert = try db.cachedStatement(sql: insertSQL)
        var queryTables = try QueryTableBatch(in: db)
        var values: [DatabaseValue] = []
        values.reserveCapacity(StoredEvent.hashedColumns.count + 1)
        for (draft, time) in events {
            let stored = StoredEvent(id: head.id + 1, time: time, draft: draft, prevHash: head.hash)
            // The draft brought the middle columns' values; only the chain's own are new here.
            values.removeAll(keepingCapacity: true)
            values.append(stored.id.databaseValue)
            values.append(stored.time.databaseValue)
            values.append(contentsOf: draft.bodyValues)
            values.append(stored.prevHash.databaseValue)
            values.append(stored.hash.databaseValue)
            try RawStatement.execute(insert, values, in: db)
            try queryTables.apply(draft.event, stored: stored, in: db)
            head = ChainHead(id: stored.id, hash: stored.hash)
        }
        try queryTables.flush(in: db)
        return head
    }

    static func currentHead(in db: Database) throws -> ChainHead {
        guard let row = try Row.fetchOne(db, sql: "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1") else {
            return .empty
        }
        // Read as raw values: a tampered row must not crash the writer (verify reports it).
        let id = (row[0] as DatabaseValue).storage.int64 ?? 0
        return ChainHead(id: id, hash: CanonicalField(row[1] as DatabaseValue).textValue ?? "")
    }
}

extension AuditStore {
    /// Commits one batch of the writer: the file checks, then one immediate transaction. Not
    /// yet durable: the writer's `CommitSyncer` syncs it before its callers are told.
    func append(_ batch: [PendingEvent]) -> Result<Void, AuditError> {
        var events: [(draft: EventDraft, time: AuditTimestamp)] = []
        var text: [SessionTextLines] = []
        for item in batch {
            switch item.entry {
            case .event(let draft): events.append((draft, item.time))
            case .text(let lines): text.append(lines)
            }
        }
        do {
            try commit { db in
                if !events.isEmpty { try EventAppender.append(events, in: db) }
                if !text.isEmpty { try SessionTextIndex.insert(text, in: db) }
            }
            return .success(())
        } catch {
            return .failure(error)
        }
    }
}
