import Foundation

/// What a finished command did. `description` is what a failing `#expect` prints, so it
/// carries the command line and both streams (trimmed) instead of just a number.
package struct ProcessResult: Sendable, CustomStringConvertible {
    package let command: [String]
    package let termination: Termination
    package let standardOutput: Data
    package let standardError: Data
    /// True when the runner killed the process group because the timeout passed.
    package let timedOut: Bool
    package let duration: Duration

    package var status: Int32 { termination.status }
    package var stdout: String { String(decoding: standardOutput, as: UTF8.self) }
    package var stderr: String { String(decoding: standardError, as: UTF8.self) }
    package var succeeded: Bool { termination == .exited(0) && !timedOut }

    /// Returns self when the command exited 0, otherwise throws with the whole story.
    @discardableResult
    package func checked(_ what: String? = nil) throws -> ProcessResult {
        guard succeeded else {
            throw TestSupportError.commandFailed(what ?? command.first ?? "command", self)
        }
        return self
    }

    package var description: String {
        var lines = ["$ " + command.map(ShellQuoting.quote).joined(separator: " ")]
        lines.append("-> \(termination)\(timedOut ? " (killed after timeout)" : "") in \(duration)")
        lines.append("stdout (\(standardOutput.count) bytes): " + Self.excerpt(stdout))
        lines.append("stderr (\(standardError.count) bytes): " + Self.excerpt(stderr))
        return lines.joined(separator: "\n")
    }

    private static func excerpt(_ text: String, limit: Int = 4000) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit / 2)) + "\n[…]\n" + String(text.suffix(limit / 2))
    }
}
