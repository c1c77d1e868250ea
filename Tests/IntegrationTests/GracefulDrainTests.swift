import Foundation
import Testing
import TestSupport

/// `limits.drain_timeout` of the drain suite (outside the suite: its attribute reads it).
private let gracefulDrainSeconds = 12

extension IntegrationSuite {
    /// SIGTERM with 50 sessions open: the gateway stops accepting at once, tells every
    /// engineer when their session ends, lets sessions end on their own until
    /// `limits.drain_timeout`, then closes the rest as `shutdown`, exits 0, and the trail verifies.
    @Suite(.gatewayFixture { $0.limits = [("drain_timeout", "\(gracefulDrainSeconds)s")] },
           .timeLimit(.minutes(4)))
    struct GracefulDrainTests {
        static let drainSeconds = gracefulDrainSeconds
        static let sessionCount = 50
        /// Sessions whose engineers finish during the drain; the rest run into the deadline.
        static let finishingCount = 20
        static let notice = "tracegate: the gateway is shutting down; this session ends in "
        static let closing = "tracegate: the gateway is shutting down"

        @Test func sigtermDrainsFiftySessionsThenClosesTheRestAsShutdown() async throws {
            let fixture = try SharedGateway.current()
            if !fixture.gateway.isRunning { try await fixture.gateway.start() }
            let database = fixture.auditDatabase
            let gatewayPID = try #require(fixture.gateway.pid)

            // `cat; : drain-N`: each session is a cat the test feeds, named by its command line.
            var sessions: [AuditTrailOpenSession] = []
            for index in 0..<Self.sessionCount {
                let target = index.isMultiple(of: 2) ? "web-01" : "web-02"
                sessions.append(try AuditTrailOpenSession(fixture.alice(on: target), command: Self.command(index)))
            }
            defer { sessions.forEach { $0.process.terminateGroup(signal: SIGKILL) } }
            for (index, session) in sessions.enumerated() {
                let echoed = try await session.roundTrip("hello-\(index)\n", expecting: "hello-\(index)\n", timeout: .seconds(60))
                try #require(echoed, "session \(index) did not start: \(session.process.standardErrorText)\n\(fixture.gatewayLogTail)")
            }

            let signalledAt = ContinuousClock.now
            #expect(kill(gatewayPID, SIGTERM) == 0)

            // Stop accepting: the listening socket is closed, so a new client is refused at once.
            let refusesNewClients = await waitFor(timeout: .seconds(3)) { !LoopbackPort.acceptsConnections(fixture.gateway.port) }
            #expect(refusesNewClients, "the gateway still accepts TCP after SIGTERM\n\(fixture.gatewayLogTail)")

            // Every engineer is told, on stderr, how long their session has.
            let everyoneTold = await waitFor(timeout: .seconds(5)) {
                sessions.allSatisfy { $0.process.standardErrorText.contains(Self.notice) }
            }
            let untold = sessions.indices.filter { !sessions[$0].process.standardErrorText.contains(Self.notice) }
            #expect(everyoneTold, "sessions \(untold) were not told\n\(fixture.gatewayLogTail)")
            if let first = sessions.first {
                let seconds = Self.announcedSeconds(in: first.process.standardErrorText)
                #expect(seconds.map { $0 > 0 && $0 <= Self.drainSeconds } == true,
                        "the notice should announce at most \(Self.drainSeconds) s: \(first.process.standardErrorText)")
            }

            // Sessions keep working during the drain; some end on their own.
            for index in 0..<Self.finishingCount {
                #expect(try await sessions[index].roundTrip("during-\(index)\n", expecting: "during-\(index)\n"),
                        "session \(index) stopped relaying during the drain: \(sessions[index].output)")
                sessions[index].closeInput()
            }
            for index in 0..<Self.finishingCount {
                let ended = await sessions[index].process.waitForExit(timeout: .seconds(10))
                #expect(ended == .exited(0), "session \(index) should end normally: \(String(describing: ended)) \(sessions[index].process.standardErrorText)")
            }
            #expect(sessions[Self.finishingCount...].allSatisfy { $0.process.isRunning }, "the others must still run")

            // The gateway waits for the deadline, closes the rest and exits 0.
            _ = await waitFor(timeout: .seconds(Self.drainSeconds + 20), every: .milliseconds(100)) { !fixture.gateway.isRunning }
            let exited = fixture.gateway.termination
            let stoppedAfter = ContinuousClock.now - signalledAt
            #expect(exited == .exited(0), "gateway: \(String(describing: exited))\n\(fixture.gatewayLogTail)")
            #expect(stoppedAfter >= .seconds(Self.drainSeconds - 1), "stopped after \(stoppedAfter), before the drain deadline")
            #expect(stoppedAfter < .seconds(Self.drainSeconds + 8), "stopped after \(stoppedAfter)")
            for index in Self.finishingCount..<Self.sessionCount {
                let ended = await sessions[index].process.waitForExit(timeout: .seconds(10))
                let stderr = sessions[index].process.standardErrorText
                #expect(ended == .exited(255), "session \(index): \(String(describing: ended))")
                #expect(stderr.split(separator: "\n").contains { $0 == Self.closing },
                        "session \(index) should be told it is closed: \(stderr)")
            }

            // The trail: normal ends for the first, `shutdown` for the rest, then gateway.stop.
            let rows = try await database.query("SELECT * FROM session_summary WHERE command LIKE 'cat; : drain-%'")
            #expect(rows.count == Self.sessionCount, "\(rows)")
            for row in rows {
                let command = try #require(row["command"])
                let index = try #require(Int(command.split(separator: "-").last ?? ""))
                let sessionID = try #require(row["session_id"])
                let connectionID = try #require(row["connection_id"])
                let close = try await database.query(
                    "SELECT * FROM events WHERE kind = 'session.close' AND session_id = \(AuditTrailDatabase.literal(sessionID))")
                let connection = try await database.connection(connectionID)
                if index < Self.finishingCount {
                    #expect(row["result"] == "ok" && close.first?["reason"] == nil, "session \(index): \(row) \(close)")
                    #expect(connection?["close_reason"] == "client_quit", "connection of \(index): \(String(describing: connection))")
                } else {
                    #expect(row["status"] == "closed" && close.first?["reason"] == "shutdown", "session \(index): \(row) \(close)")
                    #expect(connection?["close_reason"] == "shutdown", "connection of \(index): \(String(describing: connection))")
                }
            }
            let stop = try await database.query("SELECT * FROM events WHERE kind = 'gateway.stop' ORDER BY id DESC LIMIT 1")
            #expect(stop.first?["reason"] == "shutdown", "\(stop)")
            let lastSessionClose = try await database.scalar("SELECT MAX(id) FROM events WHERE kind = 'session.close'")
            #expect(Int(stop.first?["id"] ?? "") ?? 0 > Int(lastSessionClose ?? "") ?? 0,
                    "gateway.stop must come after every session.close")

            let verified = try await fixture.audit(["verify"])
            #expect(verified.succeeded && verified.stdout.hasPrefix("OK "), "\(verified)")
        }

        /// Three running `cat` sessions on `target` (their commands end in `: TAG-N`), then
        /// SIGTERM, and every one of them told that the gateway is shutting down.
        private static func threeSessionsToldOfTheDrain(
            _ fixture: GatewayFixture, on target: String, tag: String
        ) async throws -> (pid: pid_t, sessions: [AuditTrailOpenSession]) {
            if !fixture.gateway.isRunning { try await fixture.gateway.start() }
            let gatewayPID = try #require(fixture.gateway.pid)
            let sessions = try (0..<3).map { try AuditTrailOpenSession(fixture.alice(on: target), command: "cat; : \(tag)-\($0)") }
            do {
                for (index, session) in sessions.enumerated() {
                    try #require(try await session.roundTrip("hi-\(index)\n", expecting: "hi-\(index)\n"), "\(fixture.gatewayLogTail)")
                }
            } catch {
                sessions.forEach { $0.process.terminateGroup(signal: SIGKILL) }
                throw error
            }
            #expect(kill(gatewayPID, SIGTERM) == 0)
            let told = await waitFor(timeout: .seconds(5)) { sessions.allSatisfy { $0.process.standardErrorText.contains(notice) } }
            #expect(told, "\(fixture.gatewayLogTail)")
            return (gatewayPID, sessions)
        }

        /// An operator who does not want to wait signals again: the drain ends at once.
        @Test func aSecondSigtermEndsTheDrainAtOnce() async throws {
            let fixture = try SharedGateway.current()
            let (gatewayPID, sessions) = try await Self.threeSessionsToldOfTheDrain(fixture, on: "web-01", tag: "impatient")
            defer { sessions.forEach { $0.process.terminateGroup(signal: SIGKILL) } }
            let secondAt = ContinuousClock.now
            #expect(kill(gatewayPID, SIGTERM) == 0)
            _ = await waitFor(timeout: .seconds(Self.drainSeconds + 10), every: .milliseconds(100)) { !fixture.gateway.isRunning }
            let stoppedAfter = ContinuousClock.now - secondAt
            #expect(fixture.gateway.termination == .exited(0), "\(String(describing: fixture.gateway.termination))")
            #expect(stoppedAfter < .seconds(5), "the second SIGTERM should end the drain at once, took \(stoppedAfter)")
            for session in sessions {
                #expect(await session.process.waitForExit(timeout: .seconds(5)) == .exited(255))
            }
            let rows = try await fixture.auditDatabase.query("""
                SELECT e.reason FROM events e JOIN sessions s ON s.id = e.session_id
                WHERE e.kind = 'session.close' AND s.command LIKE 'cat; : impatient-%'
                """)
            #expect(rows.count == 3 && rows.allSatisfy { $0["reason"] == "shutdown" }, "\(rows)")
        }

        /// kill -9 in the middle of a drain: the restart closes the sessions as interrupted
        /// and the chain verifies, as after any crash.
        @Test func sigkillDuringTheDrainLeavesSessionsInterruptedAndTheChainValid() async throws {
            let fixture = try SharedGateway.current()
            let (_, sessions) = try await Self.threeSessionsToldOfTheDrain(fixture, on: "web-02", tag: "killed")
            defer { sessions.forEach { $0.process.terminateGroup(signal: SIGKILL) } }
            let killed = await fixture.gateway.stop(signal: SIGKILL)
            #expect(killed == .signalled(SIGKILL), "\(String(describing: killed))")
            for session in sessions { _ = await session.process.waitForExit(timeout: .seconds(10)) }

            try await fixture.gateway.start()
            let rows = try await fixture.auditDatabase.query(
                "SELECT status, result FROM session_summary WHERE command LIKE 'cat; : killed-%'")
            #expect(rows.count == 3 && rows.allSatisfy { $0["status"] == "interrupted" && $0["result"] == "interrupted" }, "\(rows)")
            let verified = try await fixture.audit(["verify"])
            #expect(verified.succeeded && verified.stdout.hasPrefix("OK "), "\(verified)")
            let after = try await fixture.alice(on: "web-01").ssh("echo after-kill")
            #expect(after.succeeded && after.stdout == "after-kill\n", "\(after)\n\(fixture.gatewayLogTail)")
        }

        static func command(_ index: Int) -> String { "cat; : drain-\(index)" }

        /// N in "… this session ends in N s".
        static func announcedSeconds(in text: String) -> Int? {
            guard let range = text.range(of: notice) else { return nil }
            return Int(text[range.upperBound...].prefix { $0.isNumber })
        }
    }
}
