import Foundation
import Testing
import TestSupport

/// A gateway whose co-management policy the test writes, in front of real sshd targets,
/// with two engineers: alice (org retailer) and bob (org provider).
///
/// TestSupport's `GatewayConfiguration` knows no owners, labels or grant conditions, so the
/// file is rendered here as an operator would write it: flow mappings, one entry a line,
/// grants exactly as the test spells them.
final class PolicyGateway: Sendable {
    /// A target of the policy, played by one of the scene's real sshd servers. Several
    /// targets may share a server: the policy cannot tell, and sshd starts cost time.
    struct Target: Sendable {
        var name: String
        var server = 0
        var owner: String
        var labels: KeyValuePairs<String, String> = [:]
    }

    /// What a grant may need to name: the test login and the real servers' ports.
    struct Facts: Sendable {
        let login: String
        let serverPorts: [UInt16]
    }

    struct Scene: Sendable {
        /// Real sshd servers to start; targets and `-L` destinations refer to them by index.
        var servers = 1
        var targets: [Target]
        /// The `grants:` entries, one YAML flow mapping each (without the leading "- ").
        var grants: @Sendable (Facts) -> [String]
        /// More engineers beside alice and bob, as (name, organization).
        var extraUsers: [ExtraUser] = []
        /// Top-level lines added to the file as written (e.g. `notify:`).
        var extraSettings: [String] = []
        /// Extra top-level lines after `grants:` (e.g. an `oversight:` section).
        var extraLines: @Sendable () -> [String] = { [] }
    }

    struct ExtraUser: Sendable {
        var name: String
        var org: String
    }

    let directory: TemporaryDirectory
    let scene: Scene
    let facts: Facts
    let servers: [OpenSSHServer]
    let gateway: GatewayProcess
    let aliceKey: KeyPair
    let bobKey: KeyPair
    /// alice and bob talking to the gateway, with no user name chosen yet.
    let alice: OpenSSHClient
    let bob: OpenSSHClient
    /// "ssh-ed25519 AAAA…" of the gateway's host key.
    let hostKeyLine: String
    let audit: PolicyAuditDatabase
    /// The scene's own grants, as the gateway started with them.
    let initialGrants: [String]
    /// The extra users' clients, by name.
    let extraClients: [String: OpenSSHClient]
    let extraKeys: [(ExtraUser, KeyPair)]

    var login: String { facts.login }
    var configPath: String { gateway.configPath }

    private init(
        directory: TemporaryDirectory, scene: Scene, facts: Facts, servers: [OpenSSHServer], gateway: GatewayProcess,
        aliceKey: KeyPair, bobKey: KeyPair, alice: OpenSSHClient, bob: OpenSSHClient, hostKeyLine: String,
        initialGrants: [String], extraClients: [String: OpenSSHClient] = [:], extraKeys: [(ExtraUser, KeyPair)] = []
    ) {
        self.extraClients = extraClients
        self.extraKeys = extraKeys
        self.directory = directory
        self.scene = scene
        self.facts = facts
        self.servers = servers
        self.gateway = gateway
        self.aliceKey = aliceKey
        self.bobKey = bobKey
        self.alice = alice
        self.bob = bob
        self.hostKeyLine = hostKeyLine
        self.audit = PolicyAuditDatabase(path: gateway.stateDirectory + "/audit.db")
        self.initialGrants = initialGrants
    }

    /// alice through the gateway as `login@target` (the test login by default).
    func alice(on target: String, as login: String? = nil) -> OpenSSHClient {
        alice.withUser("\(login ?? self.login)@\(target)")
    }

    /// bob through the gateway as `login@target` (the test login by default).
    func bob(on target: String, as login: String? = nil) -> OpenSSHClient {
        bob.withUser("\(login ?? self.login)@\(target)")
    }

    /// An extra user of the scene talking to the gateway, with no user name chosen yet.
    func client(_ name: String) -> OpenSSHClient {
        guard let client = extraClients[name] else { preconditionFailure("no extra user named \(name) in this scene") }
        return client
    }

    /// The real sshd behind a target of the scene.
    func server(of target: String) -> OpenSSHServer {
        guard let entry = scene.targets.first(where: { $0.name == target }) else {
            preconditionFailure("no target named \(target) in this scene")
        }
        return servers[entry.server]
    }

    /// The end of the gateway's log, for failure messages.
    var logTail: String {
        "--- gateway log (tail) ---\n" + String(gateway.log.suffix(6000))
    }

    // MARK: the policy file


    /// The whole configuration with `grants` in place of the scene's.
    func configuration(grants: [String]) -> String {
        Self.render(
            port: gateway.port, stateDirectory: gateway.stateDirectory, aliceKey: aliceKey, bobKey: bobKey,
            targets: scene.targets.map { ($0, servers[$0.server]) }, grants: grants, extraKeys: extraKeys,
            extraSettings: scene.extraSettings, extraLines: scene.extraLines()
        )
    }

    /// Rewrites the file the gateway was started with; nothing is reloaded.
    func writeConfiguration(_ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: configPath), options: .atomic)
    }

    /// How many reloads the gateway has applied, and rejected, according to its log.
    var reloadCounts: (applied: Int, rejected: Int) {
        let log = gateway.log
        return (log.components(separatedBy: "configuration reloaded").count - 1,
                log.components(separatedBy: "configuration rejected").count - 1)
    }

    /// Waits until the gateway's log shows one more reload (applied or rejected) than `before`.
    func waitForReload(after before: (applied: Int, rejected: Int), timeout: Duration = .seconds(10)) async -> Bool {
        await waitFor(timeout: timeout) {
            let now = reloadCounts
            return now.applied > before.applied || now.rejected > before.rejected
        }
    }

    /// `tracegate reload --config PATH`, then waits until the gateway has taken it in.
    @discardableResult
    func reload() async throws -> ProcessResult {
        let before = reloadCounts
        let result = try await gateway.run(["reload"])
        try #require(result.succeeded, "tracegate reload failed\n\(result)\n\(logTail)")
        let seen = await waitForReload(after: before)
        try #require(seen, "the gateway logged no reload within 10 s\n\(result)\n\(logTail)")
        return result
    }

    /// Puts the scene's own policy back in force, if a previous test changed the file.
    func restoreInitialPolicy() async throws {
        let initial = configuration(grants: initialGrants)
        let current = try? String(contentsOfFile: configPath, encoding: .utf8)
        guard current != initial else { return }
        try writeConfiguration(initial)
        try await reload()
    }

    func stop() async {
        await gateway.kill()
        for server in servers {
            server.stop()
        }
    }

    // MARK: starting

    static func start(_ given: Scene) async throws -> PolicyGateway {
        // Extra lines may pick free ports: evaluated once, so re-rendered files keep them.
        let extraLines = given.extraLines()
        var scene = given
        scene.extraLines = { extraLines }
        let directory = try TemporaryDirectory(prefix: "tracegate-pol")
        var servers: [OpenSSHServer] = []
        for _ in 0..<scene.servers {
            servers.append(try await OpenSSHServer.start())
        }
        let facts = Facts(login: TestLogin.name, serverPorts: servers.map(\.port))

        let keys = try directory.subdirectory("keys")
        let aliceKey = try await KeyPair.generate(in: keys, name: "alice", comment: "alice@laptop")
        let bobKey = try await KeyPair.generate(in: keys, name: "bob", comment: "bob@laptop")
        var extraKeys: [(ExtraUser, KeyPair)] = []
        for user in scene.extraUsers {
            extraKeys.append((user, try await KeyPair.generate(in: keys, name: user.name, comment: "\(user.name)@laptop")))
        }

        let configPath = directory.file("tracegate.yaml")
        let port = try LoopbackPort.free()
        let stateDirectory = directory.file("state")
        let grants = scene.grants(facts)
        let text = render(
            port: port, stateDirectory: stateDirectory, aliceKey: aliceKey, bobKey: bobKey,
            targets: scene.targets.map { ($0, servers[$0.server]) }, grants: grants, extraKeys: extraKeys,
            extraSettings: scene.extraSettings, extraLines: extraLines
        )
        try directory.write(text, to: "tracegate.yaml")
        let gateway = try GatewayProcess(
            configPath: configPath, workingDirectory: directory.path, port: port, stateDirectory: stateDirectory
        )

        let shown = try await gateway.run(["keys", "show"]).checked("tracegate keys show")
        guard let upstreamKey = shown.stdout.split(separator: "\n").map(String.init).first(where: { $0.hasPrefix("ssh-") }) else {
            throw TestSupportError.unexpectedOutput("tracegate keys show printed no key line:\n\(shown)")
        }
        // The gateway logs in with its own key; engineers' keys are there for tunnels, where
        // the engineer's client logs in to the target itself.
        for server in servers {
            try server.authorize(publicKeyLine: upstreamKey)
            try server.authorize(publicKeyLine: aliceKey.publicKeyLine)
            try server.authorize(publicKeyLine: bobKey.publicKeyLine)
        }

        try await gateway.start()
        let hostKeyLine = try gateway.hostKeyLine()
        let clients = try directory.subdirectory("clients")
        let alice = try OpenSSHClient(in: clients, name: "gw-alice", port: port, identity: aliceKey, hostKeyLine: hostKeyLine)
        let bob = try OpenSSHClient(in: clients, name: "gw-bob", port: port, identity: bobKey, hostKeyLine: hostKeyLine)
        var extraClients: [String: OpenSSHClient] = [:]
        for (user, key) in extraKeys {
            extraClients[user.name] = try OpenSSHClient(
                in: clients, name: "gw-\(user.name)", port: port, identity: key, hostKeyLine: hostKeyLine)
        }
        return PolicyGateway(
            directory: directory, scene: scene, facts: facts, servers: servers, gateway: gateway,
            aliceKey: aliceKey, bobKey: bobKey, alice: alice, bob: bob, hostKeyLine: hostKeyLine, initialGrants: grants,
            extraClients: extraClients, extraKeys: extraKeys
        )
    }

    private static func render(
        port: UInt16, stateDirectory: String, aliceKey: KeyPair, bobKey: KeyPair,
        targets: [(Target, OpenSSHServer)], grants: [String], extraKeys: [(ExtraUser, KeyPair)] = [],
        extraSettings: [String] = [], extraLines: [String] = []
    ) -> String {
        let quote = GatewayConfiguration.quote
        var lines = [
            "listen: 127.0.0.1:\(port)",
            "state_dir: \(quote(stateDirectory))",
            "metrics: {listen: off}",
            "organizations: [retailer, provider]",
            "users:",
            "  - {name: alice, org: retailer, keys: [\(quote(aliceKey.publicKeyLine))]}",
            "  - {name: bob, org: provider, keys: [\(quote(bobKey.publicKeyLine))]}",
        ]
        for (user, key) in extraKeys {
            lines.append("  - {name: \(user.name), org: \(user.org), keys: [\(quote(key.publicKeyLine))]}")
        }
        lines += extraSettings
        lines.append("targets:")
        for (target, server) in targets {
            var fields = [
                "name: \(target.name)", "address: \(quote(server.address))", "host_key: \(quote(server.hostKeyFingerprint))",
                "owner: \(target.owner)", "default_login: \(quote(TestLogin.name))",
            ]
            if !target.labels.isEmpty {
                fields.append("labels: {" + target.labels.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}")
            }
            lines.append("  - {" + fields.joined(separator: ", ") + "}")
        }
        lines.append(grants.isEmpty ? "grants: []" : "grants:")
        lines += grants.map { "  - " + $0 }
        lines += extraLines
        return lines.joined(separator: "\n") + "\n"
    }
}
