/// One line of the file-transfer ledger: a file opened and moved, or a change to the
/// target's tree (remove, rename, mkdir, …), or a refusal. Plain values: the gateway turns
/// it into an audit event, the store into a `file_transfers` row.
package struct FileLedgerEntry: Sendable, Hashable {
    package enum Operation: String, Sendable, Hashable, CaseIterable {
        case upload, download, remove, rename, mkdir, rmdir, setstat, symlink, list
    }

    /// How much of the content the ledger saw, whole and in order.
    package enum Integrity: String, Sendable, Hashable {
        /// Every byte from 0 to the end, in order: `sha256` is the file's content.
        case complete
        /// Some ranges only (a resumed transfer, a seek, a file closed early): see `ranges`.
        case partial
        /// The protocol stream could not be followed from some point on (see `note`).
        case unparsed
        /// The ledger's queue was full and bytes were skipped: the relay never waits for it.
        case overflow
        /// Not a content transfer (remove, rename, …) or refused before any byte moved.
        case none
    }

    package enum ProtocolName: String, Sendable, Hashable {
        case sftp, scp
        /// Only in refusals: rsync's own protocol is not followed.
        case rsync
    }

    package var protocolName: ProtocolName
    package var operation: Operation
    /// As the client named it.
    package var path: String
    /// rename/symlink: the second path; scp: the record's own name when it differs.
    package var secondPath: String?
    /// The server's REALPATH answer for `path`, when the session asked for it.
    package var resolvedPath: String?
    /// Content bytes moved through the gateway for this file (both directions of a
    /// read-write open count once each).
    package var bytes: Int64
    /// Covered byte ranges `[start, end)`, merged, at most `ByteRanges.maximumCount`.
    package var ranges: [ClosedOpenRange]
    /// Lowercase hex, set when `integrity == .complete`.
    package var sha256: String?
    package var integrity: Integrity
    /// `ok`, `denied`, or the server's failure (`no_such_file: message`, …).
    package var status: String
    /// Why the entry is partial, unparsed or denied, in words.
    package var note: String?
    /// Seconds since 1970 (UTC).
    package var startedAt: Double
    package var endedAt: Double

    package init(protocolName: ProtocolName, operation: Operation, path: String, secondPath: String? = nil,
                 resolvedPath: String? = nil, bytes: Int64 = 0, ranges: [ClosedOpenRange] = [], sha256: String? = nil,
                 integrity: Integrity = .none, status: String = "ok", note: String? = nil,
                 startedAt: Double, endedAt: Double) {
        self.protocolName = protocolName
        self.operation = operation
        self.path = path
        self.secondPath = secondPath
        self.resolvedPath = resolvedPath
        self.bytes = bytes
        self.ranges = ranges
        self.sha256 = sha256
        self.integrity = integrity
        self.status = status
        self.note = note
        self.startedAt = startedAt
        self.endedAt = endedAt
    }

    /// `upload` or `download` for content, nil for tree changes.
    package var direction: String? {
        switch operation {
        case .upload, .download: operation.rawValue
        case .remove, .rename, .mkdir, .rmdir, .setstat, .symlink, .list: nil
        }
    }

    /// `0-1048576,2097152-4194304`.
    package var rangesText: String {
        ranges.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
    }
}

/// `[lowerBound, upperBound)` in a file.
package struct ClosedOpenRange: Sendable, Hashable {
    package var lowerBound: UInt64
    package var upperBound: UInt64

    package init(_ lowerBound: UInt64, _ upperBound: UInt64) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }
}
