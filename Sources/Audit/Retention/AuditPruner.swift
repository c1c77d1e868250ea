import Foundation
internal import GRDB

/// Removes events (and the connections, sessions, search lines and recordings they describe)
/// older than a cutoff, keeping the trail verifiable:
///
/// 1. Plan in one snapshot: the prefix of the chain older than the cutoff, up to event L.
/// 2. Announce it with an `audit.prune` event (the anchor L, its hash, the count and time
///    range), made durable through `announce` before anything is removed, like every other
///    action of the gateway.
/// 3. Remove in steps of at most `stepSize` events, each one short write transaction that
///    records a checkpoint and deletes what it covers. Short steps matter while `serve` runs:
///    its writer waits for the lock (in-process, or up to the busy timeout from another
///    process) and must never wait long enough to fail a session's durable decision.
/// 4. Delete the removed sessions' recording files once their rows are gone.
package struct AuditPruner {
    package let store: AuditStore
    package var stepSize: Int64 = 2_000
    /// Asked between steps: a gateway that is stopping ends the prune after the current step.
    /// What is removed so far stays removed behind its checkpoint; the next prune goes on.
    package var shouldContinue: @Sendable () -> Bool = { true }

    package init(store: AuditStore) {
        self.store = store
    }

    /// `announce` records the announcement durably (the gateway's writer, or a one-off writer
    /// from the command line) and throws if it could not.
    package func prune(olderThan cutoff: AuditTimestamp, announce: (AuditEvent) throws(AuditError) -> Void)
        throws(AuditError) -> PruneReport
    {
        var report = PruneReport(cutoff: cutoff.iso8601)
        guard let plan = try store.read({ db in try Plan(cutoff: cutoff.iso8601, in: db) }) else { return report }
        try announce(.auditPrune(cutoff: cutoff.iso8601, anchorID: plan.last.id, anchorHash: plan.last.hash,
                                 count: plan.last.id - plan.start.id, oldest: plan.oldestTime, newest: plan.newestTime))
        var done = plan.start.id
        while done < plan.last.id && shouldContinue() {
            let through = min(done + stepSize, plan.last.id)
            let step = try store.write { db in try removeStep(after: done, through: through, cutoff: cutoff.iso8601, in: db) }
            report.removedEvents += through - done
            report.removedConnections += step.connections
            report.removedSessions += step.recordings.count + step.unrecordedSessions
            for path in step.recordings {
                do {
                    try FileManager.default.removeItem(atPath: path)
                    report.removedRecordings += 1
                } catch CocoaError.fileNoSuchFile {
                    continue
                } catch {
                    report.recordingErrors.append("\(path): \(error.localizedDescription)")
                }
            }
            done = through
        }
        // Where the chain now starts: the last step's checkpoint (short of the plan if stopped).
        if report.removedEvents > 0 {
            report.anchor = try store.read { db in try ChainCheckpoint.latest(in: db)?.anchor }
        }
        return report
    }

    private struct Plan {
        /// Where the chain starts now (the latest checkpoint's anchor, or before event 1).
        let start: ChainHead
        /// The last event to remove: every event up to it is older than the cutoff.
        let last: ChainHead
        let oldestTime: String
        let newestTime: String

        /// Nil when no event is old enough.
        init?(cutoff: String, in db: Database) throws {
            start = try ChainCheckpoint.latest(in: db)?.anchor ?? .empty
            // A contiguous prefix: the first event at or after the cutoff bounds it, so an
            // old event written late (another process's clock) never leaves a hole.
            let firstKept = try Int64.fetchOne(db, sql: "SELECT MIN(id) FROM events WHERE time >= ?", arguments: [cutoff])
            let newest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM events") ?? 0
            let lastID = (firstKept ?? (newest + 1)) - 1
            guard lastID > start.id,
                  let lastRow = try Row.fetchOne(db, sql: "SELECT hash, time FROM events WHERE id = ?", arguments: [lastID]),
                  let oldest = try String.fetchOne(db, sql: "SELECT time FROM events WHERE id = ?", arguments: [start.id + 1])
            else { return nil }
            last = ChainHead(id: lastID, hash: lastRow["hash"])
            oldestTime = oldest
            newestTime = lastRow["time"]
        }
    }

    private struct Step {
        var connections = 0
        var unrecordedSessions = 0
        var recordings: [String] = []
    }

    /// One transaction: the checkpoint first (the delete trigger admits only events behind
    /// one), then the derived rows whose every event goes, then the events.
    private func removeStep(after done: Int64, through last: Int64, cutoff: String, in db: Database) throws -> Step {
        let previous = try ChainCheckpoint.latest(in: db)
        guard (previous?.lastRemovedID ?? 0) == done,
              let lastRow = try Row.fetchOne(db, sql: "SELECT hash, time FROM events WHERE id = ?", arguments: [last]),
              let oldest = try String.fetchOne(db, sql: "SELECT time FROM events WHERE id = ?", arguments: [done + 1])
        else {
            throw AuditError.pruneFailed(reason: "the trail changed under the prune (another prune running?); run it again")
        }
        try ChainCheckpoint(
            id: (previous?.id ?? 0) + 1, createdAt: AuditTimestamp.now().iso8601, cutoff: cutoff,
            firstRemovedID: done + 1, lastRemovedID: last, anchorHash: lastRow["hash"],
            oldestRemovedTime: oldest, newestRemovedTime: lastRow["time"], previousHash: previous?.hash ?? HashChain.genesis
        ).insert(in: db)

        var step = Step()
        // Sessions and connections that ended and all of whose events are removed: they began
        // in this range or earlier (the first_event_id indexes) and ended in it. One still open
        // keeps its row and its recording (still being written) until a later prune.
        let ended = "first_event_id <= ?1 AND last_event_id <= ?1 AND closed_at IS NOT NULL"
        let sessions = "SELECT id FROM sessions WHERE \(ended)"
        step.recordings = try String.fetchAll(db, sql: """
            SELECT recording_path FROM sessions WHERE \(ended) AND recording_path IS NOT NULL
            """, arguments: [last])
        // External-content FTS5: the index forgets a row only when told its old values.
        try db.execute(sql: """
            INSERT INTO session_text (session_text, rowid, line)
            SELECT 'delete', id, line FROM session_lines WHERE session_id IN (\(sessions))
            """, arguments: [last])
        try db.execute(sql: "DELETE FROM session_lines WHERE session_id IN (\(sessions))", arguments: [last])
        try db.execute(sql: "DELETE FROM sessions WHERE \(ended)", arguments: [last])
        step.unrecordedSessions = db.changesCount - step.recordings.count
        try db.execute(sql: """
            DELETE FROM connections WHERE \(ended)
              AND NOT EXISTS (SELECT 1 FROM sessions WHERE sessions.connection_id = connections.id)
            """, arguments: [last])
        step.connections = db.changesCount
        // The ledger's rows go with the events they project (the checkpoint keeps the proof).
        try db.execute(sql: "DELETE FROM file_transfers WHERE event_id > ? AND event_id <= ?", arguments: [done, last])
        try db.execute(sql: "DELETE FROM events WHERE id > ? AND id <= ?", arguments: [done, last])
        return step
    }
}
