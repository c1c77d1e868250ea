import Foundation
import Testing
import TestSupport

/// A gateway in front of real sshd targets that trust its user CA through `TrustedUserCAKeys`
/// and have no authorized_keys at all (unless a target is in key mode). Each target's CA file
/// starts empty; the test installs what `tracegate keys show --ca` or `rotate-ca` printed.
struct CertificateScene: Sendable {
    struct TargetSpec: Sendable {
        var name: String
        /// Extra fields of the target in the gateway's configuration.
        var fields: [String] = []
        /// Install the CA line before the gateway starts.
        var installsCA = true
        /// Authorise the gateway's plain key (for `upstream_auth: key` targets).
        var authorizesKey = false
        /// The target's `AcceptEnv`.
        var acceptedEnvironment = "LANG LC_* TERM TRACEGATE_*"
    }

    let directory: TemporaryDirectory
    let login: String
    let targets: [String: OpenSSHServer]
    let caFiles: [String: String]
    let gateway: GatewayProcess
    let alice: OpenSSHClient
    let audit: PolicyAuditDatabase

    static func start(_ specs: [TargetSpec], configuration lines: [String] = ["upstream_auth: certificate"]) async throws
        -> CertificateScene
    {
        let directory = try TemporaryDirectory(prefix: "tracegate-certs")
        let login = TestLogin.name
        var targets: [String: OpenSSHServer] = [:]
        var caFiles: [String: String] = [:]
        var entries: [GatewayConfiguration.Target] = []
        for spec in specs {
            let caFile = try directory.write("", to: "trusted-ca-\(spec.name)", mode: 0o644)
            // ExposeAuthInfo: the session can read the certificate it was let in with ($SSH_USER_AUTH).
            let server = try await OpenSSHServer.start(extraConfiguration: ["TrustedUserCAKeys \(caFile)", "ExposeAuthInfo yes"],
                                                       acceptedEnvironment: spec.acceptedEnvironment)
            // No authorized_keys file at all: only the CA lets the gateway in.
            if !spec.authorizesKey { try FileManager.default.removeItem(atPath: server.configuration.authorizedKeysPath) }
            targets[spec.name] = server
            caFiles[spec.name] = caFile
            entries.append(.init(name: spec.name, address: server.address, hostKey: server.hostKeyFingerprint,
                                 defaultLogin: login, extraFields: spec.fields))
        }
        let keys = try directory.subdirectory("keys")
        let aliceKey = try await KeyPair.generate(in: keys, name: "alice", comment: "alice@laptop")
        var configuration = GatewayConfiguration(listenPort: try LoopbackPort.free(), stateDirectory: directory.file("state"))
        configuration.users = [.init(name: "alice", organization: "retailer", keys: [aliceKey.publicKeyLine])]
        configuration.targets = entries
        configuration.grants = [.init(to: .user("alice"), targets: entries.map(\.name), logins: [login, "deploy"])]
        configuration.extraLines = lines
        let gateway = try GatewayProcess(configuration: configuration, directory: directory.path)
        let caLines = try await gateway.run(["keys", "show", "--ca"]).checked("tracegate keys show --ca").stdout
        let keyLine = try await gateway.run(["keys", "show"]).checked("tracegate keys show").stdout
        for spec in specs {
            if spec.installsCA, let file = caFiles[spec.name] { try Data(caLines.utf8).write(to: URL(fileURLWithPath: file)) }
            if spec.authorizesKey { try targets[spec.name]?.authorize(publicKeyLine: keyLine.trimmingCharacters(in: .newlines)) }
        }
        try await gateway.start()
        let alice = try OpenSSHClient(in: try directory.subdirectory("clients"), name: "gw-alice", port: gateway.port,
                                      identity: aliceKey, hostKeyLine: try gateway.hostKeyLine())
        return CertificateScene(directory: directory, login: login, targets: targets, caFiles: caFiles, gateway: gateway,
                                alice: alice, audit: PolicyAuditDatabase(path: configuration.stateDirectory + "/audit.db"))
    }

    /// Starts a scene, runs `body`, and stops every process of the scene whatever happened.
    static func with(_ specs: [TargetSpec], configuration lines: [String] = ["upstream_auth: certificate"],
                     _ body: (CertificateScene) async throws -> Void) async throws {
        let scene = try await start(specs, configuration: lines)
        do {
            try await body(scene)
        } catch {
            await scene.stop()
            throw error
        }
        await scene.stop()
    }

    func alice(on target: String, as login: String? = nil) -> OpenSSHClient {
        alice.withUser("\(login ?? self.login)@\(target)")
    }

    func target(_ name: String) -> OpenSSHServer {
        guard let server = targets[name] else { preconditionFailure("no target \(name)") }
        return server
    }

    /// Replaces a target's TrustedUserCAKeys file (sshd reads it at every login).
    func installCA(_ lines: String, on target: String) throws {
        guard let file = caFiles[target] else { preconditionFailure("no target \(target)") }
        try Data(lines.utf8).write(to: URL(fileURLWithPath: file))
    }

    /// The newest connection to `target`: its id, certificate serial, upstream result, reason.
    func lastConnection(to target: String) async throws -> [String] {
        let rows = try await audit.waitForRows(
            "SELECT id, coalesce(certificate_serial, ''), coalesce(upstream_result, ''), coalesce(reason, '') FROM connections "
                + "WHERE target = \(PolicyAuditDatabase.literal(target)) AND upstream_result IS NOT NULL ORDER BY opened_at DESC, id DESC LIMIT 1")
        return rows.first ?? []
    }

    var logTail: String {
        "--- gateway log (tail) ---\n" + String(gateway.log.suffix(4000))
    }

    func stop() async {
        await gateway.kill()
        for server in targets.values { server.stop() }
    }
}
