import Foundation

/// Everything the harness can fail with, phrased so that a failing test explains itself
/// without a debugger: which command, what it printed, what we waited for.
package enum TestSupportError: Error, CustomStringConvertible {
    case executableNotFound(String)
    case commandFailed(String, ProcessResult)
    case timedOut(String)
    case exitedEarly(String, log: String)
    case invalidConfiguration(String, output: String)
    case unexpectedOutput(String)
    case systemCall(String, errno: Int32)

    package var description: String {
        switch self {
        case .executableNotFound(let name):
            return "executable not found: \(name)"
        case .commandFailed(let what, let result):
            return "\(what) failed:\n\(result)"
        case .timedOut(let what):
            return "timed out: \(what)"
        case .exitedEarly(let what, let log):
            return "\(what) exited before it was ready; its log:\n\(log)"
        case .invalidConfiguration(let what, let output):
            return "\(what) rejected its configuration:\n\(output)"
        case .unexpectedOutput(let what):
            return "unexpected output: \(what)"
        case .systemCall(let call, let errno):
            return "\(call) failed: \(String(cString: strerror(errno)))"
        }
    }
}
