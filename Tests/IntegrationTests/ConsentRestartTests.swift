import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// Approvals are in the trail, not only in memory: after a crash and a start, an approval
    /// still valid covers bob's new sessions, and the request that waited is withdrawn.
    @Suite(
        .policyGateway(
            targets: [.init(name: "rs-01", owner: "retailer"), .init(name: "rs-02", owner: "retailer")],
            grants: { facts in
                ["{to: {user: bob}, targets: {names: [rs-01, rs-02]}, logins: [\"\(facts.login)\"], approval: {by: {org: retailer}, valid: 1h, wait: 5m}}"]
            },
            extraUsers: [.init(name: "carol", org: "retailer")]
        ),
        .timeLimit(.minutes(3))
    )
    struct ConsentRestartTests {
        @Test func approvalsSurviveARestartAndWaitingRequestsAreWithdrawn() async throws {
            let gateway = try SharedPolicyGateway.current()
            let first = try gateway.bob(on: "rs-01").spawnSSH("echo before")
            let approvedID = try await ConsentSupport.requestID(of: first, gateway)
            let approved = try await ConsentSupport.shell(gateway, "carol", "approve \(approvedID)")
            #expect(approved.succeeded, "\(approved)")
            #expect((await first.result()).succeeded)

            let waiting = try gateway.bob(on: "rs-02").spawnSSH("echo never")
            let waitingID = try await ConsentSupport.requestID(of: waiting, gateway)

            // A crash: no drain, the waiting request is left pending in the trail.
            await gateway.gateway.stop(signal: SIGKILL)
            let ended = await waiting.result()
            #expect(!ended.stdout.contains("never"), "\(ended)")
            try await gateway.gateway.start()

            let withdrawn = try await gateway.audit.waitForRows(
                "SELECT status, decision_note FROM approvals WHERE id = '\(waitingID)'", until: { $0.first?.first != "pending" })
            #expect(withdrawn == [["interrupted", "the gateway stopped while the request waited"]], "\(withdrawn)")

            let after = try await gateway.bob(on: "rs-01").ssh("echo after", timeout: .seconds(30))
            #expect(after.succeeded && after.stdout == "after\n", "\(after)\n\(gateway.logTail)")
            #expect(!after.stderr.contains("needs approval"), "\(after)")
            let rows = try await gateway.audit.waitForRows(
                "SELECT approved_by, approval_id FROM session_summary WHERE command = 'echo after'")
            #expect(rows == [["carol", approvedID]], "\(rows)")
            let verify = try await gateway.gateway.run(["audit", "verify"])
            #expect(verify.succeeded, "\(verify)")
        }
    }
}
