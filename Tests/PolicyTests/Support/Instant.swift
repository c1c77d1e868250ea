import Foundation

/// Fixed instants written as in the policy's own documentation (`2026-12-07T10:00:00+01:00`),
/// so each test case says which local time it checks.
enum Instant {
    static func at(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { fatalError("bad instant in a test: \(text)") }
        return date
    }
}
