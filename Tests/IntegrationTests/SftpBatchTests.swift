import Testing
import TestSupport

extension IntegrationSuite {
    /// The sftp subsystem through the gateway: each batch command takes effect on the
    /// target, and request/response round trips are as quick as on a direct connection.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct SftpBatchTests {
        @Test func putGetLsRenameRmAndMkdirTakeEffectOnTheTarget() async throws {
            let fixture = try SharedGateway.current()
            try await TransferScenarios.sftpBatch(fixture.alice(on: "web-01")) { fixture.gatewayLogTail }
        }

        @Test func requestResponseRoundTripsAreNotDelayed() async throws {
            // Ten dependent round trips (each `pwd` waits for its reply). Direct, the batch
            // takes well under a second; a relay that holds replies back multiplies that.
            let fixture = try SharedGateway.current()
            let batch = String(repeating: "pwd\n", count: 10)
            let direct = try await fixture.direct(to: "web-01").sftp(batch: batch)
            let viaGateway = try await fixture.alice(on: "web-01").sftp(batch: batch)
            try #require(direct.succeeded, "\(direct)")
            #expect(viaGateway.succeeded, "\(viaGateway)\n\(fixture.gatewayLogTail)")
            #expect(
                viaGateway.duration < direct.duration + .seconds(3),
                "direct: \(direct.duration), through the gateway: \(viaGateway.duration)"
            )
        }
    }
}
