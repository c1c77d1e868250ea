import SSH

/// One direction of one stream (stdout, stderr or stdin) between two channels.
///
/// libssh 0.10.6 re-opens a channel's receive window on every read without counting
/// what it still buffers, so reading in small pieces while the other side is slow lets
/// the buffer grow without bound. The relay therefore reads only when its own queue is
/// empty, and then takes everything libssh holds at once: in-flight data stays bounded
/// by one window plus what was read.
///
/// libssh 0.12 (scripts/build-libssh.sh) counts its buffered bytes before it grows the
/// window (`grow_window` in channels.c), so there the bound holds by itself. The rule
/// stays: the same code must stay bounded on a gateway built on Debian 12's libssh 0.10
/// (the supported fallback), and one read of everything buffered is also the cheapest way
/// to move a packet's worth of data.
final class StreamRelay {
    let readsStandardError: Bool
    let writesStandardError: Bool
    private let queue = ByteQueue()
    private(set) var bytesRelayed = 0
    /// Sees every byte once, as it is read (the session recorder); never blocks.
    var tap: ((UnsafeRawBufferPointer) -> Void)?
    /// Decides what of the bytes read goes on (the grant's file rules on an sftp session's
    /// requests); nil for every other session, which relays untouched.
    var transform: ((UnsafeRawBufferPointer) -> [UInt8])?
    /// The gateway-wide total for this direction (metrics), added to once per write.
    var counter: RelayByteCounter?

    init(readsStandardError: Bool = false, writesStandardError: Bool = false) {
        self.readsStandardError = readsStandardError
        self.writesStandardError = writesStandardError
    }

    var hasQueuedBytes: Bool { !queue.isEmpty }

    /// Moves what can move now. `destination` nil discards (the reader has gone).
    func pump(from source: Channel, to destination: Channel?) throws(SSHError) {
        try flush(to: destination)
        guard queue.isEmpty, hasUnread(source) else { return }
        source.clearUnreadFlag(stderr: readsStandardError)
        guard let available = source.bufferedByteCount(stderr: readsStandardError), available > 0 else { return }
        if let transform {
            var read = [UInt8](repeating: 0, count: available)
            let count = read.withUnsafeMutableBytes { source.read(into: $0, stderr: readsStandardError) }
            enqueue(read.withUnsafeBytes { transform(UnsafeRawBufferPointer(rebasing: $0.prefix(max(0, count)))) })
            try flush(to: destination)
            return
        }
        queue.append(maximum: available) { source.read(into: $0, stderr: readsStandardError) }
        if let tap { queue.withQueuedBytes(tap) }
        try flush(to: destination)
    }

    /// Queues bytes read from the source by someone else (what the engineer typed after the
    /// ticket line), to go out before anything read later; the tap sees them like any input.
    func enqueue(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { typed in
            queue.append(maximum: typed.count) { buffer in
                buffer.copyMemory(from: typed)
                return typed.count
            }
        }
        if let tap { bytes.withUnsafeBytes(tap) }
    }

    /// Whether a pump now would move something: bytes wait in libssh and the queue is free,
    /// or queued bytes meet an open window. Flags only, like `isDrained`.
    func canProgress(from source: Channel, to destination: Channel?) -> Bool {
        if queue.isEmpty { return hasUnread(source) }
        guard let destination else { return true }
        return !destination.sentClose && destination.sendWindow > 0
    }

    /// Nothing left to forward. Judged from the data flag, never by asking libssh: asking
    /// processes packets, and a check of stderr could pull in the last stdout bytes (and
    /// the close after them) just after stdout was judged empty, losing those bytes.
    func isDrained(from source: Channel) -> Bool {
        queue.isEmpty && !hasUnread(source)
    }

    private func hasUnread(_ source: Channel) -> Bool {
        readsStandardError ? source.hasUnreadErrorOutput : source.hasUnreadOutput
    }

    private func flush(to destination: Channel?) throws(SSHError) {
        guard let destination, !destination.sentClose else {
            queue.removeAll()
            return
        }
        while !queue.isEmpty {
            let window = destination.sendWindow
            guard window > 0 else { return }
            let written = try queue.withQueuedBytes { (bytes) throws(SSHError) -> Int in
                try destination.write(UnsafeRawBufferPointer(rebasing: bytes.prefix(window)), stderr: writesStandardError)
            }
            // Zero during a re-key: keep the bytes and try again after the next poll.
            guard written > 0 else { return }
            queue.removeFirst(written)
            bytesRelayed += written
            counter?.add(written)
        }
    }
}
