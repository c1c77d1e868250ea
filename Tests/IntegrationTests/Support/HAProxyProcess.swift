import Foundation
import TestSupport

/// Debian's haproxy (/usr/sbin/haproxy) in the foreground, running `config/examples/haproxy.cfg`:
/// its `defaults`, `frontend` and `backend` sections as written, with only the addresses
/// changed (the frontend on a free loopback port, the backend's `source` and its servers) and a
/// `global` section of its own (no chroot, no daemon, logs on stderr for the test to read).
final class HAProxyProcess: Sendable {
    struct Server: Sendable {
        let name: String
        let port: UInt16
        let checkPort: UInt16
    }

    let port: UInt16
    let configPath: String
    private let process: SpawnedProcess

    static let examplePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/examples/haproxy.cfg").path

    private init(port: UInt16, configPath: String, process: SpawnedProcess) {
        self.port = port
        self.configPath = configPath
        self.process = process
    }

    /// The example with this test's addresses. `source` is the address HAProxy connects to the
    /// gateways from, the one their `proxy_protocol.from` trusts. `checkInterval` replaces the
    /// example's `inter` (e.g. "500ms"), for tests that time how fast a dead node leaves the pool.
    static func configuration(port: UInt16, source: String, servers: [Server], checkInterval: String? = nil) throws -> String {
        let example = try String(contentsOfFile: examplePath, encoding: .utf8)
        var lines = ["global", "    log stderr format raw local0 info", "    maxconn 256", ""]
        var inGlobal = false
        var serversWritten = false
        for line in example.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !line.hasPrefix(" ") && !trimmed.isEmpty && !trimmed.hasPrefix("#") { inGlobal = trimmed == "global" }
            if inGlobal || trimmed.hasPrefix("#") { continue }
            if trimmed.hasPrefix("bind ") {
                lines.append("    bind 127.0.0.1:\(port)")
            } else if trimmed.hasPrefix("source ") {
                lines.append("    source \(source)")
            } else if trimmed.hasPrefix("default-server "), let checkInterval {
                guard line.contains(" inter ") else {
                    throw TestSupportError.unexpectedOutput("\(examplePath): default-server has no inter")
                }
                lines.append(line.replacingOccurrences(of: #" inter \S+"#, with: " inter \(checkInterval)", options: .regularExpression))
            } else if trimmed.hasPrefix("server ") {
                guard !serversWritten else { continue }
                serversWritten = true
                lines += servers.map { "    server \($0.name) 127.0.0.1:\($0.port) check port \($0.checkPort)" }
            } else {
                lines.append(line)
            }
        }
        guard serversWritten else { throw TestSupportError.unexpectedOutput("\(examplePath) has no server line") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Checks the configuration with `haproxy -c`, starts it with `-db` (foreground) and returns
    /// once its frontend accepts.
    static func start(in directory: String, source: String, servers: [Server],
                      checkInterval: String? = nil) async throws -> HAProxyProcess {
        let port = try LoopbackPort.free()
        let configPath = directory + "/haproxy.cfg"
        try Data(try configuration(port: port, source: source, servers: servers, checkInterval: checkInterval).utf8).write(to: URL(fileURLWithPath: configPath))
        let binary = try ExecutableLocator.find("haproxy")
        _ = try await ProcessRunner().run(binary, ["-c", "-f", configPath], timeout: .seconds(20)).checked("haproxy -c")
        let process = try ProcessRunner(workingDirectory: directory).spawn(binary, ["-db", "-f", configPath])
        let proxy = HAProxyProcess(port: port, configPath: configPath, process: process)
        guard await LoopbackPort.waitUntilAccepting(port, timeout: .seconds(20), while: { process.isRunning }) else {
            await proxy.stop()
            throw TestSupportError.timedOut("haproxy did not accept on \(port):\n\(process.standardErrorText)")
        }
        return proxy
    }

    /// What haproxy logged (connections, server state changes) so far.
    var log: String { process.standardErrorText }

    func stop() async {
        _ = await process.stop()
    }
}
