/// Terminal geometry as the SSH protocol carries it (characters and pixels).
package struct TerminalSize: Sendable, Equatable {
    package var columns: Int
    package var rows: Int
    package var pixelWidth: Int
    package var pixelHeight: Int

    package init(columns: Int, rows: Int, pixelWidth: Int = 0, pixelHeight: Int = 0) {
        self.columns = columns
        self.rows = rows
        self.pixelWidth = pixelWidth
        self.pixelHeight = pixelHeight
    }
}

/// A pty-req: the terminal type and its size.
package struct PseudoTerminal: Sendable, Equatable {
    package var term: String
    package var size: TerminalSize
}

/// How a remote process ended when it did not exit normally.
package struct ExitSignal: Sendable, Equatable {
    package var name: String
    package var coreDumped: Bool
    package var message: String
}

/// Every request an engineer can make on a session channel.
package enum ChannelRequest: Sendable, Equatable {
    case pty(PseudoTerminal)
    case environment(name: String, value: String)
    case shell
    case exec(command: String)
    case subsystem(name: String)
    case windowChange(TerminalSize)
    case signal(name: String)
    case agentForwarding
    case x11Forwarding
}

extension ChannelRequest {
    /// The request's name on the wire (RFC 4254 6), as the trail names a refused one.
    package var wireName: String {
        switch self {
        case .pty: "pty-req"
        case .environment: "env"
        case .shell: "shell"
        case .exec: "exec"
        case .subsystem: "subsystem"
        case .windowChange: "window-change"
        case .signal: "signal"
        case .agentForwarding: "auth-agent-req@openssh.com"
        case .x11Forwarding: "x11-req"
        }
    }
}
