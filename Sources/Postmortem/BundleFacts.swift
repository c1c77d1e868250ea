import Audit

/// What the picture and the summary read from the selected events, by kind. Kinds this
/// version does not know (approvals, break-glass, file ledger: added by other features) are
/// recognised by their dotted prefix, so a trail that has them is summarised without a change here.
package enum BundleFacts {
    package static func isDenial(_ event: StoredEvent) -> Bool {
        (event.kind == AuditEventKind.accessDecision.rawValue && event.result == "denied")
            || event.kind == AuditEventKind.requestRefused.rawValue
    }

    package static func isApproval(_ event: StoredEvent) -> Bool { event.kind.hasPrefix("approval.") }

    package static func isBreakGlass(_ event: StoredEvent) -> Bool {
        event.kind.hasPrefix("breakglass.") || event.kind.hasPrefix("break_glass.")
    }

    package static func isFileTransfer(_ event: StoredEvent) -> Bool {
        if event.kind.hasPrefix("file.") || event.kind.hasPrefix("file_transfer.") { return true }
        guard event.kind == AuditEventKind.channelOpen.rawValue else { return false }
        let details = event.decodedDetails
        if details[AuditDetailKey.subsystem]?.stringValue == "sftp" { return true }
        let command = details[AuditDetailKey.command]?.stringValue ?? ""
        return command.hasPrefix("scp ") || command.hasPrefix("rsync ")
    }

    package static func isCommand(_ event: StoredEvent) -> Bool {
        event.kind == AuditEventKind.channelOpen.rawValue && event.decodedDetails[AuditDetailKey.command] != nil
            && !isFileTransfer(event)
    }

    /// The recording a session's close event vouches for: (path, SHA-256).
    package static func recording(_ event: StoredEvent) -> (path: String, sha256: String?)? {
        guard event.kind == AuditEventKind.sessionClose.rawValue, event.sessionID != nil else { return nil }
        let details = event.decodedDetails
        guard let path = details[AuditDetailKey.recordingPath]?.stringValue else { return nil }
        return (path, details[AuditDetailKey.recordingSHA256]?.stringValue)
    }

    package static func seconds(_ iso8601: String?) -> Double? {
        guard let iso8601, let stamp = AuditTimestamp(iso8601: iso8601) else { return nil }
        return Double(stamp.microsecondsSinceEpoch) / 1_000_000
    }
}
