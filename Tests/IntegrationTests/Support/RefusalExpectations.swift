import Testing
import TestSupport

/// The client options for a refusal: OpenSSH's default LogLevel (INFO) rather than the
/// harness's ERROR, because banners and channel-open failures are shown from INFO up and
/// that is what an engineer sees at their terminal.
let refusalOptions = ["-o", "LogLevel=INFO"]

/// A refusal is a non-zero exit and the documented text somewhere on ssh's stderr.
func expectRefusal(
    _ result: ProcessResult,
    containing text: String,
    _ fixture: GatewayFixture,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(result.status != 0, "a refused connection must fail\n\(result)", sourceLocation: sourceLocation)
    #expect(
        result.stderr.contains(text),
        "stderr should contain \"\(text)\"\n\(result)\n\(fixture.gatewayLogTail)",
        sourceLocation: sourceLocation
    )
}

/// After any refusal the gateway must keep serving everyone else.
func expectGatewayStillServes(_ fixture: GatewayFixture, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let result = try await fixture.alice(on: "web-01").ssh("echo still-serving")
    #expect(
        result.succeeded && result.stdout == "still-serving\n",
        "a normal session after the refusal failed\n\(result)\n\(fixture.gatewayLogTail)",
        sourceLocation: sourceLocation
    )
}
