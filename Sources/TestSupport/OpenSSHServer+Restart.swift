import Foundation

extension OpenSSHServer {
    /// sshd again on the same port, with the same host key, configuration and
    /// authorized_keys: the target back from a reboot. Call after `stop()`; the returned
    /// server is the one to stop afterwards.
    package func restarted(timeout: Duration = .seconds(10)) async throws -> OpenSSHServer {
        let configPath = directory.file("sshd_config")
        // The old connections' sockets may linger in TIME_WAIT; sshd binds with SO_REUSEADDR.
        for _ in 0..<3 {
            let process = try ProcessRunner().spawn(Self.executable, ["-D", "-e", "-f", configPath])
            let server = OpenSSHServer(directory: directory, configuration: configuration, hostKey: hostKey, process: process)
            if await LoopbackPort.waitUntilAccepting(port, timeout: timeout, while: { process.isRunning }) {
                return server
            }
            server.stop()
            try await Task.sleep(for: .milliseconds(500))
        }
        throw TestSupportError.timedOut("sshd restart on port \(port)")
    }
}
