import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// Two gateway processes behind the example HAProxy, sharing their keys (as the README says
    /// nodes do): sessions land on both, and each node's trail records the engineer's address
    /// with HAProxy as `via`.
    @Suite(.timeLimit(.minutes(3)))
    struct ProxyProtocolTwoNodeTests {
        /// A second node: the first's configuration on other ports and its own state directory,
        /// holding a copy of the first's keys.
        private func startSecondNode(beside fixture: GatewayFixture) async throws -> (node: GatewayProcess, metricsPort: UInt16) {
            let directory = try fixture.directory.subdirectory("node-2")
            var configuration = fixture.configuration
            let metricsPort = try LoopbackPort.free()
            configuration.listenPort = try LoopbackPort.free()
            configuration.metricsListen = "127.0.0.1:\(metricsPort)"
            configuration.stateDirectory = directory + "/state"
            let keys = configuration.stateDirectory + "/keys"
            try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            chmod(configuration.stateDirectory, 0o700)
            let original = fixture.gateway.stateDirectory + "/keys"
            for name in try FileManager.default.contentsOfDirectory(atPath: original) {
                try FileManager.default.copyItem(atPath: original + "/" + name, toPath: keys + "/" + name)
            }
            let node = try GatewayProcess(configuration: configuration, directory: directory)
            try await node.start()
            return (node, metricsPort)
        }

        @Test func sessionsLandOnBothNodesAndEachAuditsTheEngineersAddress() async throws {
            var options = GatewayFixture.Options()
            options.servesMetrics = true
            options.configurationLines = ["proxy_protocol: {from: [\(ProxyScene.proxySource)]}"]
            let fixture = try await GatewayFixture.start(options)
            var second: GatewayProcess?
            var haproxy: HAProxyProcess?
            do {
                let (node, nodeMetricsPort) = try await startSecondNode(beside: fixture)
                second = node
                let proxy = try await HAProxyProcess.start(
                    in: try fixture.directory.subdirectory("haproxy"), source: ProxyScene.proxySource, servers: [
                        .init(name: "gw-1", port: fixture.gateway.port, checkPort: try #require(fixture.metricsPort)),
                        .init(name: "gw-2", port: node.port, checkPort: nodeMetricsPort),
                    ])
                haproxy = proxy
                let alice = try OpenSSHClient(in: fixture.directory.path, name: "two-node-alice", port: proxy.port,
                                              identity: fixture.aliceKey, hostKeyLine: try fixture.gateway.hostKeyLine(),
                                              user: "\(fixture.login)@web-01")
                for round in 0..<4 {
                    let result = try await alice.ssh("echo round-\(round)", options: ["-b", "127.0.0.9"])
                    #expect(result.stdout == "round-\(round)\n", "\(result)\n\(fixture.gatewayLogTail)\n\(node.log.suffix(3000))")
                }
                // leastconn between idle nodes takes turns: both served some of the four.
                var perNode: [Int] = []
                for state in [fixture.gateway.stateDirectory, node.stateDirectory] {
                    let rows = try await Self.connectionOpens(in: state, atLeast: 1)
                    #expect(rows.allSatisfy { $0.json("details", "via")?.hasPrefix("\(ProxyScene.proxySource):") == true }, "\(rows)")
                    perNode.append(rows.count)
                }
                #expect(perNode.allSatisfy { $0 >= 1 } && perNode.reduce(0, +) == 4, "\(perNode)\n\(proxy.log)")
            } catch {
                Issue.record(error)
            }
            await haproxy?.stop()
            await second?.kill()
            await fixture.stop()
        }

        /// The node's `connection.open` events from 127.0.0.9, polled until there are `count`.
        private static func connectionOpens(in state: String, atLeast count: Int) async throws -> [AuditRow] {
            let audit = AuditTrailDatabase(path: state + "/audit.db")
            let deadline = ContinuousClock.now + .seconds(10)
            while true {
                let rows = try await audit.query(
                    "SELECT source_address, details FROM events WHERE kind = 'connection.open' AND source_address = '127.0.0.9'")
                if rows.count >= count || ContinuousClock.now >= deadline { return rows }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
