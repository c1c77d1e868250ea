/// The texts of the markers a recorder writes. They live in one place because tests,
/// `tracegate replay` (which stops following at `sessionEnded`) and auditors reading a
/// file all depend on their exact wording.
package enum RecordingMarker {
    /// Written once per stretch of typed input that the terminal did not echo.
    package static let inputHidden = "input hidden (terminal echo off)"

    /// Every end-of-session marker starts with this.
    package static let sessionEndedPrefix = "session ended"

    package static func sessionEnded(exitStatus: Int?) -> String {
        guard let exitStatus else { return sessionEndedPrefix }
        return "\(sessionEndedPrefix) (exit status \(exitStatus))"
    }

    package static func truncated(atBytes size: Int) -> String {
        "recording truncated at \(size) bytes"
    }

    package static func gap(droppedBytes: Int) -> String {
        "recording gap: \(droppedBytes) bytes dropped"
    }

    package static func execCaptureCapped(atBytes limit: Int) -> String {
        "output truncated at \(limit) bytes"
    }

    package static func execCaptureTotal(captured: Int, total: Int) -> String {
        "truncated: \(captured) of \(total) bytes of output recorded"
    }

    /// True for a line that ends a session, so a follower can stop waiting.
    package static func isSessionEnd(_ text: String) -> Bool {
        text.hasPrefix(sessionEndedPrefix)
    }
}
