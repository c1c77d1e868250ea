import SSH

/// Bounds on what a client may put in a channel request before anything reaches the target
/// or the recording. Refusals are answered (request failure, or the reason on stderr when
/// the request starts a session) and recorded as `request.refused`: the first of each kind
/// per connection, so that thousands of hostile requests cannot flood the trail.
extension ClientConnection {
    /// What the kernel's `struct winsize` can hold (16 bits each); anything larger is not a terminal.
    static let maximumTerminalDimension = 65535
    static let maximumTerminalTypeBytes = 64
    static let maximumSubsystemNameBytes = 64

    func refuseRequest(_ request: String, reason: String, on bridge: ChannelBridge?) -> ServerReply {
        if auditedRequestRefusals.insert(request).inserted {
            journal.channelRequestRefused(context, sessionID: bridge?.sessionID, request: request, reason: reason)
        }
        return .deny
    }

    static func isPlausible(_ size: TerminalSize) -> Bool {
        [size.columns, size.rows, size.pixelWidth, size.pixelHeight].allSatisfy { (0...maximumTerminalDimension).contains($0) }
    }

    /// xterm-256color, vt100, screen.linux: printable ASCII without spaces.
    static func isPlausibleTerminalType(_ term: String) -> Bool {
        term.utf8.count <= maximumTerminalTypeBytes && term.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f }
    }

    /// sftp, or a vendor name such as foo@example.com: letters, digits and `@._-`.
    static func isValidSubsystemName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= maximumSubsystemNameBytes && name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "@._-".unicodeScalars.contains(scalar))
        }
    }
}
