import Foundation
import Testing
import TestSupport

extension WallClockSuite {
    /// Per-source penalties with real OpenSSH clients from different loopback addresses
    /// (`ssh -b`): a source that keeps failing authentication is closed at accept for a
    /// while, audited once; an engineer from another address never notices; exempt networks
    /// are never penalised. Short durations keep the suite quick.
    @Suite(.gatewayFixture {
        $0.penalties = [("auth_failure", "5s"), ("min", "6s"), ("max", "60s"), ("exempt", "[127.0.0.6]")]
    }, .timeLimit(.minutes(3)))
    struct PenaltyTests {
        private func stranger(_ fixture: GatewayFixture, _ name: String) async throws -> OpenSSHClient {
            let key = try await KeyPair.generate(in: fixture.directory.path, name: name)
            return try fixture.gatewayClient(identity: key, name: "gw-\(name)").withUser("\(fixture.login)@web-01")
        }

        /// The `penalty.start` rows of `source`, polled until there are `count` (the penalty is
        /// charged when the gateway finishes the connection, and the trail is written in batches).
        private func penaltyRows(_ fixture: GatewayFixture, source: String, count: Int,
                                 timeout: Duration = .seconds(5)) async throws -> [AuditRow] {
            let audit = AuditTrailDatabase(path: fixture.gateway.stateDirectory + "/audit.db")
            let deadline = ContinuousClock.now + timeout
            while true {
                let rows = try await audit.query(
                    "SELECT reason, source_address, details FROM events WHERE kind = 'penalty.start' AND json_extract(details, '$.source') = '\(source)' ORDER BY id")
                if rows.count >= count || ContinuousClock.now >= deadline { return rows }
                try await Task.sleep(for: .milliseconds(100))
            }
        }

        private func attempt(_ client: OpenSSHClient, from address: String) async throws -> ProcessResult {
            try await client.ssh("true", options: refusalOptions + ["-b", address])
        }

        @Test func repeatedFailuresCloseTheSourceAtAcceptWhileOthersGetIn() async throws {
            let fixture = try SharedGateway.current()
            let stranger = try await stranger(fixture, "penalty-stranger")
            // Two failures of 5 s within 4 s reach min 6 s: the second penalises 127.0.0.5 (a
            // third or fourth only on a machine so slow that the first charge ran out).
            var penalties: [AuditRow] = []
            for _ in 0..<4 where penalties.isEmpty {
                expectRefusal(try await attempt(stranger, from: "127.0.0.5"), containing: "Permission denied (publickey", fixture)
                penalties = try await penaltyRows(fixture, source: "127.0.0.5", count: 1, timeout: .seconds(2))
            }
            try #require(penalties.count == 1, "\(fixture.gatewayLogTail)")
            #expect(fixture.gateway.log.contains("tg.source=127.0.0.5"), "\(fixture.gatewayLogTail)")
            // Closed at accept, before SSH: OpenSSH never sees a banner.
            let closed = try await attempt(stranger, from: "127.0.0.5")
            #expect(closed.status == 255, "\(closed)")
            #expect(!closed.stderr.contains("Permission denied"), "no authentication took place: \(closed)")
            #expect(closed.stderr.contains("kex_exchange_identification") || closed.stderr.contains("Connection reset"),
                    "\(closed)")
            // The same address is closed even with a good key; alice from elsewhere is not.
            let aliceThere = try await fixture.alice(on: "web-01").ssh("echo hi", options: ["-b", "127.0.0.5"])
            #expect(!aliceThere.succeeded, "\(aliceThere)")
            let aliceHere = try await fixture.alice(on: "web-01").ssh("echo from-elsewhere", options: ["-b", "127.0.0.7"])
            #expect(aliceHere.stdout == "from-elsewhere\n", "\(aliceHere)\n\(fixture.gatewayLogTail)")
            try await expectGatewayStillServes(fixture)

            // Audited once per penalty, not per refused connection.
            let rows = try await penaltyRows(fixture, source: "127.0.0.5", count: 1)
            #expect(rows.count == 1, "\(rows)")
            #expect(rows.first?["reason"] == "auth_failure" && rows.first?["source_address"] == "127.0.0.5", "\(rows)")
            #expect(rows.first?.json("details", "strike") == "1", "\(rows)")
            let duration = Int(rows.first?.json("details", "duration_ms") ?? "") ?? 0
            #expect((6000...10000).contains(duration), "\(rows)")

            // The penalty runs out: the source may try again (and fails as itself, not at accept).
            try await Task.sleep(for: .milliseconds(Int64(duration) + 500))
            let again = try await attempt(stranger, from: "127.0.0.5")
            expectRefusal(again, containing: "Permission denied (publickey", fixture)
        }

        @Test func aRepeatOffenderGetsALongerPenalty() async throws {
            let fixture = try SharedGateway.current()
            let stranger = try await stranger(fixture, "repeat-stranger")
            for round in 0..<2 {
                // Failures until the source is penalised (two, unless the machine is so slow
                // that the first charge ran out before the second).
                var rows: [AuditRow] = []
                for _ in 0..<4 where rows.count < round + 1 {
                    _ = try await attempt(stranger, from: "127.0.0.8")
                    rows = try await penaltyRows(fixture, source: "127.0.0.8", count: round + 1, timeout: .seconds(2))
                }
                #expect(rows.count == round + 1, "\(rows)\n\(fixture.gatewayLogTail)")
                if let last = rows.last, let milliseconds = Int(last.json("details", "duration_ms") ?? "") {
                    #expect(last.json("details", "strike") == "\(round + 1)", "\(rows)")
                    if round == 1, let first = Int(rows[0].json("details", "duration_ms") ?? "") {
                        #expect(milliseconds > first, "the second penalty is longer: \(rows)")
                    }
                    try await Task.sleep(for: .milliseconds(Int64(milliseconds) + 300))
                }
            }
        }

        @Test func anExemptAddressIsNeverPenalised() async throws {
            let fixture = try SharedGateway.current()
            let stranger = try await stranger(fixture, "exempt-stranger")
            for _ in 0..<5 {
                expectRefusal(try await attempt(stranger, from: "127.0.0.6"), containing: "Permission denied (publickey", fixture)
            }
            let alice = try await fixture.alice(on: "web-01").ssh("echo exempt", options: ["-b", "127.0.0.6"])
            #expect(alice.stdout == "exempt\n", "\(alice)\n\(fixture.gatewayLogTail)")
        }

        @Test func anEngineerWhoAuthenticatesIsNeverPenalised() async throws {
            // Refusals after authentication (unknown target, login not granted) are the policy
            // answering, not an attack: they cost the source nothing.
            let fixture = try SharedGateway.current()
            for _ in 0..<5 {
                let refused = try await fixture.alice(on: "nowhere").ssh("true", options: refusalOptions + ["-b", "127.0.0.9"])
                expectRefusal(refused, containing: "tracegate: no target named nowhere", fixture)
            }
            let alice = try await fixture.alice(on: "web-01").ssh("echo welcome", options: ["-b", "127.0.0.9"])
            #expect(alice.stdout == "welcome\n", "\(alice)\n\(fixture.gatewayLogTail)")
        }
    }
}
