/// A handle the target returned, and what crossed the gateway through it.
struct SFTPOpenFile {
    var path: String
    var resolvedPath: String?
    var flags: UInt32
    var isDirectory: Bool
    var startedAt: Double
    /// Size the target reported for it (STAT before the open, or FSTAT), when seen.
    var reportedSize: UInt64?
    var readRanges = ByteRanges()
    var writeRanges = ByteRanges()
    var readDigest = ContentDigest()
    var writeDigest = ContentDigest()
    var bytesRead: Int64 = 0
    var bytesWritten: Int64 = 0
    /// The lowest offset a READ was answered EOF at.
    var endOfFile: UInt64?
    var names = 0
    /// The size set on the handle (FSETSTAT) after the writes: OpenSSH's uploads truncate the
    /// file to what they wrote at the end rather than at the open.
    var sizeSet: UInt64?
    /// The first failure the target answered on this handle.
    var failure: String?

    /// The ledger entries for this handle once it is closed (or the session ends).
    func entries(status closeStatus: String, integrityOverride: (FileLedgerEntry.Integrity, String)?,
                 endedAt: Double) -> [FileLedgerEntry] {
        let status = failure ?? closeStatus
        if isDirectory {
            return [FileLedgerEntry(protocolName: .sftp, operation: .list, path: path, resolvedPath: resolvedPath,
                                    status: status, note: "\(names) names", startedAt: startedAt, endedAt: endedAt)]
        }
        var result: [FileLedgerEntry] = []
        let upload = bytesWritten > 0 || (bytesRead == 0 && SFTPMessage.isUpload(flags: flags))
        if upload {
            let end = writeRanges.ranges.last?.upperBound ?? 0
            let truncated = flags & (SFTPMessage.openTruncate | SFTPMessage.openExclusive) != 0 || sizeSet == end
            result.append(entry(.upload, ranges: writeRanges, digest: writeDigest, bytes: bytesWritten,
                                whole: truncated ? nil : "opened without truncation: bytes past the written range may remain",
                                endOfContent: nil, status: status, override: integrityOverride, endedAt: endedAt))
        }
        if bytesRead > 0 || !upload {
            result.append(entry(.download, ranges: readRanges, digest: readDigest, bytes: bytesRead, whole: nil,
                                endOfContent: endOfFile ?? reportedSize, status: status, override: integrityOverride,
                                endedAt: endedAt))
        }
        return result
    }

    private func entry(_ operation: FileLedgerEntry.Operation, ranges: ByteRanges, digest: ContentDigest, bytes: Int64,
                       whole reasonNotWhole: String?, endOfContent: UInt64?, status: String,
                       override: (FileLedgerEntry.Integrity, String)?, endedAt: Double) -> FileLedgerEntry {
        var integrity = FileLedgerEntry.Integrity.partial
        var sha256: String?
        var note: String? = reasonNotWhole
        let end = ranges.ranges.last?.upperBound ?? 0
        let covered = ranges.isEmpty || ranges.isContiguousFromZero
        if let override {
            integrity = override.0
            note = override.1
        } else if reasonNotWhole == nil, covered {
            if operation == .download, endOfContent != end {
                note = endOfContent.map { "read \(end) of \($0) bytes" } ?? "the end of the file was not seen"
            } else if let digest = digest.digest(ifCovering: end) {
                integrity = .complete
                sha256 = digest
            } else {
                note = "pieces too far out of order to hash"
            }
        } else if reasonNotWhole == nil {
            note = ranges.overflowed ? "too many disjoint ranges" : "not read or written whole from offset 0"
        }
        return FileLedgerEntry(protocolName: .sftp, operation: operation, path: path, resolvedPath: resolvedPath,
                               bytes: bytes, ranges: ranges.ranges, sha256: sha256, integrity: integrity,
                               status: status, note: note, startedAt: startedAt, endedAt: endedAt)
    }
}

extension SFTPOpenFile {
    mutating func wrote(_ data: UnsafeRawBufferPointer, at offset: UInt64) {
        writeRanges.insert(start: offset, count: UInt64(data.count))
        writeDigest.add(data, at: offset)
        bytesWritten += Int64(data.count)
    }

    mutating func read(_ data: UnsafeRawBufferPointer, at offset: UInt64) {
        readRanges.insert(start: offset, count: UInt64(data.count))
        readDigest.add(data, at: offset)
        bytesRead += Int64(data.count)
    }
}
