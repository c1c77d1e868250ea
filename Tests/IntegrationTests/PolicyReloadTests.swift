import Foundation
import Testing
import TestSupport

/// The reload suite's initial grants (outside the suite type, which its own trait cannot refer to).
private enum ReloadGrants {
    static func alice(_ facts: PolicyGateway.Facts) -> String {
        #"{to: {user: alice}, targets: {names: [web-01, web-02]}, logins: ["\#(facts.login)"]}"#
    }

    static func provider(_ facts: PolicyGateway.Facts) -> String {
        #"{to: {org: provider}, targets: {names: [web-01]}, logins: ["\#(facts.login)"]}"#
    }
}

extension IntegrationSuite {
    /// Changing the policy while engineers work: `tracegate reload` (or SIGHUP) applies a
    /// valid file to new connections at once and to running sessions within seconds, ends
    /// only the sessions whose grant is gone, and rejects an invalid file keeping the old policy.
    @Suite(
        .policyGateway(
            targets: [
                .init(name: "web-01", owner: "retailer", labels: ["env": "prod"]),
                .init(name: "web-02", owner: "retailer", labels: ["env": "prod"]),
            ],
            grants: { facts in
                [ReloadGrants.alice(facts), ReloadGrants.provider(facts)]
            }
        ),
        .timeLimit(.minutes(3))
    )
    struct PolicyReloadTests {
        @Test func reloadThatRevokesAGrantEndsTheRunningSessionWithTheDocumentedMessage() async throws {
            let gateway = try SharedPolicyGateway.current()
            try await gateway.restoreInitialPolicy()
            let alice = try gateway.alice(on: "web-01").spawnSSH("echo alice-running; sleep 30; echo alice-overstayed")
            defer { alice.terminateGroup(signal: SIGKILL) }
            // bob's grant only moves up a line: his session is still allowed and must go on.
            let bob = try gateway.bob(on: "web-01").spawnSSH("echo bob-running; sleep 6; echo bob-still-here")
            defer { bob.terminateGroup(signal: SIGKILL) }
            try await requireRunning(alice, printed: "alice-running", gateway)
            try await requireRunning(bob, printed: "bob-running", gateway)

            try gateway.writeConfiguration(gateway.configuration(grants: [ReloadGrants.provider(gateway.facts)]))
            let reloadedAt = ContinuousClock.now
            let reload = try await gateway.reload()
            #expect(reload.stdout.contains("reload requested"), "\(reload)")

            let aliceEnded = await alice.waitForExit(timeout: .seconds(10))
            let aliceEndedAfter = ContinuousClock.now - reloadedAt
            let aliceResult = await alice.result()
            #expect(aliceEnded != nil, "alice's session still runs 10 s after the reload\n\(gateway.logTail)")
            #expect(aliceEndedAfter < .seconds(10), "alice's session ended \(aliceEndedAfter) after the reload")
            #expect(aliceResult.termination == .exited(255), "\(aliceResult)")
            #expect(
                aliceResult.stderr.contains("tracegate: access revoked by a policy reload"),
                "\(aliceResult)\n\(gateway.logTail)"
            )
            #expect(!aliceResult.stdout.contains("alice-overstayed"), "\(aliceResult)")

            let bobResult = await bob.result()
            #expect(
                bobResult.succeeded && bobResult.stdout == "bob-running\nbob-still-here\n",
                "bob's session, still allowed, must survive the reload\n\(bobResult)\n\(gateway.logTail)"
            )

            let refused = try await gateway.alice(on: "web-01").ssh("true")
            expectPolicyRefusal(refused, containing: "tracegate: alice may not log in as \(gateway.login) on web-01", gateway)

            try await gateway.restoreInitialPolicy()
            expectSession(try await gateway.alice(on: "web-01").ssh("echo restored"), printed: "restored\n", gateway)
        }

        @Test func revokedSessionIsAuditedAsRevoked() async throws {
            let gateway = try SharedPolicyGateway.current()
            try await gateway.restoreInitialPolicy()
            let alice = try gateway.alice(on: "web-02").spawnSSH("echo alice-running; sleep 30")
            defer { alice.terminateGroup(signal: SIGKILL) }
            try await requireRunning(alice, printed: "alice-running", gateway)

            try gateway.writeConfiguration(gateway.configuration(grants: [ReloadGrants.provider(gateway.facts)]))
            try await gateway.reload()
            let ended = await alice.waitForExit(timeout: .seconds(10))
            #expect(ended != nil, "alice's session still runs 10 s after the reload\n\(gateway.logTail)")

            let rows = try await gateway.audit.waitForRows(
                "SELECT kind, result, reason FROM events WHERE user = 'alice' AND target = 'web-02' AND reason LIKE '%revoked%'"
            )
            #expect(!rows.isEmpty, "no event of alice's connection names the revocation\n\(gateway.logTail)")
            try await gateway.restoreInitialPolicy()
        }

        @Test func grantAddedBySighupAppliesToNewConnectionsAtOnceAndIsAuditedWithTheFilesDigest() async throws {
            let gateway = try SharedPolicyGateway.current()
            try await gateway.restoreInitialPolicy()
            let before = try await gateway.bob(on: "web-02").ssh("true")
            expectPolicyRefusal(before, containing: "tracegate: bob may not log in as \(gateway.login) on web-02", gateway)

            let widened = #"{to: {user: bob}, targets: {names: [web-02]}, logins: ["\#(gateway.login)"]}"#
            try gateway.writeConfiguration(gateway.configuration(grants: gateway.initialGrants + [widened]))
            let digest = try await FileDigest.sha256(gateway.configPath)
            let counts = gateway.reloadCounts
            let pid = try #require(gateway.gateway.pid)
            kill(pid, SIGHUP)
            let reloaded = await gateway.waitForReload(after: counts)
            try #require(reloaded, "no reload logged after SIGHUP\n\(gateway.logTail)")
            #expect(gateway.reloadCounts.applied == counts.applied + 1, "\(gateway.logTail)")

            let after = try await gateway.bob(on: "web-02").ssh("echo widened")
            expectSession(after, printed: "widened\n", gateway)

            let events = try await gateway.audit.waitForRows(
                "SELECT result FROM events WHERE kind = 'config.reload' AND json_extract(details, '$.sha256') = '\(digest)'"
            )
            #expect(events == [["ok"]], "config.reload events with the file's SHA-256 \(digest): \(events)")
            try await gateway.restoreInitialPolicy()
        }

        @Test func invalidConfigurationIsRejectedAndTheRunningPolicyStays() async throws {
            let gateway = try SharedPolicyGateway.current()
            try await gateway.restoreInitialPolicy()
            // Everyone loses everything if this file were applied: a grant naming no one valid.
            var broken = gateway.configuration(grants: [#"{to: {user: mallory}, targets: {names: [web-01]}, logins: [root], colour: red}"#])
            broken += "bogus_key: 1\n"
            try gateway.writeConfiguration(broken)
            let digest = try await FileDigest.sha256(gateway.configPath)

            // `tracegate reload` checks first: it reports the errors and does not signal.
            let counts = gateway.reloadCounts
            let reload = try await gateway.gateway.run(["reload"])
            #expect(reload.termination == .exited(1), "\(reload)")
            #expect(reload.stderr.contains("\(gateway.configPath):"), "errors should be FILE:LINE:COLUMN\n\(reload)")
            #expect(!reload.stdout.contains("reload requested"), "\(reload)")

            // A SIGHUP gets past that check: the gateway itself must reject the file.
            let pid = try #require(gateway.gateway.pid)
            kill(pid, SIGHUP)
            let seen = await gateway.waitForReload(after: counts)
            try #require(seen, "no reload logged after SIGHUP\n\(gateway.logTail)")
            let now = gateway.reloadCounts
            // One "configuration rejected" line per error; none "reloaded".
            #expect(now.rejected > counts.rejected && now.applied == counts.applied, "\(gateway.logTail)")

            expectSession(try await gateway.alice(on: "web-02").ssh("echo old-policy"), printed: "old-policy\n", gateway)
            expectSession(try await gateway.bob(on: "web-01").ssh("echo old-policy"), printed: "old-policy\n", gateway)
            let events = try await gateway.audit.waitForRows(
                "SELECT result FROM events WHERE kind = 'config.reject' AND json_extract(details, '$.sha256') = '\(digest)'"
            )
            #expect(events == [["rejected"]], "config.reject events with the file's SHA-256 \(digest): \(events)")
            try await gateway.restoreInitialPolicy()
        }

        @Test func reloadWithNoGatewayRunningFailsClearly() async throws {
            let gateway = try SharedPolicyGateway.current()
            let directory = try TemporaryDirectory(prefix: "tracegate-noreload")
            let text = gateway.configuration(grants: gateway.initialGrants)
                .replacingOccurrences(of: gateway.gateway.stateDirectory, with: directory.file("state"))
            let path = try directory.write(text, to: "tracegate.yaml")
            let idle = try GatewayProcess(
                configPath: path, workingDirectory: directory.path, port: gateway.gateway.port, stateDirectory: directory.file("state")
            )
            let result = try await idle.run(["reload"])
            #expect(result.termination == .exited(1), "\(result)")
            #expect(result.stderr.contains("tracegate: no running gateway found"), "\(result)")
        }
    }
}
