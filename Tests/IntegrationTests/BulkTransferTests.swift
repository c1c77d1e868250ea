import Testing
import TestSupport

extension IntegrationSuite {
    /// Flow control and rekeying under sustained load: both legs rekey every 32 MB while
    /// half a gigabyte goes up to the target and back.
    @Suite(.gatewayFixture { $0.targetConfiguration = ["RekeyLimit 32M"] }, .tags(.slow))
    struct BulkTransferTests {
        @Test(.enabled(if: SlowTests.enabled, "TRACEGATE_SKIP_SLOW=1"), .timeLimit(.minutes(10)))
        func fiveHundredMegabytesRoundTripThroughRemoteCatIntact() async throws {
            let fixture = try SharedGateway.current()
            let workspace = try TemporaryDirectory(prefix: "tracegate-bulk")
            let input = workspace.file("input.bin")
            let output = workspace.file("output.bin")
            try RandomFile.write(input, byteCount: 500 << 20)
            let expected = try await FileDigest.sha256(input)

            let result = try await fixture.alice(on: "web-01").ssh(
                "cat", options: ["-o", "RekeyLimit=32M"], input: .file(input), output: .file(output), timeout: .seconds(540)
            )
            #expect(result.succeeded, "\(result)\n\(fixture.gatewayLogTail)")
            #expect(try await FileDigest.sha256(output) == expected, "output differs from input\n\(result)")
        }
    }
}
