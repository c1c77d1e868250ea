import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// `kill -9` of the gateway during ten active sessions: the restart closes them as
    /// interrupted, with events that keep the chain valid.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct AuditTrailCrashTests {
        @Test func sessionsOpenAtACrashAreInterruptedAfterTheRestartAndTheChainVerifies() async throws {
            let fixture = try SharedGateway.current()
            let database = fixture.auditDatabase
            let mark = try await database.lastEventID()
            let command = "sleep 60"

            let clients = try (0..<10).map { index in
                try fixture.alice(on: index.isMultiple(of: 2) ? "web-01" : "web-02").spawnSSH(command)
            }
            defer { clients.forEach { $0.terminateGroup(signal: SIGKILL) } }
            let openSQL = "SELECT * FROM session_summary WHERE first_event_id > \(mark) AND command = '\(command)' AND status = 'open'"
            var open: [AuditRow] = []
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                open = try await database.query(openSQL)
                if open.count == 10 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            try #require(open.count == 10, "ten sessions should be open in the trail: \(open)\n\(fixture.gatewayLogTail)")
            #expect(clients.allSatisfy { $0.isRunning })
            let sessionIDs = Set(open.compactMap { $0["session_id"] })
            let connectionIDs = Set(open.compactMap { $0["connection_id"] })
            #expect(sessionIDs.count == 10 && connectionIDs.count == 10)

            let killed = await fixture.gateway.stop(signal: SIGKILL)
            #expect(killed == .signalled(SIGKILL), "\(String(describing: killed))")
            for client in clients { _ = await client.waitForExit(timeout: .seconds(10)) }
            #expect(try await database.query(openSQL).count == 10, "nobody but the restart may close them")

            try await fixture.gateway.start()

            let ids = sessionIDs.sorted().map(AuditTrailDatabase.literal).joined(separator: ", ")
            let sessions = try await database.query("SELECT * FROM session_summary WHERE session_id IN (\(ids))")
            #expect(sessions.count == 10)
            for session in sessions {
                #expect(session["status"] == "interrupted" && session["result"] == "interrupted", "\(session)")
                #expect(session["closed_at"] != nil && session["bytes_in"] == nil && session["bytes_out"] == nil, "\(session)")
            }
            for connectionID in connectionIDs.sorted() {
                let connection = try await database.connection(connectionID)
                #expect(connection?["status"] == "interrupted" && connection?["close_reason"] == "interrupted", "\(String(describing: connection))")
                let events = try await database.events(ofConnection: connectionID)
                let kinds = events.map { $0["kind"] ?? "?" }
                #expect(Array(kinds.suffix(2)) == ["session.close", "connection.close"], "\(kinds)")
                if let close = events.first(where: { $0["kind"] == "session.close" }) {
                    #expect(close["result"] == "interrupted" && close["reason"] == "interrupted", "\(close)")
                }
                #expect(events.last?["reason"] == "interrupted", "\(String(describing: events.last))")
            }

            let listed = try await fixture.audit(["sessions", "--result", "interrupted", "--format", "json"])
            #expect(listed.succeeded, "\(listed)")
            let listedIDs = Set(try AuditJSON.lines(listed.stdout).compactMap { $0["session_id"] })
            #expect(sessionIDs.isSubset(of: listedIDs), "\(listed)")

            let verified = try await fixture.audit(["verify"])
            #expect(verified.succeeded && verified.stdout.hasPrefix("OK "), "\(verified)")

            let after = try await fixture.alice(on: "web-01").ssh("echo after-crash")
            #expect(after.succeeded && after.stdout == "after-crash\n", "\(after)\n\(fixture.gatewayLogTail)")
        }
    }
}
