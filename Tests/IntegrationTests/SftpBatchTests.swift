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

        @Test func sftpSessionsAreAboutAsQuickAsDirectOnes() async throws {
            // sftp waits for each reply before its next step, so a relay that sits on
            // buffered data until some timeout fires shows up here as whole seconds.
            // Three sessions each way; generous bound: twice direct plus three seconds.
            let fixture = try SharedGateway.current()
            let workspace = try TemporaryDirectory(prefix: "tracegate-sftp-speed")
            let payload = workspace.file("payload.bin")
            try RandomFile.write(payload, byteCount: 256 * 1024)
            func batch(_ name: String) -> String {
                "put \(payload) \(workspace.path)/\(name).bin\nget \(workspace.path)/\(name).bin \(workspace.path)/\(name).back\n"
                    + String(repeating: "pwd\n", count: 5)
            }
            var direct = Duration.zero
            var viaGateway = Duration.zero
            for round in 1...3 {
                let directResult = try await fixture.direct(to: "web-01").sftp(batch: batch("direct-\(round)"))
                try #require(directResult.succeeded, "\(directResult)")
                direct += directResult.duration
                let gatewayResult = try await fixture.alice(on: "web-01").sftp(batch: batch("gateway-\(round)"))
                #expect(gatewayResult.succeeded, "\(gatewayResult)\n\(fixture.gatewayLogTail)")
                viaGateway += gatewayResult.duration
            }
            #expect(
                viaGateway < direct * 2 + .seconds(3),
                "three sftp sessions took \(viaGateway) through the gateway and \(direct) directly"
            )
        }
    }
}
