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
