import Foundation
import Testing
import TestSupport

/// One real PostgreSQL and two real gateway processes of one cluster, `gw-1` (the usual
/// fixture) and `gw-2` (its configuration under another node name, port and state directory,
/// with its keys copied in: nodes share their keys and policy). Clients connect to each node
/// directly; no load balancer is needed to show that state crosses nodes.
///
/// The policy adds one oversight rule: alice (retailer) may lock the provider's people; and
/// bob's sessions on web-02 … web-05 need the retailer's approval (alice is the retailer's
/// approver); each test that waits uses its own target, so that one approval never covers another.
/// bob's web-06 needs a verification code (`require_mfa: true`), for the shared second factor;
/// bob has no grant to web-07, only a break-glass entry that the retailer reviews.
struct ClusterPairScene: Sendable {
    static let database = "shared"

    let postgres: PostgreSQLServer
    let first: GatewayFixture
    let second: GatewayProcess
    private let secondDirectory: String

    static let policyLines = [
        "oversight:",
        "  - {to: {user: alice}, sessions: {of: {org: provider}}, may: [lock]}",
        "break_glass:",
        "  - {to: {user: bob}, targets: {names: [web-07]}, logins: [\(GatewayConfiguration.quote(TestLogin.name))], reviewers: {org: retailer}}",
    ]

    /// `sharedRecordings`: both nodes write their recordings under one `cluster.recordings`
    /// directory (`sharedRecordingsDirectory`), as on hosts that mount the same share.
    /// With shared recordings (`ClusterAuditTests`): bob may break the glass on web-05, so that
    /// a review item opens on one node and is reviewed there by alice.
    static let breakGlassLines = [
        "  - {to: {org: provider}, targets: {names: [web-05]}, logins: [\"\(TestLogin.name)\"], max_session: 1h, reviewers: {org: retailer}}",
    ]

    /// `penalties`: the nodes' `penalties:` settings (both nodes get the same), e.g. short ones.
    static func start(sharedRecordings: Bool = false, penalties: [(String, String)] = []) async throws -> ClusterPairScene {
        let postgres = try await PostgreSQLServer.start()
        let url = try await postgres.createDatabase(database)
        var cluster = [
            "cluster:",
            "  node: gw-1",
            "  postgres: \(GatewayConfiguration.quote(url))",
            "  password_file: \(GatewayConfiguration.quote(postgres.passwordFile))",
        ]
        if sharedRecordings {
            cluster.append("  recordings: \(GatewayConfiguration.quote(try postgres.directory.subdirectory("shared-recordings")))")
        }
        // The schema first, as an operator runs `tracegate cluster migrate` before starting nodes.
        let migrate = try GatewayProcess(
            configPath: try postgres.directory.write(cluster.joined(separator: "\n") + "\n", to: "cluster.yaml", mode: 0o644),
            workingDirectory: postgres.directory.path, port: 0, stateDirectory: postgres.directory.file("unused"))
        try await migrate.run(["cluster", "migrate"]).checked("tracegate cluster migrate")
        var options = GatewayFixture.Options()
        options.penalties = penalties
        // `policyLines` ends with the break_glass list: the shared-recordings rule joins it.
        options.configurationLines = cluster + policyLines + (sharedRecordings ? breakGlassLines : [])
        options.targetNames = ["web-01", "web-02", "web-03", "web-04", "web-05", "web-06", "web-07"]
        options.extraGrants = [.init(to: .user("bob"), targets: ["web-02", "web-03", "web-04", "web-05"], logins: [TestLogin.name],
                                     conditions: ["approval: {by: {org: retailer}, valid: 1h, wait: 2m}"]),
                               .init(to: .user("bob"), targets: ["web-06"], logins: [TestLogin.name],
                                     conditions: ["require_mfa: true"])]
        let first = try await GatewayFixture.start(options)

        let directory = try first.directory.subdirectory("node-gw-2")
        var configuration = first.configuration
        configuration.listenPort = try LoopbackPort.free()
        configuration.stateDirectory = directory + "/state"
        configuration.extraLines = configuration.extraLines.map { $0 == "  node: gw-1" ? "  node: gw-2" : $0 }
        try FileManager.default.createDirectory(atPath: configuration.stateDirectory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: first.gateway.stateDirectory + "/keys",
                                         toPath: configuration.stateDirectory + "/keys")
        let second = try GatewayProcess(configuration: configuration, directory: directory)
        try await second.start()
        return ClusterPairScene(postgres: postgres, first: first, second: second, secondDirectory: directory)
    }

    func stop() async {
        _ = await second.stop()
        await first.stop()
        try? await postgres.stop()
    }

    /// `user` on node 1: `shell` for the gateway's own shell, else LOGIN@TARGET.
    func onFirst(_ user: String, target: String? = nil) -> OpenSSHClient {
        let client = user == "alice" ? first.alice : first.bob
        return client.withUser(target.map { "\(first.login)@\($0)" } ?? user)
    }

    /// The same on node 2 (same keys, same known host key: the nodes share theirs).
    func onSecond(_ user: String, target: String? = nil) throws -> OpenSSHClient {
        let client = try OpenSSHClient(in: secondDirectory, name: "\(user)-gw-2", port: second.port,
                                       identity: user == "alice" ? first.aliceKey : first.bobKey,
                                       hostKeyLine: try second.hostKeyLine())
        return client.withUser(target.map { "\(first.login)@\($0)" } ?? user)
    }

    /// `cluster.recordings` of `start(sharedRecordings: true)`.
    var sharedRecordingsDirectory: String { postgres.directory.file("shared-recordings") }

    var secondAuditDatabase: AuditTrailDatabase {
        AuditTrailDatabase(path: second.stateDirectory + "/audit.db")
    }

    var logTails: String {
        "gw-1:\n\(first.gatewayLogTail)\ngw-2:\n\(second.log.split(separator: "\n").suffix(30).joined(separator: "\n"))"
    }
}

enum SharedClusterPair {
    @TaskLocal static var scene: ClusterPairScene?

    static func current() throws -> ClusterPairScene {
        try #require(scene, "this suite has no .clusterPair trait")
    }
}

extension Trait where Self == SuiteScope<ClusterPairScene> {
    /// One PostgreSQL and two clustered gateways for the whole suite.
    static var clusterPair: Self {
        SuiteScope(
            start: { try await ClusterPairScene.start() },
            stop: { await $0.stop() },
            publish: { scene, body in try await SharedClusterPair.$scene.withValue(scene) { try await body() } })
    }

    /// The same, with the given `penalties:` settings on both nodes.
    static func clusterPair(penalties: [(String, String)]) -> Self {
        SuiteScope(
            start: { try await ClusterPairScene.start(penalties: penalties) },
            stop: { await $0.stop() },
            publish: { scene, body in try await SharedClusterPair.$scene.withValue(scene) { try await body() } })
    }

    /// The same, with both nodes' recordings in one shared `cluster.recordings` directory.
    static var clusterPairSharingRecordings: Self {
        SuiteScope(
            start: { try await ClusterPairScene.start(sharedRecordings: true) },
            stop: { await $0.stop() },
            publish: { scene, body in try await SharedClusterPair.$scene.withValue(scene) { try await body() } })
    }
}
