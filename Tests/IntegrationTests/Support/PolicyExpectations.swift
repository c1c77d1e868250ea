import Foundation
import Testing
import TestSupport

/// A policy refusal as the engineer sees it: ssh exits 255 and stderr carries exactly one
/// `tracegate: ` line, the documented one.
func expectPolicyRefusal(
    _ result: ProcessResult,
    containing text: String,
    _ gateway: PolicyGateway,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(result.termination == .exited(255), "a refused session must end ssh with 255\n\(result)", sourceLocation: sourceLocation)
    let lines = result.stderr.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("tracegate: ") }
    #expect(
        lines.count == 1 && lines[0].contains(text),
        "stderr should hold one tracegate line containing \"\(text)\"\n\(result)\n\(gateway.logTail)",
        sourceLocation: sourceLocation
    )
}

/// A session that ran its command through the gateway and printed what it should.
func expectSession(
    _ result: ProcessResult,
    printed expected: String,
    _ gateway: PolicyGateway,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        result.succeeded && result.stdout == expected,
        "expected a session printing \(expected.debugDescription)\n\(result)\n\(gateway.logTail)",
        sourceLocation: sourceLocation
    )
}

/// A ticket nobody else in the run uses, so that audit rows can be found by it.
func uniqueTicket(_ prefix: String = "INC") -> String {
    "\(prefix)-\(UInt32.random(in: 100_000...999_999))"
}

/// Waits until a spawned session printed `marker`: its command runs on the target, so the
/// session is past every decision of the gateway.
func requireRunning(
    _ session: SpawnedProcess,
    printed marker: String,
    _ gateway: PolicyGateway,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let running = await waitFor(timeout: .seconds(15)) {
        String(decoding: session.standardOutputSoFar, as: UTF8.self).contains(marker)
    }
    try #require(
        running, "the session never printed \(marker)\n\(session.standardErrorText)\n\(gateway.logTail)",
        sourceLocation: sourceLocation
    )
}
