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

    /// From the engineer's thread: copies `bytes`, or counts them as skipped when the queue
    /// is full. Wakes the watcher's thread only when its queue was empty.
    func offer(_ bytes: UnsafeRawBufferPointer) {
        let wasEmpty = queue.withLock { queue -> Bool in
            let wasEmpty = queue.bytes == 0 && queue.skipped == 0
            if queue.bytes + bytes.count > Self.capacity {
                queue.skipped += bytes.count
            } else {
                queue.chunks.append(Array(bytes))
                queue.bytes += bytes.count
            }
            return wasEmpty
        }
        waiting.store(true, ordering: .releasing)
        if wasEmpty { control.nudge() }
    }

    func sessionEnded() {
        queue.withLock { $0.ended = true }
        waiting.store(true, ordering: .releasing)
        control.nudge()
    }

    /// From the watcher's thread: what waits, how much was skipped since the last take, and
    /// whether the session has ended.
    func take() -> (bytes: [UInt8], skipped: Int, ended: Bool) {
        waiting.store(false, ordering: .releasing)
        return queue.withLock { queue in
            let bytes = queue.chunks.count == 1 ? queue.chunks[0] : Array(queue.chunks.joined())
            let taken = (bytes, queue.skipped, queue.ended)
            queue.chunks.removeAll(keepingCapacity: true)
            queue.bytes = 0
            queue.skipped = 0
            return taken
        }
    }
}
