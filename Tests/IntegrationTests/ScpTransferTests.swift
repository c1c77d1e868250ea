import Testing
import TestSupport

extension IntegrationSuite {
    /// scp through the gateway, in both of its protocols: SFTP (the default since
    /// OpenSSH 9.0) and the legacy scp protocol (`-O`, an exec of `scp -t/-f`).
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct ScpTransferTests {
        @Test func uploadAndDownloadOverSFTPAreByteIdentical() async throws {
            let fixture = try SharedGateway.current()
            try await TransferScenarios.scpRoundTrip(fixture.alice(on: "web-01"), legacyProtocol: false) { fixture.gatewayLogTail }
        }

        @Test func uploadAndDownloadOverTheLegacyProtocolAreByteIdentical() async throws {
            let fixture = try SharedGateway.current()
            try await TransferScenarios.scpRoundTrip(fixture.alice(on: "web-01"), legacyProtocol: true) { fixture.gatewayLogTail }
        }
    }
}
