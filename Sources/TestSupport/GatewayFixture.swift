import Foundation

/// The common scene of the integration tests: real sshd targets, a gateway configured and
/// started in front of them, and two engineers with their own keys:
/// - alice (org retailer) may reach every target as the test login or "deploy";
/// - bob (org provider) may reach only the first target, as the test login.
/// The gateway's upstream key is authorised on every real target; so is alice's key, for
/// the direct connections that gateway behaviour is compared with.
package final class GatewayFixture: Sendable {
    package struct Options: Sendable {
        /// Real sshd targets, pinned to their host keys. The first is bob's only target.
        package var targetNames = ["web-01", "web-02"]
        /// Real sshd targets configured without `host_key` (for `tracegate target trust`).
        package var unpinnedTargetNames: [String] = []
        /// Targets at the first target's address but pinned to some other key.
        package var mispinnedTargetNames: [String] = []
        /// Targets at a loopback port nobody listens on.
        package var unreachableTargetNames: [String] = []
        /// Extra sshd_config lines for every real target (e.g. "RekeyLimit 32M").
        package var targetConfiguration: [String] = []
        package var limits: [(String, String)] = []
        /// Rendered as the `recording:` section, e.g. ("max_session_size", "4MiB").
        package var recording: [(String, String)] = []
        /// Targets configured as given (a silent listener, a name that does not resolve);
        /// alice may reach them like the others.
        package var extraTargets: [GatewayConfiguration.Target] = []
        /// The gateway's state_dir; nil puts it in the fixture's temp dir. A test that mounts
        /// a small filesystem there (disk full) unmounts it after `stop()`.
        package var stateDirectory: String?
        package var penalties: [(String, String)] = []
        /// Serve `/metrics`, `/healthz` and `/readyz` on a free loopback port (`metricsPort`).
        package var servesMetrics = false
        /// Extra top-level configuration lines (e.g. "log_level: debug").
        package var configurationLines: [String] = []
        /// Grants after the two standard ones (e.g. one with a `source:` condition).
        package var extraGrants: [GatewayConfiguration.Grant] = []

        package init() {}
    }

    package let directory: TemporaryDirectory
    package let login: String
    package let targets: [String: OpenSSHServer]
    package let configuration: GatewayConfiguration
    package let gateway: GatewayProcess
    package let aliceKey: KeyPair
    package let bobKey: KeyPair
    /// alice and bob talking to the gateway, with no username chosen yet.
    package let alice: OpenSSHClient
    package let bob: OpenSSHClient
    /// "ssh-ed25519 AAAA… tracegate-upstream", as `tracegate keys show` printed it.
    package let upstreamPublicKey: String
    private let directClients: [String: OpenSSHClient]

    private init(
        directory: TemporaryDirectory, login: String, targets: [String: OpenSSHServer],
        configuration: GatewayConfiguration, gateway: GatewayProcess, aliceKey: KeyPair, bobKey: KeyPair,
        alice: OpenSSHClient, bob: OpenSSHClient, upstreamPublicKey: String, directClients: [String: OpenSSHClient]
    ) {
        self.directory = directory
        self.login = login
        self.targets = targets
        self.configuration = configuration
        self.gateway = gateway
        self.aliceKey = aliceKey
        self.bobKey = bobKey
        self.alice = alice
        self.bob = bob
        self.upstreamPublicKey = upstreamPublicKey
        self.directClients = directClients
    }

    /// alice through the gateway as `login@target` (the test login by default).
    package func alice(on target: String, as login: String? = nil) -> OpenSSHClient {
        alice.withUser("\(login ?? self.login)@\(target)")
    }

    /// bob through the gateway as `login@target` (the test login by default).
    package func bob(on target: String, as login: String? = nil) -> OpenSSHClient {
        bob.withUser("\(login ?? self.login)@\(target)")
    }

    /// alice straight to the target's sshd, bypassing the gateway: the baseline.
    package func direct(to target: String) -> OpenSSHClient {
        guard let client = directClients[target] else {
            preconditionFailure("no real target named \(target) in this fixture")
        }
        return client
    }

    /// The target's sshd; a programming error in the test if there is none.
    package func target(_ name: String) -> OpenSSHServer {
        guard let server = targets[name] else {
            preconditionFailure("no real target named \(name) in this fixture")
        }
        return server
    }

    /// A gateway client with another key (e.g. one the gateway has never seen).
    package func gatewayClient(identity: KeyPair, name: String) throws -> OpenSSHClient {
        try OpenSSHClient(
            in: directory.path, name: name, port: gateway.port, identity: identity, hostKeyLine: try gateway.hostKeyLine()
        )
    }

    /// The port of the metrics and health listener, when `Options.servesMetrics` asked for one.
    package var metricsPort: UInt16? {
        configuration.metricsListen.split(separator: ":").last.flatMap { UInt16($0) }
    }

    /// The end of the gateway's log, for failure messages.
    package var gatewayLogTail: String {
        "--- gateway log (tail) ---\n" + String(gateway.log.suffix(6000))
    }

    package func stop() async {
        await gateway.kill()
        for server in targets.values {
            server.stop()
        }
    }

    package static func start(_ options: Options = Options()) async throws -> GatewayFixture {
        let directory = try TemporaryDirectory(prefix: "tracegate-fx")
        let login = TestLogin.name

        var targets: [String: OpenSSHServer] = [:]
        var targetEntries: [GatewayConfiguration.Target] = []
        for name in options.targetNames + options.unpinnedTargetNames {
            let server = try await OpenSSHServer.start(extraConfiguration: options.targetConfiguration)
            targets[name] = server
            let pinned = options.targetNames.contains(name)
            targetEntries.append(.init(
                name: name, address: server.address, hostKey: pinned ? server.hostKeyFingerprint : nil, defaultLogin: login
            ))
        }
        if !options.mispinnedTargetNames.isEmpty, let first = options.targetNames.first, let server = targets[first] {
            let decoy = try await KeyPair.generate(in: directory.path, name: "decoy_host_key")
            for name in options.mispinnedTargetNames {
                targetEntries.append(.init(name: name, address: server.address, hostKey: decoy.fingerprint, defaultLogin: login))
            }
        }
        targetEntries += options.extraTargets
        for name in options.unreachableTargetNames {
            let unused = try LoopbackPort.free()
            targetEntries.append(.init(name: name, address: "127.0.0.1:\(unused)", hostKey: "SHA256:" + String(repeating: "A", count: 43), defaultLogin: login))
        }

        // Keys: alice's inline in the config, bob's through keys_file, as both forms exist.
        let keys = try directory.subdirectory("keys")
        let aliceKey = try await KeyPair.generate(in: keys, name: "alice", comment: "alice@laptop")
        let bobKey = try await KeyPair.generate(in: keys, name: "bob", comment: "bob@laptop")

        var configuration = GatewayConfiguration(listenPort: try LoopbackPort.free(),
                                                 stateDirectory: options.stateDirectory ?? directory.file("state"))
        configuration.limits = options.limits
        configuration.recording = options.recording
        configuration.penalties = options.penalties
        if options.servesMetrics { configuration.metricsListen = "127.0.0.1:\(try LoopbackPort.free())" }
        configuration.extraLines = options.configurationLines
        configuration.users = [
            .init(name: "alice", organization: "retailer", keys: [aliceKey.publicKeyLine]),
            .init(name: "bob", organization: "provider", keysFile: bobKey.publicKeyPath),
        ]
        configuration.targets = targetEntries
        configuration.grants = [
            .init(to: .user("alice"), targets: targetEntries.map(\.name), logins: [login, "deploy"]),
            .init(to: .organization("provider"), targets: Array(options.targetNames.prefix(1)), logins: [login]),
        ] + options.extraGrants
        let gateway = try GatewayProcess(configuration: configuration, directory: directory.path)

        let shown = try await gateway.run(["keys", "show"]).checked("tracegate keys show")
        guard let upstreamKey = shown.stdout.split(separator: "\n").map(String.init).first(where: { $0.hasPrefix("ssh-") }) else {
            throw TestSupportError.unexpectedOutput("tracegate keys show printed no key line:\n\(shown)")
        }
        for server in targets.values {
            try server.authorize(publicKeyLine: upstreamKey)
            try server.authorize(publicKeyLine: aliceKey.publicKeyLine)
        }

        try await gateway.start()
        let hostKeyLine = try gateway.hostKeyLine()
        let clients = try directory.subdirectory("clients")
        let alice = try OpenSSHClient(in: clients, name: "gw-alice", port: gateway.port, identity: aliceKey, hostKeyLine: hostKeyLine)
        let bob = try OpenSSHClient(in: clients, name: "gw-bob", port: gateway.port, identity: bobKey, hostKeyLine: hostKeyLine)
        var directClients: [String: OpenSSHClient] = [:]
        for (name, server) in targets {
            directClients[name] = try OpenSSHClient(
                in: clients, name: "direct-\(name)", port: server.port, identity: aliceKey,
                hostKeyLine: server.hostKeyLine, user: login
            )
        }
        return GatewayFixture(
            directory: directory, login: login, targets: targets, configuration: configuration, gateway: gateway,
            aliceKey: aliceKey, bobKey: bobKey, alice: alice, bob: bob, upstreamPublicKey: upstreamKey,
            directClients: directClients
        )
    }
}
