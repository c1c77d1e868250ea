import Audit
import Recording
import SSH

/// What a session channel asked to run, for logs and the audit trail.
package enum SessionCommand: Sendable, Equatable {
    case shell
    case exec(String)
    case subsystem(String)

    var kind: String {
        switch self {
        case .shell: "shell"
        case .exec: "exec"
        case .subsystem: "subsystem"
        }
    }

    var text: String? {
        switch self {
        case .shell: nil
        case .exec(let command): command
        case .subsystem(let name): name
        }
    }
}

/// A session as it started: its id, command, terminal and forwarded environment.
package struct SessionDescription: Sendable {
    package let id: String
    package let channelNumber: Int
    package let command: SessionCommand
    package let terminal: PseudoTerminal?
    package let environment: [String: String]
    /// Where the session's recording is written; nil for sftp/scp payloads, which are not recorded.
    package let recordingPath: String?
    /// The approval the session started under (a grant with `approval:`), and its approver.
    package var approvalID: String? = nil
    package var approvedBy: String? = nil
    /// The connection's break-glass review item, when it broke the glass.
    package var breakGlassReview: String? = nil
}

/// How a session ended, for its closing event.
package struct SessionOutcome: Sendable {
    package var exitStatus: Int?
    package var exitSignal: String?
    package var durationSeconds: Double
    package var bytesToTarget: Int
    package var bytesFromTarget: Int
    package var recording: RecordingSummary?
    /// Set when the recording was not closed in time; the session row then has no hash.
    package var unclosedRecording: (path: String, waitedSeconds: Int)? = nil
    /// Why the gateway ended the session (a `Refusal` code such as `shutdown` or
    /// `target_dropped`); nil when it ended on its own.
    package var endReason: String? = nil
    /// Who ended it, when someone overseeing it did (`terminate`, a lock).
    package var termination: SessionTermination? = nil
}

extension SessionDescription {
    var auditChannel: ChannelDescription {
        var channel = baseChannel
        channel.approvalID = approvalID
        channel.approvedBy = approvedBy
        channel.breakGlassReview = breakGlassReview
        return channel
    }

    private var baseChannel: ChannelDescription {
        let pty = terminal.map {
            ChannelDescription.PseudoTerminal(term: $0.term, columns: $0.size.columns, rows: $0.size.rows)
        }
        switch command {
        case .shell:
            return ChannelDescription(type: .shell, environment: environment, pty: pty, recordingPath: recordingPath)
        case .exec(let text):
            return ChannelDescription(type: .exec, command: text, environment: environment, pty: pty,
                                      recordingPath: recordingPath)
        case .subsystem(let name):
            return ChannelDescription(type: .subsystem, subsystem: name, environment: environment, pty: pty)
        }
    }
}

extension SessionOutcome {
    var auditEnd: SessionEnd {
        SessionEnd(exitStatus: exitStatus, exitSignal: exitSignal,
                   durationMilliseconds: Int64(durationSeconds * 1000),
                   bytesIn: Int64(bytesToTarget), bytesOut: Int64(bytesFromTarget),
                   recordingPath: recording?.path, recordingSize: recording.map { Int64($0.size) },
                   recordingSHA256: recording?.sha256, reason: endReason, termination: termination)
    }
}
