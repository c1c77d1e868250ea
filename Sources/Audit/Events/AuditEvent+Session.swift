/// What a client asked for when it opened a session channel.
package struct ChannelDescription: Sendable, Hashable {
    package var type: ChannelType
    /// exec: the full command line, as sent.
    package var command: String?
    /// subsystem: its name (e.g. `sftp`).
    package var subsystem: String?
    /// Environment variables the client passed (and the gateway forwarded).
    package var environment: [String: String]
    package var pty: PseudoTerminal?
    /// direct-tcpip: the destination asked for.
    package var forwardHost: String?
    package var forwardPort: Int?
    /// Where the recording of this session is written, relative to `state_dir` or absolute.
    package var recordingPath: String?
    /// The approval this session started under (`approval.request` id) and its approver.
    package var approvalID: String?
    package var approvedBy: String?
    /// The break-glass review item (b-…) when the connection broke the glass.
    package var breakGlassReview: String?

    package struct PseudoTerminal: Sendable, Hashable {
        package var term: String
        package var columns: Int
        package var rows: Int

        package init(term: String, columns: Int, rows: Int) {
            self.term = term
            self.columns = columns
            self.rows = rows
        }
    }

    package init(
        type: ChannelType, command: String? = nil, subsystem: String? = nil, environment: [String: String] = [:],
        pty: PseudoTerminal? = nil, forwardHost: String? = nil, forwardPort: Int? = nil, recordingPath: String? = nil
    ) {
        self.type = type
        self.command = command
        self.subsystem = subsystem
        self.environment = environment
        self.pty = pty
        self.forwardHost = forwardHost
        self.forwardPort = forwardPort
        self.recordingPath = recordingPath
    }
}

/// How a session channel ended.
package struct SessionEnd: Sendable, Hashable {
    package var exitStatus: Int?
    package var exitSignal: String?
    package var durationMilliseconds: Int64?
    /// Client to target.
    package var bytesIn: Int64
    /// Target to client.
    package var bytesOut: Int64
    package var recordingPath: String?
    package var recordingSize: Int64?
    package var recordingSHA256: String?
    /// Why the gateway ended the session (e.g. `shutdown`); nil when it ended on its own.
    package var reason: String?
    /// Who ended it (`terminate`, a lock): the result is then `terminated`.
    package var termination: SessionTermination?

    package init(
        exitStatus: Int? = nil, exitSignal: String? = nil, durationMilliseconds: Int64? = nil,
        bytesIn: Int64 = 0, bytesOut: Int64 = 0,
        recordingPath: String? = nil, recordingSize: Int64? = nil, recordingSHA256: String? = nil,
        reason: String? = nil, termination: SessionTermination? = nil
    ) {
        self.reason = reason
        self.termination = termination
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
        self.durationMilliseconds = durationMilliseconds
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.recordingPath = recordingPath
        self.recordingSize = recordingSize
        self.recordingSHA256 = recordingSHA256
    }

    /// `ok` for exit status 0, `failed` for another status or a signal, `closed` without either.
    package var result: SessionResult {
        if termination != nil { return .terminated }
        if exitSignal != nil { return .failed }
        guard let exitStatus else { return .closed }
        return exitStatus == 0 ? .ok : .failed
    }
}

extension AuditEvent {
    /// `channel.open`: a session channel was opened and forwarded to the target.
    package static func channelOpen(
        _ context: AuditContext, sessionID: String, channel: ChannelDescription
    ) -> AuditEvent {
        var details: [String: AuditValue] = [AuditDetailKey.channelType: .string(channel.type.rawValue)]
        if let command = channel.command { details[AuditDetailKey.command] = .string(command) }
        if let subsystem = channel.subsystem { details[AuditDetailKey.subsystem] = .string(subsystem) }
        if !channel.environment.isEmpty { details[AuditDetailKey.environment] = AuditValue(channel.environment) }
        if let pty = channel.pty {
            details[AuditDetailKey.pty] = .object([
                AuditDetailKey.ptyTerm: .string(pty.term),
                AuditDetailKey.ptyColumns: AuditValue(pty.columns),
                AuditDetailKey.ptyRows: AuditValue(pty.rows),
            ])
        }
        if let host = channel.forwardHost { details[AuditDetailKey.forwardHost] = .string(host) }
        if let port = channel.forwardPort { details[AuditDetailKey.forwardPort] = AuditValue(port) }
        if let path = channel.recordingPath { details[AuditDetailKey.recordingPath] = .string(path) }
        if let approvalID = channel.approvalID { details[AuditDetailKey.approvalID] = .string(approvalID) }
        if let approvedBy = channel.approvedBy { details[AuditDetailKey.approvedBy] = .string(approvedBy) }
        if let review = channel.breakGlassReview { details[AuditDetailKey.breakGlassReview] = .string(review) }
        return AuditEvent(.channelOpen, context: context, sessionID: sessionID, details: details)
    }

    /// `session.close`: a session channel ended, with its exit status or signal and byte counts.
    package static func sessionClose(
        _ context: AuditContext, sessionID: String, outcome: SessionEnd
    ) -> AuditEvent {
        var details: [String: AuditValue] = [
            AuditDetailKey.bytesIn: .integer(outcome.bytesIn),
            AuditDetailKey.bytesOut: .integer(outcome.bytesOut),
        ]
        if let status = outcome.exitStatus { details[AuditDetailKey.exitStatus] = AuditValue(status) }
        if let signal = outcome.exitSignal { details[AuditDetailKey.exitSignal] = .string(signal) }
        if let duration = outcome.durationMilliseconds { details[AuditDetailKey.durationMilliseconds] = .integer(duration) }
        if let path = outcome.recordingPath { details[AuditDetailKey.recordingPath] = .string(path) }
        if let size = outcome.recordingSize { details[AuditDetailKey.recordingSize] = .integer(size) }
        if let digest = outcome.recordingSHA256 { details[AuditDetailKey.recordingSHA256] = .string(digest) }
        if let termination = outcome.termination {
            details[AuditDetailKey.terminatedBy] = .string(termination.by)
            details[AuditDetailKey.terminatedByOrganization] = AuditValue(termination.organization)
            details[AuditDetailKey.terminationReason] = .string(termination.reason)
            if let lock = termination.lockID { details[AuditDetailKey.lockID] = .string(lock) }
        }
        return AuditEvent(
            .sessionClose, context: context, sessionID: sessionID, result: outcome.result.rawValue, reason: outcome.reason,
            details: details)
    }
}
