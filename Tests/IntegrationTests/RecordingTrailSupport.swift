import Foundation
import Testing
import TestSupport

/// The recorded sessions of a gateway fixture, read the way an auditor does: through
/// `tracegate audit sessions --format json`.
struct RecordedSession {
    var sessionID: String
    var connectionID: String
    var path: String
    var sha256: String?

    /// Every session row with a recording, waiting until `count` of them are sealed (the
    /// session closed and its hash stored: the close event is written after ssh has exited).
    static func all(in fixture: GatewayFixture, sealedAtLeast count: Int, timeout: Duration = .seconds(20))
        async throws -> [RecordedSession]
    {
        var sessions: [RecordedSession] = []
        let deadline = ContinuousClock.now + timeout
        repeat {
            let result = try await fixture.gateway.run(["audit", "sessions", "--format", "json", "--limit", "0"]).checked()
            sessions = result.stdout.split(separator: "\n").compactMap { line in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let id = object["session_id"] as? String, let path = object["recording_path"] as? String
                else { return nil }
                return RecordedSession(sessionID: id, connectionID: object["connection_id"] as? String ?? "",
                                       path: path, sha256: object["recording_sha256"] as? String)
            }
            if sessions.count(where: { $0.sha256 != nil }) >= count { return sessions }
            try await Task.sleep(for: .milliseconds(200))
        } while ContinuousClock.now < deadline
        return sessions
    }

    /// Sessions that appeared since `before`, sealed.
    static func new(in fixture: GatewayFixture, since before: [RecordedSession], count: Int) async throws -> [RecordedSession] {
        let known = Set(before.map(\.sessionID))
        let sealedBefore = before.count(where: { $0.sha256 != nil })
        let now = try await all(in: fixture, sealedAtLeast: sealedBefore + count)
        return now.filter { !known.contains($0.sessionID) && $0.sha256 != nil }
    }

    func contents() throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }
}
