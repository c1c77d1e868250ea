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
}

/// How a session ended, for its closing event.
package struct SessionOutcome: Sendable {
    package var exitStatus: Int?
    package var exitSignal: String?
    package var durationSeconds: Double
    package var bytesToTarget: Int
    package var bytesFromTarget: Int
}

/// Why a connection ended.
package enum ConnectionEndReason: String, Sendable {
    case clientQuit = "client_quit"
    case clientDropped = "client_dropped"
    case targetDropped = "target_dropped"
    case authenticationTimeout = "auth_timeout"
    case tooManyAttempts = "too_many_attempts"
    case keyExchangeFailed = "kex_failed"
    case shutdown
    case error
}
