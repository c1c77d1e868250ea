import Dispatch
import Synchronization

/// A running session's output, copied for the people watching it. The engineer's thread
/// publishes what the target printed; each watcher has its own bounded queue, so a slow or
/// stopped watcher only loses its own bytes (it skips ahead and is told how much), and the
/// session never waits for anyone: `publish` copies into memory and returns.
final class WatchFeed: Sendable {
    /// Where the recording so far is: a watcher's screen starts as its replay.
    let recordingPath: String?
    let columns: Int?
    let rows: Int?
    private let watchers = Mutex<[Watcher]>([])
    /// Read on every relayed chunk: unwatched sessions pay one atomic load.
    private let watcherCount = Atomic<Int>(0)

    init(recordingPath: String?, columns: Int?, rows: Int?) {
        self.recordingPath = recordingPath
        self.columns = columns
        self.rows = rows
    }

    func publish(_ bytes: UnsafeRawBufferPointer) {
        guard watcherCount.load(ordering: .relaxed) > 0, !bytes.isEmpty else { return }
        watchers.withLock { watchers in
            for watcher in watchers { watcher.offer(bytes) }
        }
    }

    func add(_ watcher: Watcher) {
        watchers.withLock { $0.append(watcher) }
        watcherCount.add(1, ordering: .relaxed)
    }

    func remove(_ watcher: Watcher) {
        let removed = watchers.withLock { watchers in
            let before = watchers.count
            watchers.removeAll { $0 === watcher }
            return before - watchers.count
        }
        if removed > 0 { watcherCount.subtract(removed, ordering: .relaxed) }
    }

    /// Who watches now, by user name (the control socket's operator included).
    var watcherUserNames: [String] { watchers.withLock { $0.map(\.name) } }

    /// `carol (retailer)`, for `live`.
    var watcherNames: [String] { watchers.withLock { $0.map(\.displayName) } }

    /// The session ended: every watcher is told.
    func end() {
        let all = watchers.withLock { watchers in
            defer { watchers.removeAll() }
            return watchers
        }
        watcherCount.store(0, ordering: .relaxed)
        for watcher in all { watcher.sessionEnded() }
    }
}

/// One person watching one session: the bounded queue between the engineer's thread
/// (`offer`) and the watcher's connection thread (`take`).
final class Watcher: Sendable {
    /// Enough for several screens of output; beyond it the watcher skips ahead.
    static let capacity = 256 * 1024

    private struct Queue {
        var chunks: [[UInt8]] = []
        var bytes = 0
        var skipped = 0
        var ended = false
    }

    let name: String
    let organization: String?
    private let control: ConnectionControl
    private let queue = Mutex(Queue())
    /// Something waits in the queue (bytes, a skip, the end): one atomic load for the loop.
    private let waiting = Atomic<Bool>(false)

    var hasData: Bool { waiting.load(ordering: .acquiring) }

    init(name: String, organization: String?, control: ConnectionControl) {
        self.name = name
        self.organization = organization
        self.control = control
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

    /// From the engineer's thread: copies `bytes`, or counts them as skipped when the queue
    /// is full. Wakes the watcher's thread when its queue was empty after a pause, or when a
    /// batch has grown large.
    func offer(_ bytes: UnsafeRawBufferPointer) {
        let (wasEmpty, filled) = queue.withLock { queue -> (Bool, Bool) in
            let wasEmpty = queue.bytes == 0 && queue.skipped == 0
            let before = queue.bytes
            if queue.bytes + bytes.count > Self.capacity {
                queue.skipped += bytes.count
            } else {
                queue.chunks.append(Array(bytes))
                queue.bytes += bytes.count
            }
            return (wasEmpty, before < Self.batchBytes && queue.bytes >= Self.batchBytes)
        }
        waiting.store(true, ordering: .releasing)
        if filled || (wasEmpty && isPaused) { control.nudge() }
    }

    /// The watcher took nothing for `batchInterval`: read only for a queue that was empty,
    /// so a burst pays no clock read per chunk.
    private var isPaused: Bool {
        DispatchTime.now().uptimeNanoseconds &- lastTake.load(ordering: .relaxed) >= Self.batchInterval
    }

    func sessionEnded() {
        queue.withLock { $0.ended = true }
        waiting.store(true, ordering: .releasing)
        control.nudge()
    }

    /// From the watcher's thread: what waits, how much was skipped since the last take, and
    /// whether the session has ended.
    /// The chunks are swapped out under the lock and joined after it: the engineer's thread
    /// offers into the same lock, and must never wait for a copy of up to `capacity` bytes.
    func take() -> (bytes: [UInt8], skipped: Int, ended: Bool) {
        waiting.store(false, ordering: .releasing)
        lastTake.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
        let (chunks, skipped, ended) = queue.withLock { queue in
            defer {
                queue.chunks = []
                queue.bytes = 0
                queue.skipped = 0
            }
            return (queue.chunks, queue.skipped, queue.ended)
        }
        return (chunks.count == 1 ? chunks[0] : Array(chunks.joined()), skipped, ended)
    }
}
