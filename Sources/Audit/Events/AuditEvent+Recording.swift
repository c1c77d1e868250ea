/// Events about a session's recording, apart from its start and end (which `channel.open`
/// and `session.close` carry).
extension AuditEvent {
    /// Why a recording stopped early, as stored in `details.cause`.
    package enum RecordingStopCause: String, Sendable {
        case sizeCap = "size_cap"
        case writeFailed = "write_failed"
    }

    /// `recording.stop`: the recording stopped growing while its session went on, so the
    /// trail says where the file ends and why, not only a marker inside the file.
    package static func recordingStop(
        _ context: AuditContext, sessionID: String, cause: RecordingStopCause, recordingPath: String,
        recordedBytes: Int?, reason: String
    ) -> AuditEvent {
        var details: [String: AuditValue] = [
            AuditDetailKey.recordingStopCause: .string(cause.rawValue),
            AuditDetailKey.recordingPath: .string(recordingPath),
        ]
        if let recordedBytes { details[AuditDetailKey.recordingSize] = .integer(Int64(recordedBytes)) }
        return AuditEvent(.recordingStop, context: context, sessionID: sessionID, result: "stopped", reason: reason,
                          details: details)
    }
}
