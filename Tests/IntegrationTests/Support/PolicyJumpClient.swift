import Foundation
import TestSupport

/// An engineer's OpenSSH client set up for `ssh -J USER@127.0.0.1:GATEWAY -p PORT LOGIN@127.0.0.1`.
/// Through a tunnel the client logs in to the target itself, so its known_hosts pins the
/// targets' own host keys next to the gateway's. One `Host *` block serves both hops: the
/// jump ssh that OpenSSH starts gets the same `-F` file.
struct PolicyJumpClient: Sendable {
    let configPath: String
    let jumpUser: String
    let gatewayPort: UInt16

    /// `hostKeys`: port → "ssh-ed25519 AAAA…" the client expects at 127.0.0.1:port.
    init(
        in directory: String, name: String, identity: KeyPair, jumpUser: String,
        gatewayPort: UInt16, gatewayHostKeyLine: String, hostKeys: [(UInt16, String)]
    ) throws {
        let knownHosts = directory + "/\(name).known_hosts"
        let entries = [(gatewayPort, gatewayHostKeyLine)] + hostKeys
        try Data(entries.map { "[127.0.0.1]:\($0.0) \($0.1)\n" }.joined().utf8).write(to: URL(fileURLWithPath: knownHosts))
        let lines = [
            "Host *",
            "  IdentityFile \(identity.privateKeyPath)",
            "  IdentitiesOnly yes",
            "  BatchMode yes",
            "  StrictHostKeyChecking yes",
            "  UserKnownHostsFile \(knownHosts)",
            "  GlobalKnownHostsFile /dev/null",
            "  UpdateHostKeys no",
            // INFO, as an engineer's terminal: OpenSSH shows a refused channel open from there.
            "  LogLevel INFO",
            "  ConnectTimeout 10",
            "  ControlMaster no",
            "  ControlPath none",
        ]
        configPath = directory + "/\(name).config"
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: configPath))
        chmod(configPath, 0o600)
        self.jumpUser = jumpUser
        self.gatewayPort = gatewayPort
    }

    /// The client of `gateway`'s engineer `user`, trusting every real server's host key.
    init(_ gateway: PolicyGateway, user: String, identity: KeyPair, name: String) throws {
        try self.init(
            in: try gateway.directory.subdirectory("clients"), name: name, identity: identity, jumpUser: user,
            gatewayPort: gateway.gateway.port, gatewayHostKeyLine: gateway.hostKeyLine,
            hostKeys: gateway.servers.map { ($0.port, $0.hostKeyLine) }
        )
    }

    func arguments(port: UInt16, login: String, command: String?) -> [String] {
        ["-F", configPath, "-J", "\(jumpUser)@127.0.0.1:\(gatewayPort)", "-p", "\(port)", "\(login)@127.0.0.1"]
            + (command.map { [$0] } ?? [])
    }

    func ssh(port: UInt16, login: String, _ command: String, timeout: Duration = .seconds(60)) async throws -> ProcessResult {
        try await ProcessRunner(environment: OpenSSHClient.environment())
            .run("ssh", arguments(port: port, login: login, command: command), timeout: timeout)
    }

    func spawnSSH(port: UInt16, login: String, _ command: String) throws -> SpawnedProcess {
        try ProcessRunner(environment: OpenSSHClient.environment())
            .spawn("ssh", arguments(port: port, login: login, command: command))
    }
}
