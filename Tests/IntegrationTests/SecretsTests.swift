import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// What must never leave the gateway through its log, and how its state is protected on
    /// disk: sessions with a ticket (SetEnv and typed at the gateway's prompt), a password
    /// typed at an echo-off prompt on the target, and plain key authentication; then the
    /// gateway's whole stderr is searched for the gateway's private keys, the password and
    /// the tickets, and every state file's mode is checked.
    ///
    /// Tickets are change or incident references (INC-123), not credentials: they are on the
    /// audit rows by design (auditors search by them), but the log carries none, so that a
    /// log shipped elsewhere says nothing about which change a session belonged to.
    @Suite(
        .policyGateway(
            targets: [.init(name: "web-01", owner: "retailer", labels: ["env": "prod"])],
            grants: { facts in
                [
                    #"{to: {org: provider}, targets: {names: [web-01]}, logins: ["\#(facts.login)"], require_ticket: "^(INC|CHG)-[0-9]+$"}"#,
                    #"{to: {user: alice}, targets: {names: [web-01]}, logins: ["\#(facts.login)"]}"#,
                ]
            }
        ),
        .timeLimit(.minutes(3))
    )
    struct SecretsTests {
        static let password = "Tr0ub4dor-typed-never-logged"

        @Test func theLogHoldsNoKeyPasswordOrTicketAndStateFilesArePrivate() async throws {
            let gateway = try SharedPolicyGateway.current()
            let setEnvTicket = "INC-\(Int.random(in: 100_000...999_999))"
            let typedTicket = "CHG-\(Int.random(in: 100_000...999_999))"

            let withTicket = try await gateway.bob(on: "web-01").ssh(
                "echo ticketed", options: ["-o", "SetEnv=TRACEGATE_TICKET=\(setEnvTicket)"])
            #expect(withTicket.stdout == "ticketed\n", "\(withTicket)\n\(gateway.logTail)")

            let transcript = try await PseudoTerminal.run(
                "ssh", gateway.bob(on: "web-01").sshArguments(options: ["-tt"]),
                steps: [
                    .expect("Ticket: ", timeout: 15),
                    .send(typedTicket + "\r"),
                    .pause(1.0),
                    .send("read -s -p \"Pass$((0+1))word: \" p; echo; echo got-${#p}\r"),
                    .expect("Pass1word: ", timeout: 15),
                    .pause(0.5),
                    .send(Self.password + "\r"),
                    .expect("got-\(Self.password.count)", timeout: 15),
                    .send("exit 0\r"),
                ])
            #expect(transcript.failure == nil, "\(transcript)\n\(gateway.logTail)")

            let keyOnly = try await gateway.alice(on: "web-01").ssh("echo key-only")
            #expect(keyOnly.stdout == "key-only\n", "\(keyOnly)")

            // The typed ticket reached the trail, so the search below looks for something real.
            let rows = try await gateway.audit.waitForRows(
                "SELECT user FROM connections WHERE ticket = \(PolicyAuditDatabase.literal(typedTicket))")
            #expect(rows == [["bob"]], "\(rows)")

            let log = gateway.gateway.log
            #expect(log.contains("session started"), "the log is the gateway's real stderr: \(log.suffix(500))")
            let state = gateway.gateway.stateDirectory
            for name in ["host_ed25519", "upstream_ed25519"] {
                let privateKey = try String(contentsOfFile: "\(state)/keys/\(name)", encoding: .utf8)
                // libssh writes the base64 body as one long line; any 24 characters of it, at
                // every 12th offset, would give away part of the key.
                let body = Array(privateKey.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined())
                #expect(body.count >= 200, "\(name) looks like no OpenSSH private key")
                for offset in stride(from: 0, to: max(0, body.count - 24), by: 12) {
                    let window = String(body[offset..<offset + 24])
                    #expect(!log.contains(window), "private key material of \(name) is in the log")
                }
            }
            #expect(!log.contains("PRIVATE KEY"))
            #expect(!log.contains(Self.password), "the typed password is in the log")
            #expect(!log.contains(setEnvTicket) && !log.contains(typedTicket), "a ticket value is in the log")

            try Self.expectPrivate(state: state)
        }

        /// Directories 0700, files 0600, all the way down: audit.db and its WAL, keys (public
        /// halves may be 0644), known_hosts, recordings.
        static func expectPrivate(state: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let manager = FileManager.default
            var checked: [String] = []
            func mode(_ path: String) throws -> Int {
                (try manager.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
            }
            #expect(try mode(state) == 0o700, "\(state)", sourceLocation: sourceLocation)
            let enumerator = try #require(manager.enumerator(atPath: state))
            for case let relative as String in enumerator {
                let path = state + "/" + relative
                var isDirectory: ObjCBool = false
                _ = manager.fileExists(atPath: path, isDirectory: &isDirectory)
                let actual = try mode(path)
                if isDirectory.boolValue {
                    #expect(actual == 0o700, "\(relative) is \(String(actual, radix: 8))", sourceLocation: sourceLocation)
                } else if relative.hasSuffix(".pub") || relative == "tracegate.pid" {
                    #expect(actual & 0o022 == 0, "\(relative) is \(String(actual, radix: 8))", sourceLocation: sourceLocation)
                } else {
                    #expect(actual == 0o600, "\(relative) is \(String(actual, radix: 8))", sourceLocation: sourceLocation)
                }
                checked.append(relative)
            }
            for expected in ["audit.db", "keys/host_ed25519", "keys/upstream_ed25519", "recordings"] {
                #expect(checked.contains(expected), "\(expected) not found under \(state): \(checked)", sourceLocation: sourceLocation)
            }
            #expect(checked.contains { $0.hasPrefix("recordings/") && $0.hasSuffix(".cast") }, "\(checked)",
                    sourceLocation: sourceLocation)
        }
    }
}
