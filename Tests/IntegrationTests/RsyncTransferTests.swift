import Testing
import TestSupport

extension IntegrationSuite {
    /// rsync over ssh through the gateway: a remote exec of `rsync --server` with a
    /// bidirectional binary protocol on stdin/stdout.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct RsyncTransferTests {
        @Test func directoryTreeIsIdenticalAfterARoundTrip() async throws {
            let fixture = try SharedGateway.current()
            try await TransferScenarios.rsyncRoundTrip(fixture.alice(on: "web-02")) { fixture.gatewayLogTail }
        }
    }
}
