internal import GRDB

/// An event already turned into its stored row, all but its place in the chain (id, time,
/// `prev_hash`, `hash`), which only the writer can assign.
///
/// Why: the writer is a single thread and the trail's throughput is its CPU per event. The
/// many connection threads that record events build their drafts in parallel (column text,
/// the JSON of labels and details, and the bulk of the bytes the chain hashes), so the writer
/// is left with the chain itself and SQLite.
struct EventDraft: Sendable {
    let event: AuditEvent
    /// The stored row, with id 0 and empty time, `prev_hash` and `hash`.
    let row: StoredEvent
    /// `CanonicalEncoding` of the columns between `time` and `prev_hash` (kind … details).
    let encodedBody: [UInt8]
    /// Insertion values of the same columns, in the same order.
    let bodyValues: [DatabaseValue]

    init(_ event: AuditEvent) {
        self.event = event
        let row = StoredEvent(unchained: event)
        self.row = row
        encodedBody = CanonicalEncoding.encodeFields(row.canonicalFields[StoredEvent.bodyColumns])
        bodyValues = Array(row.insertionValues[StoredEvent.bodyColumns])
    }
}
