import Audit
import Logging
import Recording

extension ConnectionJournal {
    /// What the recording writer thread calls when a session's file stops growing before the
    /// session ends. Built on the connection's thread: it captures the context as it is then,
    /// because the writer thread must not read the connection's state.
    func recordingStopHandler(_ context: ConnectionContext, sessionID: String, path: String) -> RecordingStopHandler {
        let auditContext = context.auditContext
        let metadata = context.logMetadata.merging(["tg.session": "\(sessionID)", "tg.recording": "\(path)"]) { $1 }
        return { [audit, logger] stop in
            let event: AuditEvent
            switch stop {
            case .sizeCap(let bytes):
                event = .recordingStop(auditContext, sessionID: sessionID, cause: .sizeCap, recordingPath: path,
                                       recordedBytes: bytes, reason: "the recording reached its size cap; the session goes on")
                logger.notice("recording reached its size cap", metadata: metadata.merging(["tg.bytes": "\(bytes)"]) { $1 })
            case .writeFailed(let failure):
                event = .recordingStop(auditContext, sessionID: sessionID, cause: .writeFailed, recordingPath: path,
                                       recordedBytes: nil, reason: failure)
                logger.error("recording write failed", metadata: metadata.merging(["tg.error": "\(failure)"]) { $1 })
            }
            audit.record(event)
        }
    }

    /// The writer thread did not close a recording in time (a hung disk): the session ends
    /// without the file's size and hash in the trail, and the trail says so.
    func recordingNotClosed(_ context: ConnectionContext, sessionID: String, path: String, after seconds: Int) {
        audit.record(.recordingStop(context.auditContext, sessionID: sessionID, cause: .writeFailed, recordingPath: path,
                                    recordedBytes: nil,
                                    reason: "the recording was not closed within \(seconds) s; its size and hash are not recorded"))
        logger.error("recording not closed in time", metadata: context.logMetadata.merging(
            ["tg.session": "\(sessionID)", "tg.recording": "\(path)", "tg.seconds": "\(seconds)"]) { $1 })
    }
}
