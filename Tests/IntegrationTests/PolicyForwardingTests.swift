import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// `ssh -L` through a recorded connection reaches exactly the `forwarding` destinations of
    /// its grant, through the gateway's own connection to the target; every other destination
    /// is refused, and each forward is audited with its destination and bytes.
    ///
    /// Server 0 plays web-01; server 1 is a second sshd, the granted destination, whose banner
    /// proves a forward arrived. The refused destination is web-01's own sshd port, which
    /// listens: only the policy can keep the forward from reaching it.
    @Suite(
        .policyGateway(
            servers: 2,
            targets: [.init(name: "web-01", server: 0, owner: "retailer", labels: ["env": "prod"])],
            grants: { facts in
                [
                    #"{to: {user: alice}, targets: {names: [web-01]}, logins: ["\#(facts.login)"], forwarding: ["127.0.0.1:\#(facts.serverPorts[1])"]}"#,
                    #"{to: {org: provider}, targets: {names: [web-01]}, logins: ["\#(facts.login)"]}"#,
                ]
            }
        ),
        .timeLimit(.minutes(3))
    )
    struct PolicyForwardingTests {
        private struct Ports {
            let granted: UInt16
            let other: UInt16
        }

        private func ports(_ gateway: PolicyGateway) -> Ports {
            Ports(granted: gateway.servers[1].port, other: gateway.servers[0].port)
        }

        /// Starts `ssh -L` with the given forwards (local port → destination port on
        /// 127.0.0.1) and waits until ssh listens on every local port.
        private func forwarding(
            _ client: OpenSSHClient, _ forwards: [(UInt16, UInt16)], command: String?, gateway: PolicyGateway
        ) async throws -> SpawnedProcess {
            let options = ["-o", "LogLevel=INFO"]
                + forwards.flatMap { ["-L", "127.0.0.1:\($0.0):127.0.0.1:\($0.1)"] } + (command == nil ? ["-N"] : [])
            let process = try client.spawnSSH(command, options: options)
            let listening = await waitFor(timeout: .seconds(15)) {
                forwards.allSatisfy { PolicySockets.isListening($0.0) }
            }
            if !listening { process.terminateGroup(signal: SIGKILL) }
            try #require(listening, "ssh -L never listened\n\(process.standardErrorText)\n\(gateway.logTail)")
            return process
        }

        @Test func localForwardReachesTheGrantedDestinationAndNoOther() async throws {
            let gateway = try SharedPolicyGateway.current()
            let ports = ports(gateway)
            let granted = try LoopbackPort.free()
            let other = try LoopbackPort.free()
            let session = try await forwarding(
                gateway.alice(on: "web-01"), [(granted, ports.granted), (other, ports.other)],
                command: "sleep 8; echo session-$((2+3))", gateway: gateway
            )
            defer { session.terminateGroup(signal: SIGKILL) }

            let reached = await PolicySockets.exchange(port: granted, waitingFor: "\n")
            #expect(reached.text.hasPrefix("SSH-2.0-OpenSSH"), "the granted forward should show sshd's banner: \(reached)\n\(gateway.logTail)")

            let refused = await PolicySockets.exchange(port: other)
            #expect(refused.closedByPeer && refused.received.isEmpty, "the other forward must be closed without data: \(refused)")
            let told = await waitFor(timeout: .seconds(5)) {
                session.standardErrorText.contains("tracegate: forwarding to 127.0.0.1:\(ports.other) is not granted")
            }
            #expect(told, "the session's stderr should say why\n\(session.standardErrorText)\n\(gateway.logTail)")

            // A refused forward leaves the session itself alone.
            let ended = await session.waitForExit(timeout: .seconds(20))
            let result = await session.result()
            #expect(ended == .exited(0) && result.stdout == "session-5\n", "\(result)\n\(gateway.logTail)")
        }

        @Test func eachForwardIsAuditedAsADirectTcpipSessionWithDestinationAndBytes() async throws {
            let gateway = try SharedPolicyGateway.current()
            let ports = ports(gateway)
            let local = try LoopbackPort.free()
            let before = try await gateway.audit.rows(
                "SELECT count(*) FROM session_summary WHERE channel_type = 'direct-tcpip' AND forward_port = \(ports.granted)"
            )
            let forwarder = try await forwarding(
                gateway.alice(on: "web-01"), [(local, ports.granted)], command: "sleep 15", gateway: gateway
            )
            defer { forwarder.terminateGroup(signal: SIGKILL) }

            // Two forwards on one connection: two session rows.
            for _ in 0..<2 {
                let exchange = await PolicySockets.exchange(port: local, waitingFor: "\n", reply: "SSH-2.0-tracegate-probe\r\n")
                #expect(exchange.text.hasPrefix("SSH-2.0-OpenSSH"), "\(exchange)\n\(gateway.logTail)")
            }
            let expected = (Int(before.first?.first ?? "0") ?? 0) + 2
            let rows = try await gateway.audit.waitForRows(
                """
                SELECT user, target, login, channel_type, forward_host, forward_port, bytes_in, bytes_out
                FROM session_summary WHERE channel_type = 'direct-tcpip' AND forward_port = \(ports.granted)
                AND closed_at IS NOT NULL ORDER BY opened_at
                """,
                until: { $0.count >= expected }
            )
            #expect(rows.count == expected, "direct-tcpip rows to port \(ports.granted): \(rows)\n\(gateway.logTail)")
            for row in rows.suffix(2) {
                #expect(
                    Array(row.prefix(6)) == ["alice", "web-01", gateway.login, "direct-tcpip", "127.0.0.1", "\(ports.granted)"],
                    "\(row)"
                )
                // Our banner went in, sshd's banner and key exchange offer came out.
                #expect((Int(row[6]) ?? 0) >= "SSH-2.0-tracegate-probe\r\n".utf8.count, "bytes_in: \(row)")
                #expect((Int(row[7]) ?? 0) > "SSH-2.0-OpenSSH".utf8.count, "bytes_out: \(row)")
            }
        }

        @Test func firstForwardOfAConnectionWithoutASessionRelaysWhatTheDestinationSaysFirst() async throws {
            // `ssh -N -L`: a tunnel-only connection, and a destination (sshd, like SMTP or
            // MySQL) that speaks first. Its greeting must reach the engineer at once.
            let gateway = try SharedPolicyGateway.current()
            let ports = ports(gateway)
            let local = try LoopbackPort.free()
            let forwarder = try await forwarding(gateway.alice(on: "web-01"), [(local, ports.granted)], command: nil, gateway: gateway)
            defer { forwarder.terminateGroup(signal: SIGKILL) }
            for attempt in 1...2 {
                let started = ContinuousClock.now
                let exchange = await PolicySockets.exchange(port: local, waitingFor: "\n", timeout: .seconds(5))
                #expect(
                    exchange.text.hasPrefix("SSH-2.0-OpenSSH"),
                    "forward \(attempt) showed no banner within \(ContinuousClock.now - started): \(exchange)\n\(gateway.logTail)"
                )
            }
        }

        @Test func refusedForwardLeavesNoSessionRow() async throws {
            let gateway = try SharedPolicyGateway.current()
            let ports = ports(gateway)
            let local = try LoopbackPort.free()
            let forwarder = try await forwarding(
                gateway.alice(on: "web-01"), [(local, ports.other)], command: "sleep 10", gateway: gateway
            )
            defer { forwarder.terminateGroup(signal: SIGKILL) }
            let refused = await PolicySockets.exchange(port: local)
            #expect(refused.closedByPeer && refused.received.isEmpty, "\(refused)")
            let told = await waitFor(timeout: .seconds(5)) {
                forwarder.standardErrorText.contains("tracegate: forwarding to 127.0.0.1:\(ports.other) is not granted")
            }
            #expect(told, "\(forwarder.standardErrorText)\n\(gateway.logTail)")
            try await Task.sleep(for: .seconds(1))
            let rows = try await gateway.audit.rows(
                "SELECT session_id FROM session_summary WHERE channel_type = 'direct-tcpip' AND forward_port = \(ports.other)"
            )
            #expect(rows.isEmpty, "a refused forward must not look like one that ran: \(rows)")
        }

        @Test func grantWithoutForwardingAllowsNoLocalForward() async throws {
            // bob's grant on web-01 lists no destination: even alice's granted one is refused to him.
            let gateway = try SharedPolicyGateway.current()
            let ports = ports(gateway)
            let local = try LoopbackPort.free()
            let forwarder = try await forwarding(
                gateway.bob(on: "web-01"), [(local, ports.granted)], command: "sleep 10", gateway: gateway
            )
            defer { forwarder.terminateGroup(signal: SIGKILL) }
            let refused = await PolicySockets.exchange(port: local)
            #expect(refused.closedByPeer && refused.received.isEmpty, "\(refused)")
            let told = await waitFor(timeout: .seconds(5)) {
                forwarder.standardErrorText.contains("tracegate: forwarding to 127.0.0.1:\(ports.granted) is not granted")
            }
            #expect(told, "\(forwarder.standardErrorText)\n\(gateway.logTail)")
        }
    }
}
