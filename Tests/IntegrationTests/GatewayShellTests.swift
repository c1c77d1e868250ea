import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// A user name that names no target reaches the gateway's own read-only shell: who am I,
    /// what may I reach (exactly what the policy allows, no more), my recent sessions.
    @Suite(
        .policyGateway(
            targets: [
                .init(name: "web-01", owner: "retailer", labels: ["env": "prod", "app": "shop"]),
                .init(name: "web-02", owner: "retailer", labels: ["env": "prod", "app": "shop"]),
                .init(name: "db-01", owner: "provider", labels: ["env": "prod", "app": "db"]),
                .init(name: "stg-01", owner: "retailer", labels: ["env": "staging", "app": "shop"]),
                .init(name: "legacy-01", owner: "retailer", labels: ["env": "prod", "app": "legacy"]),
            ],
            grants: { facts in
                [
                    #"{to: {user: alice}, targets: {names: [web-01]}, logins: ["\#(facts.login)", deploy]}"#,
                    "{to: {user: alice}, targets: {names: [web-02]}, mode: tunnel}",
                    // Expired: alice may no longer reach stg-01, so it must not be listed.
                    #"{to: {user: alice}, targets: {names: [stg-01]}, logins: ["\#(facts.login)"], until: 2020-01-31}"#,
                    #"{to: {org: provider}, targets: {labels: {env: prod, app: [db]}}, logins: ["\#(facts.login)"], require_ticket: true}"#,
                ]
            }
        ),
        .timeLimit(.minutes(3))
    )
    struct GatewayShellTests {
        /// alice's or bob's client with their own name as the SSH user: no target has it.
        private func shell(_ client: OpenSSHClient, _ user: String) -> OpenSSHClient {
            client.withUser(user)
        }

        /// The TARGET column of a `targets` table.
        private func targetColumn(_ table: String) -> [String] {
            let lines = table.split(whereSeparator: \.isNewline).map(String.init)
            guard let header = lines.firstIndex(where: { $0.hasPrefix("TARGET") }) else { return [] }
            return lines[(header + 1)...].compactMap { $0.split(separator: " ").first.map(String.init) }
        }

        private func row(_ target: String, in table: String) -> String {
            table.split(whereSeparator: \.isNewline).map(String.init).first { $0.hasPrefix(target + " ") } ?? ""
        }

        @Test func targetsListsExactlyTheTargetsAliceMayReach() async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await shell(gateway.alice, "alice").ssh("targets")
            #expect(result.succeeded, "\(result)\n\(gateway.logTail)")
            #expect(targetColumn(result.stdout) == ["web-01", "web-02"], "\(result)")

            let web01 = row("web-01", in: result.stdout)
            #expect(web01.contains("deploy,\(gateway.login)") || web01.contains("\(gateway.login),deploy"), "logins of web-01: \(web01)")
            #expect(web01.contains("ssh -p \(gateway.gateway.port) ") && web01.contains("@web-01@127.0.0.1"), "ssh line of web-01: \(web01)")
            let web02 = row("web-02", in: result.stdout)
            #expect(web02.contains("tunnel"), "mode of web-02: \(web02)")
            #expect(web02.contains("ssh -J alice@127.0.0.1:\(gateway.gateway.port)"), "ssh line of web-02: \(web02)")
        }

        @Test func targetsListsExactlyTheTargetsBobMayReachWithTheirConditions() async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await shell(gateway.bob, "bob").ssh("targets")
            #expect(result.succeeded, "\(result)\n\(gateway.logTail)")
            #expect(targetColumn(result.stdout) == ["db-01"], "\(result)")
            #expect(row("db-01", in: result.stdout).contains("ticket required"), "\(result)")
        }

        @Test func whoamiShowsUserOrganisationAndKeyFingerprint() async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await shell(gateway.alice, "alice").ssh("whoami")
            #expect(result.succeeded, "\(result)\n\(gateway.logTail)")
            #expect(result.stdout.hasPrefix("alice (retailer)"), "\(result)")
            #expect(result.stdout.contains(gateway.aliceKey.fingerprint), "\(result)")
        }

        @Test func sessionsListsTheEngineersOwnRecentSessions() async throws {
            let gateway = try SharedPolicyGateway.current()
            let marker = "echo listed-\(UInt32.random(in: 1000...9999))"
            expectSession(try await gateway.alice(on: "web-01").ssh(marker), printed: String(marker.dropFirst(5)) + "\n", gateway)
            let bobs = try await gateway.bob(on: "db-01").ssh("echo bobs-own", options: ["-o", "SetEnv=TRACEGATE_TICKET=INC-1"])
            expectSession(bobs, printed: "bobs-own\n", gateway)

            // The trail is written in batches: give the session's rows a moment to land.
            var listing = try await shell(gateway.alice, "alice").ssh("sessions")
            let deadline = ContinuousClock.now + .seconds(10)
            while !listing.stdout.contains(marker) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(300))
                listing = try await shell(gateway.alice, "alice").ssh("sessions")
            }
            #expect(listing.succeeded, "\(listing)\n\(gateway.logTail)")
            #expect(listing.stdout.contains(marker) && listing.stdout.contains("\(gateway.login)@web-01"), "\(listing)")
            #expect(!listing.stdout.contains("bobs-own") && !listing.stdout.contains("db-01"), "bob's session in alice's list:\n\(listing)")
        }

        @Test(arguments: ["id", "rm -rf /", "cat /etc/passwd"])
        func unknownCommandExitsOneWithoutRunningAnything(command: String) async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await shell(gateway.alice, "alice").ssh(command)
            #expect(result.termination == .exited(1), "\(result)\n\(gateway.logTail)")
            #expect((result.stdout + result.stderr).contains("tracegate: unknown command"), "\(result)")
            #expect(!result.stdout.contains("root:"), "\(result)")
        }

        @Test func interactiveShellPromptsAnswersAndLeavesOnExit() async throws {
            let gateway = try SharedPolicyGateway.current()
            let transcript = try await PseudoTerminal.run(
                "ssh", shell(gateway.alice, "alice").sshArguments(options: ["-tt"]),
                steps: [
                    .expect("tracegate> ", timeout: 15),
                    .send("whoami\r"),
                    .expect("alice (retailer)"),
                    .expect("tracegate> "),
                    .send("targets\r"),
                    .expect("web-02"),
                    .expect("tracegate> "),
                    .send("exit\r"),
                ]
            )
            #expect(transcript.failure == nil, "\(transcript)\n\(gateway.logTail)")
            #expect(transcript.termination == .exited(0), "\(transcript)")
            #expect(!transcript.output.contains("db-01"), "\(transcript)")
        }
    }
}
