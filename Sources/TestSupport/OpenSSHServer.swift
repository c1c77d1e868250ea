import Foundation

/// A real OpenSSH sshd on 127.0.0.1, playing a production target. It lives in its own temp
/// directory with its own host key and authorized_keys, and never reads /etc/ssh.
package final class OpenSSHServer: Sendable {
    package static let executable = "/usr/sbin/sshd"

    package let directory: TemporaryDirectory
    package let configuration: SSHDConfiguration
    package let hostKey: KeyPair
    package let login: String
    private let process: SpawnedProcess

    package var port: UInt16 { configuration.port }
    package var address: String { "127.0.0.1:\(port)" }
    package var pid: Int32 { process.pid }
    /// "ssh-ed25519 AAAA…", ready for known_hosts.
    package var hostKeyLine: String { hostKey.publicKeyBlob }
    package var hostKeyFingerprint: String { hostKey.fingerprint }
    /// sshd's own log (`-e` sends it to stderr), for failure messages.
    package var log: String { process.standardErrorText }
    package var isRunning: Bool { process.isRunning }

    init(directory: TemporaryDirectory, configuration: SSHDConfiguration, hostKey: KeyPair, process: SpawnedProcess) {
        self.directory = directory
        self.configuration = configuration
        self.hostKey = hostKey
        self.login = TestLogin.name
        self.process = process
    }

    deinit {
        stop()
    }

    /// Starts sshd on a free port. `extraConfiguration` lines are appended to sshd_config
    /// (e.g. "RekeyLimit 32M"). A broken config fails with `sshd -t`'s own complaint.
    /// `acceptedEnvironment` is the `AcceptEnv` list.
    package static func start(extraConfiguration: [String] = [],
                              acceptedEnvironment: String = "LANG LC_* TERM TRACEGATE_*") async throws -> OpenSSHServer {
        try ensurePrivilegeSeparationDirectory()
        let directory = try TemporaryDirectory(prefix: "tracegate-sshd")
        let hostKey = try await KeyPair.generate(in: directory.path, name: "ssh_host_ed25519_key")
        _ = FileManager.default.createFile(atPath: directory.file("authorized_keys"), contents: Data())
        let sftpServer = FileManager.default.isExecutableFile(atPath: "/usr/lib/openssh/sftp-server")
            ? "/usr/lib/openssh/sftp-server" : "internal-sftp"

        // The free port can be taken between our probe and sshd's bind: try a few.
        var lastFailure: (any Error)?
        for _ in 0..<3 {
            var configuration = SSHDConfiguration(port: try LoopbackPort.free(), directory: directory.path)
            configuration.extraLines = extraConfiguration
            configuration.acceptedEnvironment = acceptedEnvironment
            let configPath = try directory.write(configuration.render(sftpServer: sftpServer), to: "sshd_config")
            let check = try await ProcessRunner().run(executable, ["-t", "-f", configPath])
            guard check.succeeded else {
                throw TestSupportError.invalidConfiguration("sshd -t -f \(configPath)", output: check.stderr + check.stdout)
            }
            let process = try ProcessRunner().spawn(executable, ["-D", "-e", "-f", configPath])
            let server = OpenSSHServer(directory: directory, configuration: configuration, hostKey: hostKey, process: process)
            let port = configuration.port
            if await LoopbackPort.waitUntilAccepting(port, timeout: .seconds(10), while: { process.isRunning }) {
                return server
            }
            lastFailure = TestSupportError.exitedEarly("sshd on port \(port)", log: server.log)
            server.stop()
        }
        throw lastFailure ?? TestSupportError.timedOut("sshd start")
    }

    /// sshd refuses to start as root without its privilege separation directory, and a
    /// fresh container has no /run/sshd.
    private static func ensurePrivilegeSeparationDirectory() throws {
        guard geteuid() == 0 else { return }
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: "/run/sshd", isDirectory: &isDirectory) {
            try FileManager.default.createDirectory(
                atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755]
            )
        }
    }

    /// Lets the holder of `publicKeyLine` log in as `login`.
    package func authorize(publicKeyLine: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: configuration.authorizedKeysPath))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((publicKeyLine.trimmingCharacters(in: .whitespacesAndNewlines) + "\n").utf8))
    }

    /// The per-connection sshd processes: one child of the listener per open connection
    /// (sshd 9.2 forks a privileged monitor per connection, which also setsid()s).
    package var sessionProcessIDs: [Int32] {
        ProcessTree.children(of: pid).filter(ProcessTree.isAlive)
    }

    /// SIGKILLs every connection of this server, as a crashed or OOM-killed target would
    /// look from the network. The listener stays up.
    package func killSessionProcesses() {
        for child in sessionProcessIDs {
            kill(child, SIGKILL)
        }
    }

    /// Waits until the server has no connection left (or `timeout` passes); returns
    /// whether it got there.
    package func waitUntilIdle(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if sessionProcessIDs.isEmpty { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return sessionProcessIDs.isEmpty
    }

    /// Stops the listener and any connections it left behind (sshd does not end open
    /// connections when its listener gets SIGTERM).
    package func stop() {
        let connections = sessionProcessIDs
        process.stopBlocking(grace: .seconds(3))
        for child in connections {
            kill(child, SIGKILL)
        }
    }
}
