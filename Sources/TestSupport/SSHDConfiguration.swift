/// The sshd_config of a test target: everything inside its own directory, nothing from
/// /etc/ssh, and limits high enough for the concurrency tests (50 sessions at once).
package struct SSHDConfiguration: Sendable {
    package var port: UInt16
    package var directory: String
    package var extraLines: [String] = []
    /// `AcceptEnv`: which client variables the target takes.
    package var acceptedEnvironment = "LANG LC_* TERM TRACEGATE_*"

    package var hostKeyPath: String { directory + "/ssh_host_ed25519_key" }
    package var authorizedKeysPath: String { directory + "/authorized_keys" }
    package var pidFilePath: String { directory + "/sshd.pid" }

    package func render(sftpServer: String) -> String {
        var lines = [
            "ListenAddress 127.0.0.1:\(port)",
            "HostKey \(hostKeyPath)",
            "AuthorizedKeysFile \(authorizedKeysPath)",
            "PidFile \(pidFilePath)",
            // The temp dir is 0700 root, but StrictModes also walks the home directory.
            "StrictModes no",
            "UsePAM no",
            "PermitRootLogin prohibit-password",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "Subsystem sftp \(sftpServer)",
            "AcceptEnv \(acceptedEnvironment)",
            "MaxStartups 200:30:400",
            "MaxSessions 50",
            "LogLevel VERBOSE",
            // Output must be byte-identical between direct and gateway sessions.
            "PrintMotd no",
            "PrintLastLog no",
            "UseDNS no",
            "AllowAgentForwarding yes",
            "AllowTcpForwarding yes",
            "X11Forwarding no",
        ]
        lines += extraLines
        return lines.joined(separator: "\n") + "\n"
    }
}
