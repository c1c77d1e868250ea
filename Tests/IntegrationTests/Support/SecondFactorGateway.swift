import Foundation
import Testing
import TestSupport

/// A gateway whose policy asks for verification codes, in front of one real sshd, with
/// engineers whose authenticator is Debian's `oathtool`:
/// - alice: `mfa: required` on the user; bob: nothing of his own, but the grant to web-02 says
///   `require_mfa: true`; o1…o6: in group `ops`, which has `mfa: required`; p1: in
///   organisation `partner`, which has `mfa: required`; e1 and e2 (`mfa: required`): not enrolled at
///   start (enrolment tests).
/// - `mfa: {reuse: 20s}`; penalties exempt 127.0.0.0/28 except where a test wants one.
final class SecondFactorGateway: Sendable {
    static let users = ["alice", "bob", "o1", "o2", "o3", "o4", "o5", "o6", "p1", "e1", "e2"]
    static let enrolledAtStart = ["alice", "bob", "o1", "o2", "o3", "o4", "o5", "o6", "p1"]
    static let reuseSeconds = 20

    let directory: TemporaryDirectory
    let server: OpenSSHServer
    let gateway: GatewayProcess
    let keys: [String: KeyPair]
    let clients: [String: OpenSSHClient]
    let audit: AuditTrailDatabase
    let authenticators: Authenticators
    let askpassPath: String

    var login: String { TestLogin.name }
    var logTail: String { "--- gateway log (tail) ---\n" + String(gateway.log.suffix(6000)) }

    private init(directory: TemporaryDirectory, server: OpenSSHServer, gateway: GatewayProcess, keys: [String: KeyPair],
                 clients: [String: OpenSSHClient], askpassPath: String) {
        self.directory = directory
        self.server = server
        self.gateway = gateway
        self.keys = keys
        self.clients = clients
        self.audit = AuditTrailDatabase(path: gateway.stateDirectory + "/audit.db")
        self.authenticators = Authenticators(directory: directory.path)
        self.askpassPath = askpassPath
    }

    func client(_ user: String, as sshUser: String) -> OpenSSHClient {
        clients[user]!.withUser(sshUser)
    }

    func stop() async {
        await gateway.kill()
        server.stop()
    }

    /// `tracegate mfa ARGUMENTS… --config PATH` as the operator.
    func mfa(_ arguments: [String]) async throws -> ProcessResult {
        try await gateway.run(["mfa"] + arguments + ["--config", gateway.configPath])
    }

    // MARK: starting

    static func start() async throws -> SecondFactorGateway {
        let directory = try TemporaryDirectory(prefix: "tracegate-mfa")
        let server = try await OpenSSHServer.start()
        let keyDirectory = try directory.subdirectory("keys")
        var keys: [String: KeyPair] = [:]
        for user in users {
            keys[user] = try await KeyPair.generate(in: keyDirectory, name: user, comment: "\(user)@laptop")
        }
        let port = try LoopbackPort.free()
        let stateDirectory = directory.file("state")
        try directory.write(render(port: port, stateDirectory: stateDirectory, keys: keys, server: server), to: "tracegate.yaml")
        let gateway = try GatewayProcess(configPath: directory.file("tracegate.yaml"), workingDirectory: directory.path,
                                         port: port, stateDirectory: stateDirectory)
        let shown = try await gateway.run(["keys", "show"]).checked("tracegate keys show")
        guard let upstreamKey = shown.stdout.split(separator: "\n").map(String.init).first(where: { $0.hasPrefix("ssh-") }) else {
            throw TestSupportError.unexpectedOutput("tracegate keys show printed no key line:\n\(shown)")
        }
        try server.authorize(publicKeyLine: upstreamKey)
        // Tunnels: the engineer's own client logs in to the target.
        for key in keys.values { try server.authorize(publicKeyLine: key.publicKeyLine) }
        try await gateway.start()
        let hostKeyLine = try gateway.hostKeyLine()
        let clientDirectory = try directory.subdirectory("clients")
        var clients: [String: OpenSSHClient] = [:]
        for user in users {
            clients[user] = try OpenSSHClient(in: clientDirectory, name: "gw-\(user)", port: port, identity: keys[user]!,
                                              hostKeyLine: hostKeyLine)
        }
        // The askpass program: logs the prompt it was shown, answers with the code the test chose.
        let askpass = try directory.write(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >> \"$TG_ASKPASS_LOG\"\ncat \"$TG_CODE_FILE\"\n", to: "askpass.sh", mode: 0o755)
        let fixture = SecondFactorGateway(directory: directory, server: server, gateway: gateway, keys: keys,
                                          clients: clients, askpassPath: askpass)
        for user in enrolledAtStart {
            try await fixture.mfa(["reset", user, "--window", "10m"]).checked("tracegate mfa reset \(user)")
            let enrolment = try await fixture.enrol(user)
            try #require(enrolment.enrolled, "enrolment of \(user) failed\n\(enrolment.transcript)\n\(fixture.logTail)")
        }
        return fixture
    }

    private static func render(port: UInt16, stateDirectory: String, keys: [String: KeyPair], server: OpenSSHServer) -> String {
        let quote = GatewayConfiguration.quote
        func user(_ name: String, _ org: String, _ extra: String = "") -> String {
            "  - {name: \(name), org: \(org), keys: [\(quote(keys[name]!.publicKeyLine))]\(extra)}"
        }
        let login = quote(TestLogin.name)
        var lines = [
            "listen: 127.0.0.1:\(port)",
            "state_dir: \(quote(stateDirectory))",
            "metrics: {listen: off}",
            "penalties: {auth_failure: 5s, min: 8s, max: 60s, exempt: [127.0.0.0/28]}",
            "mfa: {reuse: \(reuseSeconds)s}",
            // aes128-ctr too, for Debian's paramiko (the protocol probe); OpenSSH still picks chacha20.
            "algorithms: {ciphers: [chacha20-poly1305@openssh.com, aes256-gcm@openssh.com, aes128-gcm@openssh.com, aes128-ctr]}",
            "organizations: [retailer, provider, {name: partner, mfa: required}]",
            "users:",
            user("alice", "retailer", ", mfa: required"),
            user("bob", "provider"),
        ]
        lines += (1...6).map { user("o\($0)", "provider", ", groups: [ops]") }
        lines += [user("p1", "partner"), user("e1", "retailer"), user("e2", "retailer", ", mfa: required")]
        lines += [
            "groups:",
            "  - {name: ops, members: [], mfa: required}",
            "targets:",
            "  - {name: web-01, address: \(quote(server.address)), host_key: \(quote(server.hostKeyFingerprint)), owner: retailer, default_login: \(login)}",
            "  - {name: web-02, address: \(quote(server.address)), host_key: \(quote(server.hostKeyFingerprint)), owner: retailer, default_login: \(login)}",
            "grants:",
            "  - {to: {users: [alice, bob, e1, e2], groups: [ops], orgs: [partner]}, targets: {names: [web-01]}, logins: [\(login)]}",
            "  - {to: {user: bob}, targets: {names: [web-02]}, logins: [\(login)], require_mfa: true}",
            "  - {to: {groups: [ops]}, targets: {names: [web-01]}, mode: tunnel}",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Each engineer's authenticator: the base32 secret the gateway showed at enrolment, and the
/// last 30-second step a code was used for. A code is accepted once per user, so the next one
/// is for a later step: `nextCode` waits (at most one step) until that step is within the
/// gateway's one-step skew, then asks `oathtool` for its code.
final class Authenticators: @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: [String: String] = [:]
    private var lastSteps: [String: Int64] = [:]
    let directory: String

    init(directory: String) {
        self.directory = directory
    }

    static var currentStep: Int64 { Int64(Date().timeIntervalSince1970) / 30 }

    func enrolled(_ user: String, secret: String) {
        lock.withLock {
            secrets[user] = secret
            // The confirming code's step counts as used (at most the step now).
            lastSteps[user] = Self.currentStep
        }
    }

    func secret(of user: String) -> String? { lock.withLock { secrets[user] } }

    /// A code for the step after the last one used, from `oathtool --totp -b --now`.
    func nextCode(for user: String) async throws -> String {
        let (secret, last) = lock.withLock { (secrets[user], lastSteps[user] ?? 0) }
        let secretText = try #require(secret, "\(user) has no authenticator")
        let step = max(Self.currentStep, last + 1)
        while Self.currentStep + 1 < step { try await Task.sleep(for: .milliseconds(250)) }
        lock.withLock { lastSteps[user] = step }
        return try await Self.code(secret: secretText, step: step)
    }

    static func code(secret: String, step: Int64) async throws -> String {
        let result = try await ProcessRunner().run("oathtool", ["--totp", "-b", "--now", "@\(step * 30)", secret])
        try #require(result.succeeded, "oathtool failed\n\(result)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
