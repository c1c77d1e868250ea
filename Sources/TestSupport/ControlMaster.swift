import Foundation

/// OpenSSH connection sharing: one master connection, backgrounded by ControlPersist, whose
/// later clients become channels on it, as with Ansible's ControlPersist or an engineer's
/// multiplexed sessions.
package struct ControlMaster: Sendable {
    package let client: OpenSSHClient
    package let controlPath: String

    /// Options that make an ssh, scp or sftp of `client` a channel of this master.
    package var clientOptions: [String] { ["-o", "ControlMaster=no", "-o", "ControlPath=\(controlPath)"] }

    /// `ssh -O check`: succeeds while the master is up.
    package func check() async throws -> ProcessResult {
        try await client.ssh(options: ["-o", "ControlPath=\(controlPath)", "-O", "check"])
    }

    /// The master's process, as `ssh -O check` names it ("Master running (pid=N)").
    package func processID() async throws -> pid_t {
        let status = try await check()
        guard let range = status.stderr.range(of: "pid="), let pid = pid_t(status.stderr[range.upperBound...].prefix(while: \.isNumber))
        else { throw TestSupportError.commandFailed("ssh -O check", status) }
        return pid
    }

    /// Asks the master to end (`ssh -O exit`) without waiting; ControlPersist ends it anyway.
    package func exit() {
        _ = try? client.spawnSSH(options: ["-o", "ControlPath=\(controlPath)", "-O", "exit"])
    }
}

extension OpenSSHClient {
    /// Opens a master connection at `controlPath` (its first session runs `true`) that stays up
    /// `persist` after its last channel; throws with ssh's output when it could not connect.
    package func startControlMaster(at controlPath: String, persist: Duration) async throws -> ControlMaster {
        let seconds = persist.components.seconds
        let master = try await ssh(
            "true", options: ["-o", "ControlMaster=yes", "-o", "ControlPath=\(controlPath)", "-o", "ControlPersist=\(seconds)"])
        guard master.succeeded else { throw TestSupportError.commandFailed("ssh -o ControlMaster=yes", master) }
        return ControlMaster(client: self, controlPath: controlPath)
    }
}
