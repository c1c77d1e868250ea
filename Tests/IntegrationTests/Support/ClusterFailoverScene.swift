import Foundation
import Testing
import TestSupport

/// Three nodes of one cluster behind real HAProxy: the ClusterScene's gateway (gw-1) and two
/// more started from its configuration with copies of its keys, each trusting HAProxy's
/// PROXY v2 headers, serving `/readyz` for HAProxy's checks and shipping to the scene's
/// PostgreSQL.
struct ClusterFailoverScene: Sendable {
    struct Node: Sendable {
        let name: String
        let gateway: GatewayProcess

        var auditDatabase: AuditTrailDatabase { AuditTrailDatabase(path: gateway.stateDirectory + "/audit.db") }
    }

    /// HAProxy's check interval here instead of the example's 2 s (with `fall 2`, a dead node
    /// leaves the pool after about twice this), so that the failover test measures seconds, not tens.
    static let checkIntervalMilliseconds = 500

    let cluster: ClusterScene
    let nodes: [Node]
    let haproxy: HAProxyProcess

    static func start() async throws -> ClusterFailoverScene {
        let cluster = try await ClusterScene.start(configurationLines: ["proxy_protocol: {from: [\(ProxyScene.proxySource)]}"])
        var nodes = [Node(name: ClusterScene.node, gateway: cluster.fixture.gateway)]
        do {
            var servers = [HAProxyProcess.Server(name: ClusterScene.node, port: cluster.fixture.gateway.port,
                                                 checkPort: try #require(cluster.fixture.metricsPort))]
            for name in ["gw-2", "gw-3"] {
                let metricsPort = try LoopbackPort.free()
                let (gateway, _) = try await cluster.startNode(name, metricsPort: metricsPort)
                nodes.append(Node(name: name, gateway: gateway))
                servers.append(.init(name: name, port: gateway.port, checkPort: metricsPort))
            }
            let haproxy = try await HAProxyProcess.start(
                in: try cluster.fixture.directory.subdirectory("haproxy"), source: ProxyScene.proxySource, servers: servers,
                checkInterval: "\(checkIntervalMilliseconds)ms")
            return ClusterFailoverScene(cluster: cluster, nodes: nodes, haproxy: haproxy)
        } catch {
            for node in nodes.dropFirst() { await node.gateway.kill() }
            await cluster.stop()
            throw error
        }
    }

    func stop() async {
        await haproxy.stop()
        for node in nodes.dropFirst() { await node.gateway.kill() }
        await cluster.stop()
    }

    var postgres: PostgreSQLServer { cluster.postgres }

    /// alice through HAProxy to web-01; each call passes `-b 127.0.0.x` to choose her address.
    func client(_ name: String) throws -> OpenSSHClient {
        let fixture = cluster.fixture
        return try OpenSSHClient(in: fixture.directory.path, name: name, port: haproxy.port, identity: fixture.aliceKey,
                                 hostKeyLine: try fixture.gateway.hostKeyLine(), user: "\(fixture.login)@web-01")
    }

    /// alice straight to one node (from 127.0.0.1, not a trusted proxy), bypassing HAProxy.
    func directClient(to node: Node) throws -> OpenSSHClient {
        let fixture = cluster.fixture
        return try OpenSSHClient(in: fixture.directory.path, name: "direct-\(node.name)", port: node.gateway.port,
                                 identity: fixture.aliceKey, hostKeyLine: try node.gateway.hostKeyLine(),
                                 user: "\(fixture.login)@web-01")
    }

    func node(named name: String) throws -> Node {
        try #require(nodes.first { $0.name == name }, "no node \(name)")
    }

    /// Rows of the cluster's PostgreSQL (`psql -At`, columns split at `|`), polled until there
    /// are at least `count`: the shippers deliver within a second or so.
    func postgresRows(_ sql: String, atLeast count: Int, timeout: Duration = .seconds(15)) async throws -> [[String]] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let rows = try await postgres.query(sql, database: ClusterScene.database)
                .map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
            if rows.count >= count || ContinuousClock.now >= deadline { return rows }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The node's highest event id in PostgreSQL (0 before its first).
    func shippedMaximum(of node: Node) async throws -> Int {
        let rows = try await postgres.query("SELECT coalesce(max(id), 0) FROM events WHERE node = '\(node.name)'",
                                            database: ClusterScene.database)
        return rows.first.flatMap { Int($0) } ?? 0
    }

    /// `id|hash` of the node's chain in PostgreSQL and in its own SQLite trail, polled until
    /// they are equal (the node may still be writing: PostgreSQL is read first, so an event
    /// written in between shows as a difference and the next round reads again); returns both
    /// as last read.
    func chains(of node: Node, timeout: Duration) async throws -> (local: [String], shipped: [String]) {
        let deadline = ContinuousClock.now + timeout
        while true {
            let shipped = try await postgres.query("SELECT id, hash FROM events WHERE node = '\(node.name)' ORDER BY id",
                                                   database: ClusterScene.database)
            let local = try await node.auditDatabase.query("SELECT id, hash FROM events ORDER BY id")
                .map { "\($0["id"] ?? "?")|\($0["hash"] ?? "?")" }
            if (!local.isEmpty && shipped == local) || ContinuousClock.now >= deadline { return (local, shipped) }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    var logs: String {
        nodes.map { "--- \($0.name) (tail) ---\n" + String($0.gateway.log.suffix(2500)) }.joined(separator: "\n")
            + "\n--- haproxy (tail) ---\n" + String(haproxy.log.suffix(2500))
    }
}

enum SharedClusterFailover {
    @TaskLocal static var scene: ClusterFailoverScene?

    static func current() throws -> ClusterFailoverScene {
        try #require(scene, "this suite has no .clusterFailoverScene trait")
    }
}

extension Trait where Self == SuiteScope<ClusterFailoverScene> {
    /// One PostgreSQL, three clustered gateways and HAProxy for the whole suite.
    static var clusterFailoverScene: Self {
        SuiteScope(
            start: { try await ClusterFailoverScene.start() },
            stop: { await $0.stop() },
            publish: { scene, body in try await SharedClusterFailover.$scene.withValue(scene) { try await body() } })
    }
}
