internal import GRDB

/// A session row's claim about its recording: where the file is and what it hashed to when
/// the session ended. `tracegate audit verify` checks the files against these claims (the
/// hashing lives with the files, in Recording; Audit only knows the rows).
package struct RecordingReference: Sendable, Hashable {
    package var sessionID: String
    package var connectionID: String
    package var path: String
    /// Nil while the session runs, or when the gateway stopped before it could close the file.
    package var size: Int64?
    package var sha256: String?
}

extension AuditStore {
    /// Every session row that names a recording, oldest first.
    package func recordingReferences() throws(AuditError) -> [RecordingReference] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, connection_id, recording_path, recording_size, recording_sha256
                FROM sessions WHERE recording_path IS NOT NULL ORDER BY first_event_id
                """
            ).map { row in
                RecordingReference(sessionID: row[0], connectionID: row[1], path: row[2], size: row[3], sha256: row[4])
            }
        }
    }
}

extension AuditStore {
    /// The recording paths of session `id`, or of every recorded session of connection `id`.
    package func recordingPaths(forID id: String) throws(AuditError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT recording_path FROM sessions
                WHERE (id = ?1 OR connection_id = ?1) AND recording_path IS NOT NULL
                ORDER BY first_event_id
                """, arguments: [id])
        }
    }
}

extension AuditStore {
    /// The same as `recordingPaths(forID:)`, with each recording's session.
    package func recordingSessions(forID id: String) throws(AuditError) -> [(sessionID: String, path: String)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, recording_path FROM sessions
                WHERE (id = ?1 OR connection_id = ?1) AND recording_path IS NOT NULL
                ORDER BY first_event_id
                """, arguments: [id]).map { (sessionID: $0[0], path: $0[1]) }
        }
    }
}
