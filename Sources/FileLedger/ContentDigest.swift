import Crypto

/// SHA-256 of a file's content as its pieces cross the gateway: pieces in order are hashed
/// at once; a piece ahead of the next expected offset waits in a bounded buffer (sftp reads
/// that came back short are asked again, so a later piece can arrive first); a piece behind
/// it (a re-read) is trimmed. Anything else gives up: the entry is then `partial`.
struct ContentDigest {
    /// What may wait for an earlier piece, per file.
    static let maximumBufferedBytes = 8 * 1024 * 1024

    private var hasher = SHA256()
    /// Bytes hashed so far, from offset 0.
    private(set) var hashedUpTo: UInt64 = 0
    private var waiting: [UInt64: [UInt8]] = [:]
    private var waitingBytes = 0
    private(set) var abandoned = false

    mutating func add(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) {
        guard !abandoned, !bytes.isEmpty else { return }
        let (end, overflow) = offset.addingReportingOverflow(UInt64(bytes.count))
        guard !overflow else { abandon(); return }
        if end <= hashedUpTo { return }
        if offset <= hashedUpTo {
            let skip = Int(hashedUpTo - offset)
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[skip...]))
            hashedUpTo = end
            drainWaiting()
            return
        }
        guard waitingBytes + bytes.count <= Self.maximumBufferedBytes, waiting.count < 1024 else {
            abandon()
            return
        }
        if let existing = waiting[offset], existing.count >= bytes.count { return }
        waitingBytes += bytes.count - (waiting[offset]?.count ?? 0)
        waiting[offset] = Array(bytes)
    }

    private mutating func drainWaiting() {
        while !waiting.isEmpty {
            guard let next = waiting.keys.filter({ $0 <= hashedUpTo }).min() else { return }
            let piece = waiting.removeValue(forKey: next)!
            waitingBytes -= piece.count
            let end = next + UInt64(piece.count)
            guard end > hashedUpTo else { continue }
            let skip = Int(hashedUpTo - next)
            piece.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[skip...])) }
            hashedUpTo = end
        }
    }

    private mutating func abandon() {
        abandoned = true
        waiting = [:]
        waitingBytes = 0
    }

    /// The hex digest, when exactly `[0, size)` was hashed with nothing left waiting.
    func digest(ifCovering size: UInt64) -> String? {
        guard !abandoned, waiting.isEmpty, hashedUpTo == size else { return nil }
        return Hex.encode(hasher.finalize())
    }
}
