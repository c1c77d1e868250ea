import Foundation

/// The real OpenSSH client tools (ssh, scp, sftp, rsync over ssh) pointed at one server,
/// the gateway or a target, through a private config and a pinned known_hosts file.
package struct OpenSSHClient: Sendable {
    package let configuration: OpenSSHClientConfiguration
    package let configPath: String
    package let identity: KeyPair
    /// The user sent to the server unless a call names another: for the gateway this is
    /// "LOGIN@TARGET" or "TARGET"; nil leaves it to the config (or the local user).
    package let user: String?
    private let workingDirectory: String

    package var alias: String { configuration.alias }

    /// Writes `NAME.config` and `NAME.known_hosts` into `directory`. `hostKeyLine` is the
    /// server's "ssh-ed25519 AAAA…"; it is pinned as `[127.0.0.1]:PORT`.
    package init(
        in directory: String,
        name: String,
        port: UInt16,
        identity: KeyPair,
        hostKeyLine: String,
        user: String? = nil
    ) throws {
        let knownHosts = directory + "/\(name).known_hosts"
        try Data("[127.0.0.1]:\(port) \(hostKeyLine)\n".utf8).write(to: URL(fileURLWithPath: knownHosts))
        let configuration = OpenSSHClientConfiguration(
            alias: name, port: port, user: nil, identityFile: identity.privateKeyPath, knownHostsFile: knownHosts
        )
        let configPath = directory + "/\(name).config"
        try Data(configuration.render().utf8).write(to: URL(fileURLWithPath: configPath))
        chmod(configPath, 0o600)
        self.init(configuration: configuration, configPath: configPath, identity: identity, user: user, workingDirectory: directory)
    }

    private init(configuration: OpenSSHClientConfiguration, configPath: String, identity: KeyPair, user: String?, workingDirectory: String) {
        self.configuration = configuration
        self.configPath = configPath
        self.identity = identity
        self.user = user
        self.workingDirectory = workingDirectory
    }

    /// The same client, sending `user` as its SSH username.
    package func withUser(_ user: String?) -> OpenSSHClient {
        OpenSSHClient(configuration: configuration, configPath: configPath, identity: identity, user: user, workingDirectory: workingDirectory)
    }

    /// "alias:path", the remote side of scp, sftp and rsync arguments.
    package func remote(_ path: String) -> String {
        "\(alias):\(path)"
    }

    /// The environment of every client command: the test's own, minus what would let the
    /// developer's agent or X server leak into a test that did not ask for them.
    package static func environment(adding extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["SSH_AUTH_SOCK"] = nil
        environment["DISPLAY"] = nil
        environment["SSH_ASKPASS"] = nil
        environment.merge(extra) { _, new in new }
        return environment
    }

    // MARK: ssh

    /// `ssh -F CONFIG [-l USER] OPTIONS… ALIAS [COMMAND]` as an argument vector (without
    /// the program), for callers that run ssh themselves (a pty driver, a spawn).
    package func sshArguments(_ command: String? = nil, options: [String] = [], user: String? = nil) -> [String] {
        var arguments = ["-F", configPath]
        if let login = user ?? self.user {
            arguments += ["-l", login]
        }
        arguments += options
        arguments.append(alias)
        if let command {
            arguments.append(command)
        }
        return arguments
    }

    package func ssh(
        _ command: String? = nil,
        options: [String] = [],
        user: String? = nil,
        input: ProcessInput = .none,
        output: ProcessOutput = .capture,
        environment extra: [String: String] = [:],
        timeout: Duration = .seconds(60)
    ) async throws -> ProcessResult {
        try await runner(extra).run(
            "ssh", sshArguments(command, options: options, user: user), input: input, output: output, timeout: timeout
        )
    }

    /// Starts ssh and returns at once, for sessions a test kills or watches.
    package func spawnSSH(
        _ command: String? = nil,
        options: [String] = [],
        user: String? = nil,
        input: ProcessInput = .none,
        output: ProcessOutput = .capture,
        environment extra: [String: String] = [:]
    ) throws -> SpawnedProcess {
        try runner(extra).spawn("ssh", sshArguments(command, options: options, user: user), input: input, output: output)
    }

    // MARK: scp, sftp, rsync

    /// `scp -F CONFIG -o User=… OPTIONS… SOURCE… DESTINATION`. `legacyProtocol` adds `-O`
    /// (the old scp/rcp protocol instead of SFTP, which is scp's default since 9.0).
    package func scp(
        _ sources: [String],
        _ destination: String,
        legacyProtocol: Bool = false,
        options: [String] = [],
        user: String? = nil,
        timeout: Duration = .seconds(120)
    ) async throws -> ProcessResult {
        var arguments = ["-F", configPath] + userOption(user)
        if legacyProtocol { arguments.append("-O") }
        arguments += options + sources + [destination]
        return try await runner().run("scp", arguments, timeout: timeout)
    }

    /// Runs the `sftp` batch `commands` (one per line); sftp stops at the first failure.
    package func sftp(
        batch commands: String,
        options: [String] = [],
        user: String? = nil,
        timeout: Duration = .seconds(120)
    ) async throws -> ProcessResult {
        let batch = try TemporaryDirectory(prefix: "tracegate-sftp")
        let batchPath = try batch.write(commands, to: "batch")
        let arguments = ["-F", configPath] + userOption(user) + options + ["-b", batchPath, alias]
        return try await runner().run("sftp", arguments, timeout: timeout)
    }

    /// `rsync ARGUMENTS…` with `-e "ssh -F CONFIG -l USER"`; remote paths use `remote(_:)`.
    package func rsync(_ arguments: [String], user: String? = nil, timeout: Duration = .seconds(180)) async throws -> ProcessResult {
        var shell = ["ssh", "-F", configPath]
        if let login = user ?? self.user {
            shell += ["-l", login]
        }
        let remoteShell = shell.map(ShellQuoting.quote).joined(separator: " ")
        return try await runner().run("rsync", ["-e", remoteShell] + arguments, timeout: timeout)
    }

    private func userOption(_ user: String?) -> [String] {
        guard let login = user ?? self.user else { return [] }
        return ["-o", "User=\(login)"]
    }

    private func runner(_ extra: [String: String] = [:]) -> ProcessRunner {
        ProcessRunner(environment: Self.environment(adding: extra), workingDirectory: workingDirectory)
    }
}
