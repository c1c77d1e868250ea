import Audit
import Foundation
import Recording

/// What `tracegate audit verify` finds when it compares each recording with its session row.
struct RecordingCheck {
    /// A recording that no longer matches its row: the session and file, and what is wrong.
    struct Problem: CustomStringConvertible {
        var reference: RecordingReference
        var reason: String

        var description: String {
            "recording of session \(reference.sessionID) (connection \(reference.connectionID)) \(reason): \(reference.path)"
        }
    }

    var checked = 0
    /// Rows without a hash: a session still running, or one the gateway could not close.
    var unsealed = 0
    var problems: [Problem] = []

    /// Hashes every file whose row has a hash.
    static func run(_ references: [RecordingReference]) -> RecordingCheck {
        var result = RecordingCheck()
        for reference in references {
            guard let expected = reference.sha256 else {
                result.unsealed += 1
                continue
            }
            result.checked += 1
            guard FileManager.default.fileExists(atPath: reference.path) else {
                result.problems.append(Problem(reference: reference, reason: "is missing"))
                continue
            }
            do {
                let actual = try RecordingFile.sha256(ofFileAt: reference.path)
                if actual != expected.lowercased() {
                    result.problems.append(Problem(
                        reference: reference, reason: "does not match its SHA-256 (stored \(expected), file \(actual))"))
                }
            } catch {
                result.problems.append(Problem(reference: reference, reason: "cannot be read (\(error))"))
            }
        }
        return result
    }

    var summary: String {
        var text = "recordings: \(checked) checked, \(problems.count) failed"
        if unsealed > 0 { text += ", \(unsealed) without a hash (running or interrupted sessions)" }
        return problems.isEmpty ? "OK " + text : "FAILED " + text
    }
}
