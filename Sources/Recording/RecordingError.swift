import Glibc

/// Failures a caller can act on: each message names the path and the system's reason.
package enum RecordingError: Error, Equatable, CustomStringConvertible {
    case invalidIdentifier(String)
    case directoryUnusable(path: String, reason: String)
    case cannotCreate(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case notAsciicast(path: String, line: Int, reason: String)
    case recordingNotFound(String, directory: String)
    case ambiguousRecording(String, matches: [String])

    package var description: String {
        switch self {
        case .invalidIdentifier(let identifier):
            "'\(identifier)' cannot name a recording: use letters, digits, '.', '_' and '-' only"
        case .directoryUnusable(let path, let reason):
            "recordings directory \(path) is unusable: \(reason)"
        case .cannotCreate(let path, let reason):
            "cannot create recording \(path): \(reason)"
        case .cannotWrite(let path, let reason):
            "cannot write recording \(path): \(reason)"
        case .cannotRead(let path, let reason):
            "cannot read \(path): \(reason)"
        case .notAsciicast(let path, let line, let reason):
            "\(path):\(line): not an asciicast v2 recording: \(reason)"
        case .recordingNotFound(let identifier, let directory):
            "no recording for \(identifier) in \(directory)"
        case .ambiguousRecording(let identifier, let matches):
            "\(identifier) matches several recordings: \(matches.joined(separator: ", "))"
        }
    }

    /// The text of `errno`, for messages.
    static func systemReason(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}
