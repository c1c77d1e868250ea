import Foundation
import Testing
import TestSupport

/// The audit trail as an auditor reads it: `sqlite3 -readonly STATE_DIR/audit.db`, querying
/// the documented views and tables. The gateway commits in batches, so the helpers poll.
struct PolicyAuditDatabase: Sendable {
    let path: String

    /// The rows of `sql`, each as its columns' text (NULL as "").
    func rows(_ sql: String) async throws -> [[String]] {
        let result = try await ProcessRunner().run(
            "sqlite3", ["-readonly", "-batch", "-noheader", "-cmd", ".timeout 5000", "-separator", "\u{1f}", path, sql]
        ).checked("sqlite3 \(path)")
        return result.stdout.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            line.split(separator: "\u{1f}", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// Polls `sql` until it returns a row that satisfies `accept` (any row by default), or
    /// `timeout` passes; returns the rows of the last query either way.
    func waitForRows(
        _ sql: String,
        timeout: Duration = .seconds(10),
        until accept: @Sendable ([[String]]) -> Bool = { !$0.isEmpty }
    ) async throws -> [[String]] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let found = try await rows(sql)
            if accept(found) || ContinuousClock.now >= deadline { return found }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// A SQL string literal.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
