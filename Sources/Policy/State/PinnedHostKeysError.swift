/// A problem with the gateway's pin file, positioned like configuration errors.
package struct PinnedHostKeysError: Error, Hashable, Sendable, CustomStringConvertible {
    package var path: String
    /// `nil` when the problem is the file as a whole (unreadable, not writable).
    package var line: Int?
    package var message: String

    package init(path: String, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    package var description: String {
        line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)"
    }
}
