import Foundation
import Testing
import TestSupport

/// A real PostgreSQL with the cluster schema, and the usual gateway fixture configured as
/// node `gw-1` of a cluster shipping its trail there (password from a file, metrics on).
struct ClusterScene: Sendable {
    static let node = "gw-1"
    static let database = "trail"

    let postgres: PostgreSQLServer
    let fixture: GatewayFixture

    /// `configurationLines` go into every node's configuration after `cluster:` (e.g. `proxy_protocol:`).
    static func start(configurationLines: [String] = []) async throws -> ClusterScene {
        let postgres = try await PostgreSQLServer.start()
        let url = try await postgres.createDatabase(database)
        let cluster = [
            "cluster:",
            "  node: \(node)",
            "  postgres: \(GatewayConfiguration.quote(url))",
            "  password_file: \(GatewayConfiguration.quote(postgres.passwordFile))",
        ]
        // The schema first, with a configuration holding only `cluster:`, as an operator would
        // run `tracegate cluster migrate` once before starting the nodes.
        let migrate = try GatewayProcess(
            configPath: try postgres.directory.write(cluster.joined(separator: "\n") + "\n", to: "cluster.yaml", mode: 0o644),
            workingDirectory: postgres.directory.path, port: 0, stateDirectory: postgres.directory.file("unused"))
        try await migrate.run(["cluster", "migrate"]).checked("tracegate cluster migrate")
        var options = GatewayFixture.Options()
        options.servesMetrics = true
        options.configurationLines = cluster + configurationLines
        let fixture = try await GatewayFixture.start(options)
        return ClusterScene(postgres: postgres, fixture: fixture)
    }

    func stop() async {
        await fixture.stop()
    }

    /// `id|hash` of every event of the node in PostgreSQL, in id order.
    func shippedChain() async throws -> [String] {
        try await postgres.query("SELECT id, hash FROM events WHERE node = '\(Self.node)' ORDER BY id", database: Self.database)
    }

    /// `id|hash` of every event in the node's own SQLite trail, in id order.
    func localChain() async throws -> [String] {
        try await fixture.auditDatabase.query("SELECT id, hash FROM events ORDER BY id").map {
            "\($0["id"] ?? "?")|\($0["hash"] ?? "?")"
        }
    }

    /// Waits until PostgreSQL holds the node's whole local chain; returns both as last read.
    func waitUntilShipped(timeout: Duration) async throws -> (local: [String], shipped: [String]) {
        let deadline = ContinuousClock.now + timeout
        var local: [String] = []
        var shipped: [String] = []
        while ContinuousClock.now < deadline {
            // PostgreSQL first: it only ever receives what the local trail already holds, so a
            // local chain read after it is never shorter, even while the gateway still writes
            // (the last connection's closing events). Read the other way round, an event
            // written and shipped between the two reads made the shipped chain look one longer.
            shipped = try await shippedChain()
            local = try await localChain()
            if !local.isEmpty, shipped.count >= local.count { return (local, shipped) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return (local, shipped)
    }

    /// Another node of the same cluster: the fixture's configuration under another node name,
    /// port and state directory, with the fixture's keys copied in (nodes share their keys).
    /// `metricsPort` serves its `/readyz` there (for a load balancer's checks); none by default.
    func startNode(_ name: String, metricsPort: UInt16? = nil) async throws -> (gateway: GatewayProcess, alice: OpenSSHClient) {
        let directory = try fixture.directory.subdirectory("node-\(name)")
        var configuration = fixture.configuration
        configuration.listenPort = try LoopbackPort.free()
        configuration.stateDirectory = directory + "/state"
        configuration.metricsListen = metricsPort.map { "127.0.0.1:\($0)" } ?? "off"
        configuration.extraLines = configuration.extraLines.map {
            $0 == "  node: \(Self.node)" ? "  node: \(name)" : $0
        }
        try FileManager.default.createDirectory(atPath: configuration.stateDirectory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture.gateway.stateDirectory + "/keys",
                                         toPath: configuration.stateDirectory + "/keys")
        let gateway = try GatewayProcess(configuration: configuration, directory: directory)
        try await gateway.start()
        let alice = try OpenSSHClient(in: directory, name: "alice-\(name)", port: gateway.port, identity: fixture.aliceKey,
                                      hostKeyLine: try gateway.hostKeyLine())
        return (gateway, alice.withUser("\(fixture.login)@web-01"))
    }

    var metrics: OperationsClient {
        OperationsClient(port: fixture.metricsPort ?? 0, directory: fixture.directory.path)
    }
}

enum SharedCluster {
    @TaskLocal static var scene: ClusterScene?

    static func current() throws -> ClusterScene {
        try #require(scene, "this suite has no .clusterScene trait")
    }
}

extension Trait where Self == SuiteScope<ClusterScene> {
    /// One PostgreSQL and one clustered gateway for the whole suite.
    static var clusterScene: Self {
        SuiteScope(
            start: { try await ClusterScene.start() },
            stop: { await $0.stop() },
            publish: { scene, body in try await SharedCluster.$scene.withValue(scene) { try await body() } })
    }
}
