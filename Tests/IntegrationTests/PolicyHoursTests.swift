import Foundation
import Testing
import TestSupport

/// The suite's windows, fixed once per run (outside the suite type, which its own trait
/// cannot refer to).
private enum HoursWindows {
    /// From an hour ago to an hour from now: now is inside.
    static let open = PolicyHours.window(startingIn: -60, lasting: 120)
    /// From two hours to three hours from now: now is outside.
    static let closed = PolicyHours.window(startingIn: 120, lasting: 60)
}

extension WallClockSuite {
    /// Grants bounded in time: an `hours` window decides who may start a session now, and
    /// `max_session` ends a running one, with a warning a minute before. The windows are
    /// computed from the current UTC time when the suite starts, so that now is certainly
    /// inside one and outside the other.
    @Suite(
        .policyGateway(
            targets: [
                .init(name: "open-01", owner: "retailer", labels: ["env": "prod"]),
                .init(name: "closed-01", owner: "retailer", labels: ["env": "prod"]),
                .init(name: "either-01", owner: "retailer", labels: ["env": "prod"]),
                .init(name: "short-01", owner: "retailer", labels: ["env": "prod"]),
            ],
            grants: { facts in
                [
                    #"{to: {user: alice}, targets: {names: [open-01]}, logins: ["\#(facts.login)"], hours: "\#(HoursWindows.open)"}"#,
                    #"{to: {user: alice}, targets: {names: [closed-01]}, logins: ["\#(facts.login)"], hours: "\#(HoursWindows.closed)"}"#,
                    #"{to: {user: alice}, targets: {names: [either-01]}, logins: ["\#(facts.login)"], hours: ["\#(HoursWindows.closed)", "\#(HoursWindows.open)"]}"#,
                    #"{to: {user: alice}, targets: {names: [short-01]}, logins: ["\#(facts.login)"], max_session: 70s}"#,
                ]
            }
        ),
        .timeLimit(.minutes(4))
    )
    struct PolicyHoursTests {
        static var openHours: String { HoursWindows.open }
        static var closedHours: String { HoursWindows.closed }

        @Test func sessionInsideTheGrantsHoursIsAllowed() async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await gateway.alice(on: "open-01").ssh("echo in-hours-$((3*3))")
            expectSession(result, printed: "in-hours-9\n", gateway)
        }

        @Test func sessionOutsideTheGrantsHoursIsRefusedNamingTheWindow() async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await gateway.alice(on: "closed-01").ssh("echo should-not-run")
            expectPolicyRefusal(result, containing: "tracegate: outside hours \(Self.closedHours)", gateway)
            #expect(!result.stdout.contains("should-not-run"), "\(result)")
        }

        @Test func anyWindowOfAListSuffices() async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await gateway.alice(on: "either-01").ssh("echo one-of-two")
            expectSession(result, printed: "one-of-two\n", gateway)
        }

        @Test func refusalOutsideHoursIsAuditedAsADeniedDecision() async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await gateway.alice(on: "closed-01").ssh("true")
            expectPolicyRefusal(result, containing: "tracegate: outside hours", gateway)
            let rows = try await gateway.audit.waitForRows(
                "SELECT result, reason FROM connections WHERE user = 'alice' AND target = 'closed-01'"
            )
            #expect(!rows.isEmpty && rows.allSatisfy { $0.first == "denied" }, "closed-01 rows: \(rows)")
            #expect(rows.contains { $0.count > 1 && $0[1].contains("outside") }, "closed-01 rows: \(rows)")
        }

        @Test func configCheckExplainsTheDecisionAtAGivenTime() async throws {
            let gateway = try SharedPolicyGateway.current()
            let login = gateway.login
            let cases: [(arguments: [String], expected: String)] = [
                (["alice", "closed-01", login], "denied: outside hours \(Self.closedHours)"),
                (["alice", "closed-01", login, "--at", PolicyHours.instant(minutesFromNow: 150)],
                 "allowed: alice (retailer) as \(login) on closed-01 by grant #2"),
                (["alice", "open-01", login], "allowed: alice (retailer) as \(login) on open-01 by grant #1"),
                (["alice", "open-01", login, "--at", PolicyHours.instant(minutesFromNow: 150)],
                 "denied: outside hours \(Self.openHours)"),
                (["bob", "open-01", login], "denied: bob may not log in as \(login) on open-01"),
            ]
            for (arguments, expected) in cases {
                let result = try await gateway.gateway.run(
                    ["config", "check", "--explain"] + Array(arguments.prefix(3)) + Array(arguments.dropFirst(3))
                )
                #expect(result.stdout.hasPrefix(expected), "expected \"\(expected)…\"\n\(result)")
            }
        }

        /// About 75 s: the session must run until its max_session of 70 s runs out.
        @Test(.tags(.slow), .enabled(if: SlowTests.enabled, "TRACEGATE_SKIP_SLOW=1"))
        func sessionEndsAtMaxSessionWithAWarningAMinuteBefore() async throws {
            let gateway = try SharedPolicyGateway.current()
            let started = ContinuousClock.now
            let session = try gateway.alice(on: "short-01").spawnSSH("sleep 120; echo overstayed")
            defer { session.terminateGroup(signal: SIGKILL) }

            let warned = await waitFor(timeout: .seconds(30), every: .milliseconds(200)) {
                session.standardErrorText.contains("tracegate: this session ends in 1 minute")
            }
            let warnedAfter = ContinuousClock.now - started
            #expect(warned, "no warning within 30 s\n\(session.standardErrorText)\n\(gateway.logTail)")
            // Due at 70 - 60 = 10 s; the gateway checks at least every two seconds.
            #expect(warnedAfter >= .seconds(8) && warnedAfter <= .seconds(16), "warned after \(warnedAfter)")

            let termination = await session.waitForExit(timeout: .seconds(80))
            let endedAfter = ContinuousClock.now - started
            let result = await session.result()
            #expect(termination != nil, "the session outlived its max_session by far\n\(gateway.logTail)")
            #expect(endedAfter >= .seconds(68) && endedAfter <= .seconds(78), "ended after \(endedAfter)\n\(result)")
            #expect(result.termination == .exited(255), "\(result)")
            #expect(result.stderr.contains("tracegate: session ended:"), "\(result)\n\(gateway.logTail)")
            #expect(!result.stdout.contains("overstayed"), "\(result)")
        }
    }
}
