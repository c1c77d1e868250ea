import Foundation
import Testing
import TestSupport

/// Enrolment (only inside an operator's window, only with a right first code), reset, and
/// secrets at rest: what the issue's acceptance asks beyond the wire.
extension WallClockSuite.SecondFactorTests {
    @Test func enrolmentOutsideAWindowIsRefused() async throws {
        let gateway = try SharedSecondFactorGateway.current()
        let enrolment = try await gateway.enrol("e1")
        #expect(!enrolment.enrolled, "\(enrolment.transcript)")
        #expect(enrolment.transcript.contains("enrolment is closed for e1"), "\(enrolment.transcript)")
        #expect(!enrolment.transcript.contains("otpauth://"), "a secret was shown outside a window")
        let rows = try await gateway.audit.waitForRows(
            "SELECT reason FROM events WHERE kind = 'mfa.enrol' AND user = 'e1' AND result = 'refused'")
        #expect(rows.first?["reason"] == "no enrolment window open", "\(rows)")
        // The operator's commands refuse a user the configuration does not know.
        let unknown = try await gateway.mfa(["reset", "mallory"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no user \"mallory\""), "\(unknown)")
        let check = try await gateway.gateway.run(["config", "check", "--config", gateway.gateway.configPath])
        #expect(check.stdout.contains("required for groups: ops") && check.stdout.contains("reuse window: 20 s"), "\(check)")
    }

    @Test func enrolmentInAWindowStoresOnlyARightCodeAndResetEndsTheOldSecret() async throws {
        let gateway = try SharedSecondFactorGateway.current()
        let target = "\(gateway.login)@web-01"
        // e2 has mfa: required and no factor: refused where a code is needed, never asked.
        let unenrolled = try await gateway.answering("e2", code: "000000")
        let before = try await gateway.ssh("e2", as: target, "echo in", answering: unenrolled, source: "127.0.0.7")
        #expect(before.status != 0 && before.stderr.contains("has none enrolled"), "\(before)")
        #expect(unenrolled.prompts.isEmpty)

        let reset = try await gateway.mfa(["reset", "e2", "--window", "1h"])
        #expect(reset.succeeded && reset.stdout.contains("Enrolment window for e2 open until"), "\(reset)")

        // A wrong confirmation code stores nothing.
        let wrong = try await gateway.enrol("e2", code: "000000")
        #expect(!wrong.enrolled, "\(wrong.transcript)")
        #expect(wrong.transcript.contains("otpauth://totp/Tracegate%3Ae2?secret="), "no URI shown\n\(wrong.transcript)")
        #expect(wrong.transcript.contains("\u{2588}"), "no QR code drawn\n\(wrong.transcript)")
        #expect(wrong.transcript.contains("nothing was stored"), "\(wrong.transcript)")
        let listedBefore = try await gateway.mfa(["list"])
        let e2Before = listedBefore.stdout.split(separator: "\n").first { $0.hasPrefix("e2 ") } ?? ""
        #expect(e2Before.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).first == "-",
                "e2 listed as enrolled after a wrong code: \(listedBefore.stdout)")

        // A right one enrols.
        let right = try await gateway.enrol("e2")
        #expect(right.enrolled, "\(right.transcript)\n\(gateway.logTail)")
        let listed = try await gateway.mfa(["list"])
        let e2Row = listed.stdout.split(separator: "\n").first { $0.hasPrefix("e2 ") } ?? ""
        #expect(e2Row.contains("yes") && e2Row.contains("20"), "\(listed.stdout)")

        let withCode = try await gateway.answering("e2")
        let allowed = try await gateway.ssh("e2", as: target, "echo in", answering: withCode, source: "127.0.0.7")
        #expect(allowed.succeeded && allowed.stdout == "in\n" && withCode.prompts.count == 1, "\(allowed)\n\(gateway.logTail)")

        // `tracegate mfa reset` ends the old secret: its next code no longer opens anything.
        let again = try await gateway.mfa(["reset", "e2"])
        #expect(again.succeeded && again.stdout.contains("Removed the old second factor of e2"), "\(again)")
        let oldCode = try await gateway.answering("e2")
        let after = try await gateway.ssh("e2", as: target, "echo in", answering: oldCode, source: "127.0.0.8")
        #expect(after.status != 0 && !after.stdout.contains("in") && after.stderr.contains("has none enrolled"), "\(after)")
        let resets = try await gateway.audit.waitForRows(
            "SELECT json_extract(details, '$.secret_removed') AS removed FROM events WHERE kind = 'mfa.reset' AND user = 'e2' ORDER BY id")
        #expect(resets.map { $0["removed"] ?? "" } == ["0", "1"], "\(resets)")
        // The events the CLI appended while serve ran keep the chain whole.
        let verify = try await gateway.gateway.run(["audit", "verify", "--config", gateway.gateway.configPath])
        #expect(verify.succeeded, "\(verify)")
    }

    @Test func secretsAreSealedAtRestAndNowhereInStateLogsTrailOrBackup() async throws {
        let gateway = try SharedSecondFactorGateway.current()
        let state = gateway.gateway.stateDirectory
        let keyPath = state + "/keys/mfa_secret_key"
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((attributes[.size] as? Int) == 32)
        let database = try FileManager.default.attributesOfItem(atPath: state + "/audit.db")
        #expect((database[.posixPermissions] as? Int) == 0o600)

        let backup = gateway.directory.file("backup-\(UInt32.random(in: 0...UInt32.max))")
        let backedUp = try await gateway.gateway.run(["audit", "backup", backup, "--config", gateway.gateway.configPath])
        #expect(backedUp.succeeded, "\(backedUp)")
        let backupFiles = try FileManager.default.subpathsOfDirectory(atPath: backup)
        #expect(!backupFiles.contains { $0.hasSuffix("mfa_secret_key") }, "the key went into the backup: \(backupFiles)")

        let dump = try await ProcessRunner().run("sqlite3", [state + "/audit.db", ".dump"])
        #expect(dump.succeeded)
        var haystacks: [(String, Data)] = [("gateway log", Data(gateway.gateway.log.utf8)), ("sqlite3 .dump", dump.standardOutput)]
        for root in [state, backup] {
            for path in try FileManager.default.subpathsOfDirectory(atPath: root) {
                // Regular files only: the state directory also holds the control socket.
                let full = root + "/" + path
                guard let type = try? FileManager.default.attributesOfItem(atPath: full)[.type] as? FileAttributeType,
                      type == .typeRegular
                else { continue }
                haystacks.append((full, try Data(contentsOf: URL(fileURLWithPath: full))))
            }
        }
        let secrets = SecondFactorGateway.enrolledAtStart.compactMap { gateway.authenticators.secret(of: $0) }
        #expect(secrets.count == SecondFactorGateway.enrolledAtStart.count)
        for secret in secrets {
            let padded = secret + String(repeating: "=", count: (8 - secret.count % 8) % 8)
            let decoded = try await ProcessRunner().run("base32", ["-d"], input: .data(Data(padded.utf8)))
            try #require(decoded.succeeded && decoded.standardOutput.count == 20, "\(decoded)")
            for (name, data) in haystacks {
                #expect(data.range(of: Data(secret.utf8)) == nil, "the base32 secret is in \(name)")
                #expect(data.range(of: Data(secret.lowercased().utf8)) == nil, "the base32 secret is in \(name)")
                #expect(data.range(of: decoded.standardOutput) == nil, "the raw secret is in \(name)")
            }
        }
    }
}

/// Below the OpenSSH client: a hostile client (paramiko) that skips the key or swaps keys
/// after partial success gets nowhere.
extension WallClockSuite.SecondFactorTests {
    static let protocolProbe = #"""
    import json, socket, sys
    import paramiko
    port, key_a, key_b, user = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    def transport():
        t = paramiko.Transport(socket.create_connection(("127.0.0.1", port)))
        t.start_client(timeout=10)
        return t
    result = {}
    t = transport()
    try:
        t.auth_interactive(user, lambda title, instructions, prompts: ["123456"] * len(prompts))
    except paramiko.AuthenticationException:
        pass
    result["interactive_alone"] = t.is_authenticated()
    t.close()
    t = transport()
    result["after_key"] = t.auth_publickey(user, paramiko.Ed25519Key.from_private_key_file(key_a))
    try:
        t.auth_publickey(user, paramiko.Ed25519Key.from_private_key_file(key_b))
    except paramiko.AuthenticationException:
        pass
    result["second_key"] = t.is_authenticated()
    t.close()
    print(json.dumps(result))
    """#

    @Test func neitherSkippingTheKeyNorSwappingKeysAfterPartialSuccessAuthenticates() async throws {
        let gateway = try SharedSecondFactorGateway.current()
        let script = try gateway.directory.write(Self.protocolProbe, to: "probe.py")
        // Debian's python3 with python3-paramiko (scripts/test.sh), as HostileClientTests uses.
        let result = try await ProcessRunner().run("/usr/bin/python3", [
            script, "\(gateway.gateway.port)", gateway.keys["alice"]!.privateKeyPath, gateway.keys["bob"]!.privateKeyPath,
            "\(gateway.login)@web-01",
        ], timeout: .seconds(60))
        #expect(result.succeeded, "\(result)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.standardOutput) as? [String: Any], "\(result)")
        #expect(report["interactive_alone"] as? Bool == false, "\(report)")
        #expect(report["after_key"] as? [String] == ["keyboard-interactive"], "\(report)")
        #expect(report["second_key"] as? Bool == false, "\(report)\n\(gateway.logTail)")
    }
}

/// A reload that starts asking for a code ends the sessions that gave none.
extension WallClockSuite.SecondFactorTests {
    @Test func aReloadThatRequiresACodeEndsSessionsThatGaveNone() async throws {
        let gateway = try SharedSecondFactorGateway.current()
        let original = try String(contentsOfFile: gateway.gateway.configPath, encoding: .utf8)
        let openGrant = "targets: {names: [web-01]}, logins: [\(GatewayConfiguration.quote(gateway.login))]}"
        try #require(original.contains(openGrant))
        let answering = try await gateway.answering("bob", code: "000000")
        let client = gateway.client("bob", as: "\(gateway.login)@web-01")
        let session = try gateway.runner(answering).spawn(
            "ssh", client.sshArguments("echo started; sleep 20; echo finished",
                                       options: answering.options + ["-o", "BindAddress=127.0.0.9"]))
        defer { session.terminateGroup(signal: SIGKILL) }
        let started = try await gateway.audit.waitForRows(
            "SELECT id FROM events WHERE kind = 'channel.open' AND user = 'bob' AND source_address = '127.0.0.9'")
        try #require(!started.isEmpty, "bob's session did not start\n\(gateway.logTail)")

        func reload(_ text: String) async throws {
            let before = gateway.gateway.log.components(separatedBy: "configuration reloaded").count
            try Data(text.utf8).write(to: URL(fileURLWithPath: gateway.gateway.configPath), options: .atomic)
            try await gateway.gateway.run(["reload", "--config", gateway.gateway.configPath]).checked("tracegate reload")
            let deadline = ContinuousClock.now + .seconds(10)
            while gateway.gateway.log.components(separatedBy: "configuration reloaded").count <= before,
                  ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        }
        try await reload(original.replacingOccurrences(of: openGrant, with: String(openGrant.dropLast()) + ", require_mfa: true}"))
        let ended = await session.waitForExit(timeout: .seconds(15))
        try await reload(original)
        #expect(ended != nil, "the session went on after the reload\n\(gateway.logTail)")
        let result = await session.result()
        #expect(!result.stdout.contains("finished"), "\(result)")
        #expect(result.stderr.contains("this access needs a verification code"), "\(result)\n\(gateway.logTail)")
    }
}
