/// What the audit trail stores about a finished recording, so that `tracegate audit
/// verify` can later detect a changed or missing file.
package struct RecordingSummary: Sendable, Equatable {
    package var path: String
    /// File size in bytes.
    package var size: Int
    /// SHA-256 of the file's bytes, lowercase hex, as `sha256sum` prints it.
    package var sha256: String
    /// The session cap (terminal) or capture cap (exec) cut the recording short.
    package var truncated: Bool
    /// Bytes the recorder dropped because the disk could not keep up.
    package var droppedBytes: Int
    /// Set when writing failed part way; the file holds what was written before.
    package var writeError: String?

    package init(path: String, size: Int, sha256: String, truncated: Bool, droppedBytes: Int = 0, writeError: String? = nil) {
        self.path = path
        self.size = size
        self.sha256 = sha256
        self.truncated = truncated
        self.droppedBytes = droppedBytes
        self.writeError = writeError
    }
}
