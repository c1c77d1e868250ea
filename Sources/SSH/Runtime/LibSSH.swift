internal import CLibSSH
import Foundation

/// Process-wide libssh set-up and the small conversions every wrapper needs.
package enum LibSSH {
    private static let initialised: Bool = {
        // libssh 0.8+ initialises itself from a constructor; calling ssh_init again
        // is harmless and makes the intent explicit.
        _ = ssh_init()
        return true
    }()

    package static func initialise() {
        _ = initialised
    }

    /// Whether the session's last error text starts with `prefix`, without copying it (asked
    /// before every channel call on a client's leg: see `ServerSession.peerSentDisconnect`).
    static func lastErrorHasPrefix(_ handle: OpaquePointer?, _ prefix: StaticString) -> Bool {
        guard let handle, let message = ssh_get_error(UnsafeMutableRawPointer(handle)) else { return false }
        return prefix.withUTF8Buffer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { strncmp(message, $0.baseAddress!, bytes.count) == 0 }
        }
    }

    /// The message libssh recorded for the last failure on a session or bind.
    static func lastError(_ handle: OpaquePointer?) -> String {
        guard let handle, let message = ssh_get_error(UnsafeMutableRawPointer(handle)) else {
            return "unknown libssh error"
        }
        let text = String(cString: message)
        return text.isEmpty ? "unknown libssh error" : text
    }

    static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }
}
