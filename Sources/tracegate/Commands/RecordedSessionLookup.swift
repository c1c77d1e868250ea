import Audit
import Foundation

/// Finds a session's recording through the audit trail, for `tracegate replay SESSION`.
///
/// The database is the authority on where a recording is (a file renamed or moved by an
/// operator still has its row), but replay must keep working without it — on a copy of the
/// recordings, or for a user who cannot open the database — so every failure here means
/// "not found", and the caller falls back to looking the id up by file name.
enum RecordedSessionLookup {
    static func path(forID id: String, stateDirectory: String) -> String? {
        let databasePath = AuditStore.databasePath(stateDirectory: stateDirectory)
        guard FileManager.default.isReadableFile(atPath: databasePath),
              let store = try? AuditStore.open(path: databasePath),
              let paths = try? store.recordingPaths(forID: id) else { return nil }
        let existing = paths.filter { FileManager.default.fileExists(atPath: $0) }
        // A connection with several recorded sessions is ambiguous: the file-name lookup says so.
        return existing.count == 1 ? existing[0] : nil
    }

    /// `tracegate: BREAK-GLASS session, review b-… (open)` when the session broke the glass.
    static func breakGlassNotice(forID id: String, stateDirectory: String) -> String? {
        let databasePath = AuditStore.databasePath(stateDirectory: stateDirectory)
        guard FileManager.default.isReadableFile(atPath: databasePath),
              let store = try? AuditStore.open(path: databasePath),
              let item = try? store.review(ofSessionOrConnection: id) else { return nil }
        let state = item.result == .open ? "open: review it with ssh gateway review \(item.id) --accept|--reject TEXT"
            : "\(item.result.rawValue) by \(item.reviewedBy ?? "?")"
        return "tracegate: BREAK-GLASS session of \(item.user) on \(item.target), reason \"\(item.reason)\"; review \(item.id) (\(state))"
    }
}
