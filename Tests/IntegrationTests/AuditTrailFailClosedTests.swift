import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// No session without its record: when the trail cannot be written, new connections are
    /// refused with the documented line while sessions already running go on; once the trail
    /// is writable again, connections are accepted and audited, and the chain is intact.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct AuditTrailFailClosedTests {
        static let refusal = "tracegate: the audit trail cannot be written; no new session can start"

        @Test func readOnlyTrailRefusesNewConnectionsWhileRunningSessionsGoOn() async throws {
            let fixture = try SharedGateway.current()
            let database = fixture.auditDatabase

            let running = try AuditTrailOpenSession(fixture.alice(on: "web-01"), command: "cat")
            #expect(try await running.roundTrip("before\n", expecting: "before\n"), "the session did not echo\n\(running.output)")
            let openSessions = try await database.query("SELECT * FROM session_summary WHERE command = 'cat' AND status = 'open'")
            try #require(openSessions.count == 1, "\(openSessions)")
            let sessionID = try #require(openSessions[0]["session_id"])

            // The owner's write bit is what the gateway honours (root ignores file modes).
            #expect(chmod(database.path, 0o444) == 0)
            var restored = false
            defer { if !restored { chmod(database.path, 0o600) } }

            let refused = try await fixture.alice(on: "web-01").ssh("echo should-not-run", options: refusalOptions)
            expectRefusal(refused, containing: Self.refusal, fixture)
            #expect(!refused.stdout.contains("should-not-run"), "\(refused)")
            // Every later attempt too, not only the one that met the failure first.
            let refusedAgain = try await fixture.bob(on: "web-01").ssh("echo should-not-run", options: refusalOptions)
            expectRefusal(refusedAgain, containing: Self.refusal, fixture)

            #expect(try await running.roundTrip("during\n", expecting: "during\n"),
                    "the running session stopped with the trail\n\(running.output)\n\(fixture.gatewayLogTail)")

            #expect(chmod(database.path, 0o600) == 0)
            restored = true
            let accepted = try await fixture.alice(on: "web-02").ssh("echo after-recovery")
            #expect(accepted.succeeded && accepted.stdout == "after-recovery\n", "\(accepted)\n\(fixture.gatewayLogTail)")
            #expect(try await running.roundTrip("after\n", expecting: "after\n"), "\(running.output)")

            running.closeInput()
            let ended = await running.process.waitForExit(timeout: .seconds(20))
            #expect(ended == .exited(0), "the running session should end normally: \(String(describing: ended))")

            // The session after recovery is in the trail, complete.
            let recovered = try await database.waitForRows("SELECT * FROM session_summary WHERE command = 'echo after-recovery' AND status = 'closed'", timeout: .seconds(15)).first
            #expect(recovered?["result"] == "ok" && recovered?.int("bytes_out") == 15, "\(String(describing: recovered))")
            // So is the end of the session that ran through the outage, with all its bytes.
            let survivor = try await database.waitForRows("SELECT * FROM session_summary WHERE session_id = '\(sessionID)' AND status = 'closed'", timeout: .seconds(15)).first
            #expect(survivor?.int("bytes_in") == 20 && survivor?.int("bytes_out") == 20 && survivor?["result"] == "ok",
                    "\(String(describing: survivor))\n\(fixture.gatewayLogTail)")

            // The refused connections left their opening and their end (kept in memory and written
            // on recovery) but no decision: nothing was allowed.
            let refusedIDs = Self.connectionIDs(in: fixture.gateway.log, onLinesContaining: "audit trail unavailable")
            #expect(refusedIDs.count == 2, "\(fixture.gatewayLogTail)")
            for id in refusedIDs {
                let row = try await database.waitForRows("SELECT * FROM connection_summary WHERE connection_id = '\(id)' AND status = 'closed'", timeout: .seconds(15)).first
                let kinds = try await database.events(ofConnection: id).map { $0["kind"] ?? "?" }
                #expect(row != nil && !kinds.contains("access.decision") && !kinds.contains("channel.open"),
                        "refused connection \(id): \(String(describing: row)) \(kinds)")
            }

            let verified = try await fixture.audit(["verify"])
            #expect(verified.succeeded && verified.stdout.hasPrefix("OK "), "\(verified)")
        }

        @Test func auditQueriesRefuseToReadWhenTheirQueryCannotBeRecorded() async throws {
            let fixture = try SharedGateway.current()
            let database = fixture.auditDatabase
            #expect(chmod(database.path, 0o444) == 0)
            defer { chmod(database.path, 0o600) }
            let result = try await fixture.audit(["connections"])
            #expect(result.termination == .exited(2), "\(result)")
            #expect(result.stderr.contains("refusing to read the audit trail"), "\(result)")
        }

        /// The `tg.connection=c-…` ids of the log lines that contain `text`.
        static func connectionIDs(in log: String, onLinesContaining text: String) -> [String] {
            log.split(separator: "\n").filter { $0.contains(text) }.compactMap { line in
                guard let range = line.range(of: "tg.connection=c-[0-9a-f]{16}", options: .regularExpression) else { return nil }
                return String(line[range].dropFirst("tg.connection=".count))
            }
        }
    }
}
