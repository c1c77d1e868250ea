/// A private ssh_config for one host alias. Every client command passes it with `-F`, so
/// neither ~/.ssh/config nor /etc/ssh/ssh_config can change what a test does.
package struct OpenSSHClientConfiguration: Sendable {
    package var alias: String
    package var port: UInt16
    package var user: String?
    package var identityFile: String
    package var knownHostsFile: String

    package func render() -> String {
        var lines = [
            "Host \(alias)",
            "  HostName 127.0.0.1",
            "  Port \(port)",
            "  IdentityFile \(identityFile)",
            "  IdentitiesOnly yes",
            "  BatchMode yes",
            "  StrictHostKeyChecking yes",
            "  UserKnownHostsFile \(knownHostsFile)",
            "  GlobalKnownHostsFile /dev/null",
            // A target's extra host keys must not be learnt into our pinned file.
            "  UpdateHostKeys no",
            "  LogLevel ERROR",
            "  ConnectTimeout 10",
            "  ControlMaster no",
            "  ControlPath none",
        ]
        if let user {
            lines.insert("  User \(user)", at: 4)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
