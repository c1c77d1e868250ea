import Foundation

/// The real `tracegate` binary with a configuration of the test's making: `serve` as a
/// long-running child, and the one-shot subcommands (`keys show`, `config check`, …).
package final class GatewayProcess: Sendable {
    package let binary: String
    package let configPath: String
    /// The working directory of every invocation, so relative paths in a config resolve
    /// inside the test's temp dir and never in the repository.
    package let workingDirectory: String
    package let port: UInt16
    package let stateDirectory: String
    private let server = LockedValue<SpawnedProcess?>(nil)

    /// Writes `configuration` to `directory/tracegate.yaml`.
    package convenience init(configuration: GatewayConfiguration, directory: String) throws {
        let configPath = directory + "/tracegate.yaml"
        try Data(configuration.yaml().utf8).write(to: URL(fileURLWithPath: configPath))
        try self.init(
            configPath: configPath,
            workingDirectory: directory,
            port: configuration.listenPort,
            stateDirectory: configuration.stateDirectory
        )
    }

    /// Uses a config file the test wrote itself (for instance a deliberately broken one).
    package init(configPath: String, workingDirectory: String, port: UInt16, stateDirectory: String) throws {
        self.binary = try GatewayBinary.path()
        self.configPath = configPath
        self.workingDirectory = workingDirectory
        self.port = port
        self.stateDirectory = stateDirectory
    }

    deinit {
        server.current?.stopBlocking()
    }

    package var pid: Int32? { server.current?.pid }
    package var isRunning: Bool { server.current?.isRunning ?? false }
    /// How the last `serve` ended; nil while it runs or before it started.
    package var termination: Termination? { server.current?.termination }
    /// Everything `serve` has logged so far (stderr, then anything it printed on stdout).
    package var log: String {
        guard let process = server.current else { return "" }
        let standardOutput = String(decoding: process.standardOutputSoFar, as: UTF8.self)
        return process.standardErrorText + (standardOutput.isEmpty ? "" : "\n[stdout]\n" + standardOutput)
    }

    /// The gateway's public host key file, written on first start.
    package var hostKeyPublicPath: String { stateDirectory + "/keys/host_ed25519.pub" }

    /// "ssh-ed25519 AAAA…" of the gateway's host key, for the clients' known_hosts.
    package func hostKeyLine() throws -> String {
        let line = try String(contentsOfFile: hostKeyPublicPath, encoding: .utf8)
        let fields = line.split(separator: " ")
        guard fields.count >= 2 else {
            throw TestSupportError.unexpectedOutput("\(hostKeyPublicPath): \(line)")
        }
        return fields.prefix(2).joined(separator: " ")
    }

    /// `tracegate ARGUMENTS… --config PATH`.
    package func run(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> ProcessResult {
        try await ProcessRunner(workingDirectory: workingDirectory)
            .run(binary, arguments + ["--config", configPath], timeout: timeout)
    }

    /// `tracegate serve --config PATH`, returning once the listen port accepts TCP. If the
    /// process exits first, throws with its stderr, which is how a refusal to start shows.
    package func start(timeout: Duration = .seconds(20)) async throws {
        let process = try ProcessRunner(workingDirectory: workingDirectory)
            .spawn(binary, ["serve", "--config", configPath])
        server.withLock { $0 = process }
        if await LoopbackPort.waitUntilAccepting(port, timeout: timeout, while: { process.isRunning }) {
            return
        }
        if process.isRunning {
            await process.stop()
            throw TestSupportError.timedOut("tracegate serve did not accept on port \(port) within \(timeout); log:\n\(process.standardErrorText)")
        }
        // Give the stderr drain a moment to collect the last words.
        _ = await process.result(grace: .milliseconds(500))
        throw TestSupportError.exitedEarly(
            "tracegate serve (\(process.termination.map(String.init(describing:)) ?? "?"))",
            log: log
        )
    }

    /// Sends `signal` and waits for the exit; nil when it is still running after `timeout`.
    @discardableResult
    package func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(10)) async -> Termination? {
        guard let process = server.current else { return nil }
        process.terminate(signal: signal)
        return await process.waitForExit(timeout: timeout)
    }

    /// Stops for sure: SIGTERM, then SIGKILL after a grace period.
    package func kill() async {
        await server.current?.stop()
    }
}
