import Foundation

/// Bytes read from one leg that the other leg has not accepted yet. The relay never
/// reads more from a source while this is non-empty: a write can be short (window,
/// re-key in progress), and reading on regardless is how bytes get lost.
///
/// Plain malloc'd memory rather than an Array: the relay's hot path must not pay for
/// element-wise initialisation, in debug builds included.
final class ByteQueue {
    private var base: UnsafeMutableRawPointer?
    private var capacity = 0
    private var head = 0
    private var tail = 0

    /// Idle sessions must cost little memory: buffers above this are freed once empty.
    private static let retainedCapacity = 64 * 1024

    deinit { free(base) }

    var count: Int { tail - head }
    var isEmpty: Bool { head == tail }

    /// Appends up to `maximum` bytes produced by `fill`, which returns how many it wrote.
    func append(maximum: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Int) {
        reserve(maximum)
        let produced = fill(UnsafeMutableRawBufferPointer(start: base! + tail, count: maximum))
        tail += max(0, min(produced, maximum))
    }

    /// Lends the queued bytes to `body`, without removing them.
    func withQueuedBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: base.map { $0 + head }, count: count))
    }

    /// Drops `count` bytes from the front, once the other leg has taken them.
    func removeFirst(_ consumed: Int) {
        head += consumed
        if isEmpty { removeAll() }
    }

    func removeAll() {
        head = 0
        tail = 0
        if capacity > Self.retainedCapacity {
            free(base)
            base = nil
            capacity = 0
        }
    }

    private func reserve(_ additional: Int) {
        if head > 0 && tail + additional > capacity {
            // Slide the unsent bytes to the front before growing.
            memmove(base!, base! + head, count)
            tail -= head
            head = 0
        }
        guard tail + additional > capacity else { return }
        let newCapacity = max(tail + additional, capacity * 2, 16 * 1024)
        guard let grown = realloc(base, newCapacity) else { fatalError("out of memory growing a relay buffer") }
        base = grown
        capacity = newCapacity
    }
}
