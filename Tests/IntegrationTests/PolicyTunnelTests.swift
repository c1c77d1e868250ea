import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// Tunnel grants: `ssh -J alice@gateway -p PORT LOGIN@ADDRESS` reaches a target's own SSH
    /// port over plain TCP, only under a `mode: tunnel` grant. The engineer's SSH runs end to
    /// end (the client checks the target's host key and logs in itself); the gateway audits
    /// who, where, how long and how many bytes.
    @Suite(
        .policyGateway(
            servers: 2,
            targets: [
                .init(name: "web-01", server: 0, owner: "retailer", labels: ["env": "prod"]),
                .init(name: "web-02", server: 1, owner: "retailer", labels: ["env": "prod"]),
            ],
            grants: { facts in
                [
                    #"{to: {user: alice}, targets: {names: [web-01]}, logins: ["\#(facts.login)"]}"#,
                    "{to: {user: alice}, targets: {names: [web-02]}, mode: tunnel}",
                ]
            }
        ),
        .timeLimit(.minutes(3))
    )
    struct PolicyTunnelTests {
        private func aliceJumping(_ gateway: PolicyGateway) throws -> PolicyJumpClient {
            try PolicyJumpClient(gateway, user: "alice", identity: gateway.aliceKey, name: "jump-alice")
        }

        @Test func jumpThroughTheGatewayReachesATargetUnderATunnelGrant() async throws {
            let gateway = try SharedPolicyGateway.current()
            try await gateway.restoreInitialPolicy()
            let server = gateway.server(of: "web-02")
            let result = try await aliceJumping(gateway).ssh(
                port: server.port, login: gateway.login, "echo tunnel-$((6*7)); echo ${SSH_CONNECTION##* }"
            )
            // The port the target's sshd saw proves which target answered.
            expectSession(result, printed: "tunnel-42\n\(server.port)\n", gateway)
        }

        @Test func jumpIsRefusedToATargetWithoutATunnelGrant() async throws {
            // alice may log in to web-01 through the gateway (recorded), but not tunnel to it.
            let gateway = try SharedPolicyGateway.current()
            try await gateway.restoreInitialPolicy()
            let result = try await aliceJumping(gateway).ssh(
                port: gateway.server(of: "web-01").port, login: gateway.login, "echo should-not-run"
            )
            #expect(result.termination == .exited(255), "\(result)\n\(gateway.logTail)")
            #expect(result.stderr.contains("open failed: administratively prohibited"), "\(result)\n\(gateway.logTail)")
            #expect(!result.stdout.contains("should-not-run"), "\(result)")
        }

        @Test func jumpIsRefusedForAnEngineerWithoutTheGrant() async throws {
            let gateway = try SharedPolicyGateway.current()
            try await gateway.restoreInitialPolicy()
            let bob = try PolicyJumpClient(gateway, user: "bob", identity: gateway.bobKey, name: "jump-bob")
            let result = try await bob.ssh(port: gateway.server(of: "web-02").port, login: gateway.login, "echo should-not-run")
            #expect(result.termination == .exited(255), "\(result)\n\(gateway.logTail)")
            #expect(result.stderr.contains("open failed: administratively prohibited"), "\(result)\n\(gateway.logTail)")
        }

        @Test func tunnelIsAuditedAsADirectTcpipSessionWithDestinationAndBytes() async throws {
            let gateway = try SharedPolicyGateway.current()
            try await gateway.restoreInitialPolicy()
            let port = gateway.server(of: "web-02").port
            // Other tests of this suite tunnel to the same port: only a row that appears now is this one.
            let earlier = try await gateway.audit.rows(
                "SELECT COALESCE(MAX(rowid), 0) FROM sessions WHERE channel_type = 'direct-tcpip'").first?.first ?? "0"
            let result = try await aliceJumping(gateway).ssh(port: port, login: gateway.login, "head -c 100000 /dev/zero")
            #expect(result.succeeded && result.standardOutput.count == 100_000, "\(result)\n\(gateway.logTail)")

            let rows = try await gateway.audit.waitForRows(
                """
                SELECT channel_type, forward_host, forward_port, bytes_in, bytes_out, target, result
                FROM session_summary WHERE user = 'alice' AND channel_type = 'direct-tcpip' AND forward_port = \(port)
                AND closed_at IS NOT NULL
                AND session_id IN (SELECT id FROM sessions WHERE rowid > \(earlier))
                ORDER BY opened_at DESC LIMIT 1
                """
            )
            let row = try #require(rows.first, "no closed direct-tcpip session row for the tunnel\n\(gateway.logTail)")
            #expect(Array(row.prefix(3)) == ["direct-tcpip", "127.0.0.1", "\(port)"], "\(row)")
            // The whole SSH conversation crossed the tunnel: more than the 100 kB of output.
            #expect((Int(row[3]) ?? 0) > 0, "bytes_in of the tunnel: \(row)")
            #expect((Int(row[4]) ?? 0) > 100_000, "bytes_out of the tunnel: \(row)")
            #expect(row[5] == "web-02", "the tunnel's session row should name its target: \(row)")
            // The jump client closed its tunnel and left: it quit, it did not drop.
            let ends = try await gateway.audit.waitForRows(
                """
                SELECT c.close_reason FROM connections c JOIN sessions s ON s.connection_id = c.id
                WHERE s.channel_type = 'direct-tcpip' AND s.rowid > \(earlier) AND c.closed_at IS NOT NULL
                """
            )
            #expect(ends.first == ["client_quit"], "\(ends)\n\(gateway.logTail)")
        }

        @Test func targetHostKeyIsCheckedByTheEngineersOwnClient() async throws {
            // End to end: a client pinning another key for web-02 refuses it, whatever the gateway says.
            let gateway = try SharedPolicyGateway.current()
            try await gateway.restoreInitialPolicy()
            let clients = try gateway.directory.subdirectory("clients")
            let decoy = try await KeyPair.generate(in: clients, name: "decoy-web-02")
            let server = gateway.server(of: "web-02")
            let client = try PolicyJumpClient(
                in: clients, name: "jump-decoy", identity: gateway.aliceKey, jumpUser: "alice",
                gatewayPort: gateway.gateway.port, gatewayHostKeyLine: gateway.hostKeyLine,
                hostKeys: [(server.port, decoy.publicKeyBlob)]
            )
            let result = try await client.ssh(port: server.port, login: gateway.login, "echo should-not-run")
            #expect(result.termination == .exited(255), "\(result)")
            #expect(result.stderr.contains("Host key verification failed"), "\(result)\n\(gateway.logTail)")
        }

        @Test func tunnelOnlyGrantGivesNoRecordedLogin() async throws {
            let gateway = try SharedPolicyGateway.current()
            try await gateway.restoreInitialPolicy()
            let result = try await gateway.alice(on: "web-02").ssh("echo should-not-run")
            expectPolicyRefusal(result, containing: "tracegate: alice may not log in as \(gateway.login) on web-02", gateway)
        }

        @Test func reloadThatRevokesTheTunnelGrantEndsTheRunningTunnel() async throws {
            let gateway = try SharedPolicyGateway.current()
            try await gateway.restoreInitialPolicy()
            let server = gateway.server(of: "web-02")
            let tunnel = try aliceJumping(gateway).spawnSSH(
                port: server.port, login: gateway.login, "echo tunnel-running; sleep 30; echo overstayed"
            )
            defer { tunnel.terminateGroup(signal: SIGKILL) }
            try await requireRunning(tunnel, printed: "tunnel-running", gateway)

            try gateway.writeConfiguration(gateway.configuration(grants: Array(gateway.initialGrants.dropLast())))
            let reloadedAt = ContinuousClock.now
            try await gateway.reload()
            let ended = await tunnel.waitForExit(timeout: .seconds(10))
            let endedAfter = ContinuousClock.now - reloadedAt
            if ended == nil { tunnel.terminateGroup(signal: SIGKILL) }
            let result = await tunnel.result()
            #expect(ended != nil, "the tunnel still runs \(endedAfter) after its grant was removed\n\(result)\n\(gateway.logTail)")
            #expect(!result.stdout.contains("overstayed"), "\(result)")
            try await gateway.restoreInitialPolicy()
        }
    }
}
