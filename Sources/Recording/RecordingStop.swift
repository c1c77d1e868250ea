/// Why a recording stopped before its session ended. The session itself goes on; the
/// gateway writes an audit event so that an auditor learns of the hole from the trail,
/// not only from a marker inside the file.
package enum RecordingStop: Sendable, Equatable {
    /// The file reached the session cap (`recording.max_session_size`).
    case sizeCap(bytes: Int)
    /// Writing failed (disk full, I/O error); the file holds what was written before.
    case writeFailed(String)
}

/// Called once per recording, on the writer thread, when it stops early.
package typealias RecordingStopHandler = @Sendable (RecordingStop) -> Void
