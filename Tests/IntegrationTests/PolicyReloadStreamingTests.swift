import Foundation
import Testing
import TestSupport

extension IntegrationSuite.PolicyReloadTests {
    /// While bytes flow the connection loop runs its periodic checks on a schedule rather
    /// than after every poll (ConnectionCheckSchedule), and it polls several times before
    /// pumping: a session relaying as fast as it can must still be ended by a reload that
    /// revokes its grant, as an idle one is.
    @Test func reloadThatRevokesAGrantEndsASessionStreamingAtFullSpeed() async throws {
        let gateway = try SharedPolicyGateway.current()
        try await gateway.restoreInitialPolicy()
        // An endless upload: the connection thread always has bytes to move.
        let alice = try gateway.alice(on: "web-01").spawnSSH(
            "echo alice-running; exec cat > /dev/null", input: .file("/dev/zero"))
        defer { alice.terminateGroup(signal: SIGKILL) }
        try await requireRunning(alice, printed: "alice-running", gateway)
        try await Task.sleep(for: .seconds(1))
        #expect(alice.isRunning, "the streaming session ended by itself\n\(alice.standardErrorText)\n\(gateway.logTail)")

        // Only the provider's grant stays: alice's is gone.
        let providerOnly = #"{to: {org: provider}, targets: {names: [web-01]}, logins: ["\#(gateway.facts.login)"]}"#
        try gateway.writeConfiguration(gateway.configuration(grants: [providerOnly]))
        let reloadedAt = ContinuousClock.now
        try await gateway.reload()

        let ended = await alice.waitForExit(timeout: .seconds(10))
        let endedAfter = ContinuousClock.now - reloadedAt
        // Not ended: stop here (the deferred kill ends it) rather than wait for its result.
        try #require(ended != nil, "the streaming session still runs 10 s after the reload\n\(gateway.logTail)")
        #expect(endedAfter < .seconds(10), "the streaming session ended \(endedAfter) after the reload")
        let result = await alice.result()
        #expect(result.termination == .exited(255), "\(result)")
        #expect(result.stderr.contains("tracegate: access revoked by a policy reload"), "\(result)\n\(gateway.logTail)")

        try await gateway.restoreInitialPolicy()
    }
}
