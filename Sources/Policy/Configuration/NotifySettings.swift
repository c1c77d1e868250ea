/// `notify: {command: [/usr/local/bin/post-to-chat, --channel, ops], timeout: 5s}`: run for
/// approval requested/decided with the event as one JSON object on stdin, off every session's
/// path. The command is run directly (no shell), as the gateway's user.
package struct NotifySettings: Hashable, Sendable {
    package var command: [String]
    package var timeout: Duration

    package static let defaultTimeout: Duration = .seconds(5)

    package init(command: [String], timeout: Duration = defaultTimeout) {
        self.command = command
        self.timeout = timeout
    }
}
