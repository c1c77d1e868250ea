import Dispatch
import Synchronization

/// One person watching one session: the bounded queue between the engineer's thread
/// (`offer`) and the watcher's connection thread (`take`).
///
/// A watcher is a person reading a screen, so its queue takes output at a reader's pace, not
/// the session's: a burst of `capacity` whole, then `bytesPerSecond`. Beyond that (a `cat`
/// of a large file, or a watcher whose client stopped reading) it skips ahead, keeping only
/// the newest `tailBytes`, so that its screen still ends where the engineer's does. The copy
/// and the encryption a watcher costs the gateway are then bounded by the reading pace, not
/// by the session's throughput, and the session never waits for anyone.
final class Watcher: Sendable {
    /// Enough for several screens of output; also the burst taken whole after a quiet spell.
    static let capacity = 256 * 1024
    /// About a thousand 80×25 screens a second: more than anyone can read, and a small share
    /// of what one connection thread relays.
    static let bytesPerSecond = 1024 * 1024
    /// The newest output kept while skipping: a screenful, shown after the skip notice.
    static let tailBytes = 4096

    /// What a watcher's thread takes at once: output in order, then (when it skipped) how
    /// much it skipped and the newest bytes of what it skipped.
    struct Take {
        var bytes: [UInt8]
        var skipped: Int
        var tail: [UInt8]
        var ended: Bool
    }

    private struct Queue {
        var chunks: [[UInt8]] = []
        var bytes = 0
        var skipped = 0
        var tail: [UInt8] = []
        var ended = false
        /// What the reading pace lets through now; refilled by elapsed time when it falls short.
        var allowance = Watcher.capacity
        var refilledAt: UInt64
    }

    let name: String
    let organization: String?
    private let control: ConnectionControl
    private let queue: Mutex<Queue>
    /// Monotonic nanoseconds (injectable for tests).
    private let clock: @Sendable () -> UInt64
    /// Something waits in the queue (bytes, a skip, the end): one atomic load for the loop.
    private let waiting = Atomic<Bool>(false)

    var hasData: Bool { waiting.load(ordering: .acquiring) }

    init(name: String, organization: String?, control: ConnectionControl,
         clock: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        self.name = name
        self.organization = organization
        self.control = control
        self.clock = clock
        queue = Mutex(Queue(refilledAt: clock()))
    }

    var displayName: String { organization.map { "\(name) (\($0))" } ?? name }

    /// Output that follows the watcher's last take within this long waits for the watcher's
    /// own poll (which runs at least this often while watching) instead of waking it: during
    /// a burst the engineer's thread then pays no wake-up per chunk, and the watcher's thread
    /// sends one batch per interval instead of a packet per chunk. The first output after a
    /// pause (a keystroke's echo) still wakes it at once.
    static let batchMilliseconds: Int32 = 10
    private static let batchInterval = UInt64(batchMilliseconds) * 1_000_000
    /// A batch this large wakes the watcher without waiting for the interval.
    private static let batchBytes = 64 * 1024
    private let lastTake = Atomic<UInt64>(0)

    /// From the engineer's thread: copies `bytes` while the reading pace allows, otherwise
    /// counts them as skipped and keeps only the newest of them. Wakes the watcher's thread
    /// when its queue was empty after a pause, or when a batch has grown large.
    func offer(_ bytes: UnsafeRawBufferPointer) {
        let (wasEmpty, filled) = queue.withLock { queue -> (Bool, Bool) in
            let wasEmpty = queue.bytes == 0 && queue.skipped == 0
            let before = queue.bytes
            if Self.admits(bytes.count, into: &queue, clock) {
                queue.chunks.append(Array(bytes))
                queue.bytes += bytes.count
                queue.allowance -= bytes.count
            } else {
                queue.skipped += bytes.count
                Self.keepNewest(bytes, in: &queue.tail)
            }
            return (wasEmpty, before < Self.batchBytes && queue.bytes >= Self.batchBytes)
        }
        waiting.store(true, ordering: .releasing)
        if filled || (wasEmpty && isPaused) { control.nudge() }
    }

    /// Whether `count` bytes are queued rather than skipped. Once skipping, skip until the
    /// next take: what is queued stays in order. The allowance is refilled by the reading pace
    /// earned since the last refill (up to a burst) only when it falls short, so the clock is
    /// not read for every chunk.
    private static func admits(_ count: Int, into queue: inout Queue, _ clock: () -> UInt64) -> Bool {
        guard queue.skipped == 0, queue.bytes + count <= capacity else { return false }
        if count > queue.allowance {
            let now = clock()
            let elapsed = now &- queue.refilledAt
            let earned = elapsed >= 1_000_000_000 ? capacity : Int(elapsed) * bytesPerSecond / 1_000_000_000
            queue.allowance = min(capacity, queue.allowance + earned)
            queue.refilledAt = now
        }
        return count <= queue.allowance
    }

    private static func keepNewest(_ bytes: UnsafeRawBufferPointer, in tail: inout [UInt8]) {
        if bytes.count >= tailBytes {
            tail.removeAll(keepingCapacity: true)
            tail.append(contentsOf: bytes[(bytes.count - tailBytes)...])
            return
        }
        let overflow = tail.count + bytes.count - tailBytes
        if overflow > 0 { tail.removeFirst(overflow) }
        tail.append(contentsOf: bytes)
    }

    /// The watcher took nothing for `batchInterval`: read only for a queue that was empty,
    /// so a burst pays no clock read per chunk.
    private var isPaused: Bool {
        clock() &- lastTake.load(ordering: .relaxed) >= Self.batchInterval
    }

    func sessionEnded() {
        queue.withLock { $0.ended = true }
        waiting.store(true, ordering: .releasing)
        control.nudge()
    }

    /// From the watcher's thread: what waits, and whether the session has ended.
    /// The chunks are swapped out under the lock and joined after it: the engineer's thread
    /// offers into the same lock, and must never wait for a copy of up to `capacity` bytes.
    func take() -> Take {
        waiting.store(false, ordering: .releasing)
        lastTake.store(clock(), ordering: .relaxed)
        let (chunks, skipped, tail, ended) = queue.withLock { queue in
            defer {
                queue.chunks = []
                queue.bytes = 0
                queue.skipped = 0
                queue.tail = []
            }
            return (queue.chunks, queue.skipped, queue.tail, queue.ended)
        }
        let bytes = chunks.count == 1 ? chunks[0] : Array(chunks.joined())
        return Take(bytes: bytes, skipped: skipped, tail: tail, ended: ended)
    }
}

/// How a watcher's screen shows what it skipped: one notice at most every `interval` while
/// output is skipped (not one per batch: a `cat` of a large file would otherwise fill the
/// screen with notices), and a last one when skipping stops, each followed by the newest
/// output so the screen ends where the engineer's does.
struct WatchSkipNotices {
    static let interval: UInt64 = 1_000_000_000
    private var unreported = 0
    private var lastNotice: UInt64 = 0

    /// The bytes to show for `take` (before any end-of-session line).
    mutating func render(_ take: Watcher.Take, now: UInt64 = DispatchTime.now().uptimeNanoseconds,
                         text: (String) -> [UInt8]) -> [UInt8] {
        guard take.skipped > 0 else {
            // Skipping has stopped: its last notice, then the output that follows it.
            return unreported > 0 ? notice(now: now, text) + take.bytes : take.bytes
        }
        unreported += take.skipped
        let due = take.ended || now &- lastNotice >= Self.interval
        return take.bytes + (due ? notice(now: now, text) : []) + take.tail
    }

    private mutating func notice(now: UInt64, _ text: (String) -> [UInt8]) -> [UInt8] {
        defer {
            unreported = 0
            lastNotice = now
        }
        return text("\n[tracegate: \(unreported) bytes of output skipped: faster than a watcher can follow, or this watcher fell behind]\n")
    }
}
