import Crypto
import Glibc

/// Appends asciicast lines to one recording file, enforcing the session's size cap and
/// hashing the bytes as they go, so that finishing a 100 MiB recording does not read it
/// back to learn its SHA-256.
///
/// Used by one thread at a time: created on the thread that starts the session (the header
/// is written at once so a session on an unwritable disk fails before it starts), then
/// handed to the writer thread.
struct AsciicastWriter {
    let path: String
    private var descriptor: Int32
    private let maximumBytes: Int
    private var hasher = SHA256()
    private let pending = ByteBuffer()
    /// Times never go backwards in a file, even when an input event released late carries
    /// the time it was typed.
    private var lastTime: Double = 0
    /// Bytes written to the file plus bytes waiting in `pending`.
    private(set) var size = 0
    private(set) var truncated = false
    /// The file's size when the cap stopped it, before its closing markers.
    private(set) var truncatedAtSize: Int?
    private(set) var failure: RecordingError?

    /// Encoded lines are gathered into writes of about this size.
    private static let writeThreshold = 256 << 10

    init(path: String, header: AsciicastHeader, maximumBytes: Int) throws(RecordingError) {
        self.path = path
        self.maximumBytes = maximumBytes
        self.descriptor = try RecordingFile.create(path)
        header.encodedLine.withUnsafeBytes { pending.append($0) }
        size = pending.count
        flush()
        if let failure {
            Glibc.close(descriptor)
            unlink(path)
            throw failure
        }
    }

    /// True once nothing but closing markers will be written.
    var isStopped: Bool { truncated || failure != nil }

    /// Appends an output, input or resize event, unless the cap stops the recording: the
    /// event that would cross the cap is replaced by a truncation marker, and later events
    /// are ignored. Returns false when the event was not written.
    @discardableResult
    mutating func append(_ kind: AsciicastEvent.Kind, _ data: String, at time: Double) -> Bool {
        guard !isStopped else { return false }
        // Encoded in place and taken back if it does not fit: output events are the bulk
        // of the writer's work, and a second copy of each would show.
        let start = pending.count
        lastTime = max(lastTime, time)
        AsciicastEvent(time: lastTime, kind: kind, data: data).encode(into: pending)
        let length = pending.count - start
        if size + length > maximumBytes {
            pending.truncate(to: start)
            truncated = true
            truncatedAtSize = size
            appendClosingMarker(RecordingMarker.truncated(atBytes: size), at: time)
            return false
        }
        size += length
        if pending.count >= Self.writeThreshold { flush() }
        return true
    }

    /// Appends a marker that closes the recording (truncation totals, session end). These
    /// are written even past the cap, so a file may exceed it by their few dozen bytes: an
    /// auditor must always learn why a recording ends.
    mutating func appendClosingMarker(_ text: String, at time: Double) {
        guard failure == nil else { return }
        let start = pending.count
        lastTime = max(lastTime, time)
        AsciicastEvent(time: lastTime, kind: .marker, data: text).encode(into: pending)
        size += pending.count - start
        if pending.count >= Self.writeThreshold { flush() }
    }

    /// Hands the gathered lines to the kernel. Called at the end of each batch, so that a
    /// recording being followed by `tracegate replay` lags by one batch at most.
    mutating func flush() {
        guard pending.count > 0, failure == nil else { return }
        let error = pending.withBytes { RecordingFile.write($0, to: descriptor) }
        if let error {
            failure = .cannotWrite(path: path, reason: RecordingError.systemReason(error))
        } else {
            pending.withBytes { hasher.update(bufferPointer: $0) }
        }
        pending.removeAll()
    }

    /// Flushes, forces the file to disk and closes it.
    mutating func close() -> (size: Int, sha256: String, failure: RecordingError?) {
        flush()
        if failure == nil && fsync(descriptor) != 0 {
            failure = .cannotWrite(path: path, reason: "fsync: \(RecordingError.systemReason())")
        }
        Glibc.close(descriptor)
        descriptor = -1
        // After a failed write the file may hold a partial line; its true hash is what the
        // audit trail must store, so it is read back in that rare case.
        let digest = failure == nil ? RecordingFile.hex(hasher.finalize()) : ((try? RecordingFile.sha256(ofFileAt: path)) ?? "")
        let fileSize = failure == nil ? size : Self.fileSize(path) ?? 0
        return (fileSize, digest, failure)
    }

    private static func fileSize(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }
}
