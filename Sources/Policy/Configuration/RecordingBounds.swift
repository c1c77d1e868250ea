/// How much of the disk recording may use: the `recording:` section of the file.
///
/// Values only; the gateway turns them into the recorder's limits. Kept in `Policy` because
/// the configuration is read here, and `Policy` must not depend on `Recording`.
package struct RecordingBounds: Hashable, Sendable {
    /// A terminal recording stops growing at this many file bytes, with a marker and an
    /// audit event; the session goes on.
    package var maxSessionBytes: Int
    /// An exec session keeps this many bytes of stdout and stderr; the rest is counted only.
    package var maxExecOutputBytes: Int
    /// Below this much free space on the state filesystem no new session starts: a session
    /// that cannot be recorded must not run.
    package var minFreeBytes: Int
    /// sftp and legacy scp sessions feed the file-transfer ledger (`file_ledger: false` turns it
    /// off, e.g. to measure what it costs; grants' file rules are enforced either way).
    package var fileLedger = true

    package init(maxSessionBytes: Int, maxExecOutputBytes: Int, minFreeBytes: Int) {
        self.maxSessionBytes = maxSessionBytes
        self.maxExecOutputBytes = maxExecOutputBytes
        self.minFreeBytes = minFreeBytes
    }
}
