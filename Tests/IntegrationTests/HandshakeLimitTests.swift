import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// libssh has no LoginGraceTime, MaxAuthTries or MaxStartups of its own: the gateway
    /// enforces a key-exchange deadline, an attempt limit and a cap on handshakes in flight.
    @Suite(.gatewayFixture {
        $0.limits = [("kex_timeout", "2s"), ("max_auth_attempts", "3"), ("max_unauthenticated", "4")]
        // These probes hold handshakes to their deadline from 127.0.0.1, alice's own address:
        // per-source penalties would rightly lock her out. This suite is about the cap.
        $0.penalties = [("exempt", "[127.0.0.1]")]
    })
    struct HandshakeLimitTests {
        /// A python3 probe of raw TCP behaviour: how each of `count` connections held open
        /// at once was answered (its first bytes), and how long the server kept it.
        private static let probe = """
            import socket, sys, time
            port, count, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
            sockets = []
            for _ in range(count):
                s = socket.create_connection(("127.0.0.1", port))
                s.settimeout(1.0)
                try:
                    first = s.recv(64)
                except socket.timeout:
                    first = b"(nothing)"
                sockets.append((s, time.time()))
                print("banner" if first.startswith(b"SSH-2.0-") else "closed" if first == b"" else "other", flush=True)
            for s, opened in sockets:
                s.settimeout(hold)
                try:
                    while s.recv(4096):
                        pass
                    print("dropped after %.1f" % (time.time() - opened), flush=True)
                except socket.timeout:
                    print("still open", flush=True)
            """

        private func runProbe(_ fixture: GatewayFixture, connections: Int, hold: Double) async throws -> [String] {
            let result = try await ProcessRunner().run(
                "/usr/bin/python3", ["-c", Self.probe, String(fixture.gateway.port), String(connections), String(hold)],
                timeout: .seconds(60))
            return result.stdout.split(separator: "\n").map(String.init)
        }

        @Test func aClientThatNeverStartsKeyExchangeIsDroppedAtTheDeadline() async throws {
            let fixture = try SharedGateway.current()
            let lines = try await runProbe(fixture, connections: 1, hold: 10)
            try #require(lines.count == 2, "\(lines)")
            #expect(lines[0] == "banner")
            let seconds = Double(lines[1].split(separator: " ").last ?? "") ?? 99
            #expect(lines[1].hasPrefix("dropped") && seconds < 6, "kex_timeout is 2s: \(lines)")
        }

        @Test func handshakesBeyondTheCapAreRefusedAndEngineersStillGetIn() async throws {
            let fixture = try SharedGateway.current()
            // Four silent handshakes fill the cap; the fifth is closed before any SSH is spoken.
            let lines = try await runProbe(fixture, connections: 5, hold: 0.5)
            #expect(Array(lines.prefix(5)) == ["banner", "banner", "banner", "banner", "closed"], "\(lines)")
            // Once they time out, the door is open again.
            try await Task.sleep(for: .seconds(3))
            let result = try await fixture.alice(on: "web-01").ssh("echo after-the-flood")
            #expect(result.stdout == "after-the-flood\n", "\(result)")
        }

        @Test func aClientIsDisconnectedAfterTheAttemptLimit() async throws {
            let fixture = try SharedGateway.current()
            var options = ["-o", "IdentitiesOnly=yes"]
            for index in 0..<4 {
                let stranger = try await KeyPair.generate(in: fixture.directory.path, name: "stranger-\(index)", type: .ed25519)
                options += ["-i", stranger.privateKeyPath]
            }
            let result = try await fixture.alice(on: "web-01").ssh("true", options: options)
            #expect(result.status != 0, "\(result)")
            let log = fixture.gateway.log
            #expect(log.contains("too many authentication attempts"), "\(log.suffix(2000))")
            let after = try await fixture.alice(on: "web-01").ssh("echo still-serving")
            #expect(after.stdout == "still-serving\n", "\(after)")
        }
    }
}
