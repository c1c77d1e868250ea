import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// `tracegate target trust`: a target without a pinned host key is unreachable until
    /// an operator has looked at its fingerprint and pinned it.
    @Suite(.gatewayFixture { $0.unpinnedTargetNames = ["web-new"] }, .timeLimit(.minutes(2)))
    struct TargetTrustTests {
        @Test func unpinnedTargetIsRefusedUntilTrustedThenReachable() async throws {
            let fixture = try SharedGateway.current()
            let target = fixture.target("web-new")
            let client = fixture.alice(on: "web-new")

            let before = try await client.ssh("true", options: refusalOptions)
            expectRefusal(before, containing: "not pinned", fixture)

            let trust = try await fixture.gateway.run(["target", "trust", "web-new", "--yes"])
            #expect(trust.succeeded, "\(trust)")
            #expect(trust.stdout.contains(target.hostKeyFingerprint), "trust should show the fingerprint\n\(trust)")

            let knownHosts = try String(contentsOfFile: fixture.gateway.stateDirectory + "/known_hosts", encoding: .utf8)
            let keyBase64 = String(target.hostKeyLine.split(separator: " ")[1])
            #expect(knownHosts.contains(keyBase64) || knownHosts.contains(target.hostKeyFingerprint), "known_hosts:\n\(knownHosts)")

            // The running gateway honours the new pin without a restart.
            let after = try await client.ssh("id -un")
            #expect(after.succeeded && after.stdout == "\(fixture.login)\n", "\(after)\n\(fixture.gatewayLogTail)")
        }
    }
}
