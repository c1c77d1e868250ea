import Policy

/// No session goes on unrecorded. A recording's file is written by the shared writer
/// thread; when a write fails (the recordings disk filled up mid-session), the session is
/// closed with a line on the engineer's stderr, an audit event with the reason, and
/// `recording_failed` as the reason of its `session.close`. New sessions are refused
/// meanwhile by the free-space floor checked when a session starts.
extension ClientConnection {
    func checkRecordings() {
        for bridge in bridges where bridge.isRelaying {
            guard let reason = bridge.recordingFailure else { continue }
            let refusal = Refusal.recordingFailed(reason: reason)
            journal.requestRefused(context, refusal: refusal)
            journal.protocolError(context, "recording of \(bridge.sessionID) failed: \(reason)")
            bridge.refuse(refusal)
        }
    }
}
