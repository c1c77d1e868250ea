import Foundation
import Policy
import Synchronization

/// A running session as the oversight commands see it. Fixed facts are set once when it
/// starts; counters are refreshed by the owning connection's thread on its periodic checks,
/// never on the relay path.
final class LiveSession: Sendable {
    let id: String
    let connectionID: String
    let user: User
    let target: Target?
    let login: String?
    /// shell, exec, subsystem, forward or tunnel.
    let kind: String
    let command: String?
    let ticket: String?
    let startedAt: Date
    let control: ConnectionControl
    /// The terminal or output stream watchers follow; nil for what cannot be watched
    /// (tunnels, forwards, file transfers).
    let feed: WatchFeed?
    /// An approval or break-glass mark from the consent feature (issue 14), when it sets one;
    /// `live` shows it in its FLAG column.
    let flag: String?
    private let bytesIn = Atomic<Int>(0)
    private let bytesOut = Atomic<Int>(0)
    private let lastActivityMilliseconds: Atomic<Int64>

    init(id: String, connectionID: String, user: User, target: Target?, login: String?, kind: String, command: String?,
         ticket: String?, control: ConnectionControl, feed: WatchFeed?, flag: String? = nil) {
        self.id = id
        self.connectionID = connectionID
        self.user = user
        self.target = target
        self.login = login
        self.kind = kind
        self.command = command
        self.ticket = ticket
        self.control = control
        self.feed = feed
        self.flag = flag
        startedAt = Date()
        lastActivityMilliseconds = Atomic(Int64(startedAt.timeIntervalSince1970 * 1000))
    }

    /// From the owning thread: the session's byte counts now; activity is when they moved.
    func update(bytesIn newIn: Int, bytesOut newOut: Int) {
        let movedIn = bytesIn.exchange(newIn, ordering: .relaxed) != newIn
        let movedOut = bytesOut.exchange(newOut, ordering: .relaxed) != newOut
        if movedIn || movedOut {
            lastActivityMilliseconds.store(Int64(Date().timeIntervalSince1970 * 1000), ordering: .relaxed)
        }
    }

    var bytes: (in: Int, out: Int) { (bytesIn.load(ordering: .relaxed), bytesOut.load(ordering: .relaxed)) }

    var idleSeconds: Int {
        let last = Double(lastActivityMilliseconds.load(ordering: .relaxed)) / 1000
        return max(0, Int(Date().timeIntervalSince1970 - last))
    }
}

/// Every running session of this gateway, and every authenticated connection's control
/// (locks reach connections that have no session yet, e.g. a gateway shell).
package final class LiveSessions: Sendable {
    private let sessions = Mutex<[String: LiveSession]>([:])
    private let connections = Mutex<[String: ConnectionControl]>([:])

    package init() {}

    func add(_ session: LiveSession) {
        sessions.withLock { $0[session.id] = session }
    }

    func remove(_ id: String) {
        let session = sessions.withLock { $0.removeValue(forKey: id) }
        session?.feed?.end()
    }

    func session(_ id: String) -> LiveSession? {
        sessions.withLock { $0[id] }
    }

    /// Oldest first.
    var all: [LiveSession] {
        sessions.withLock { Array($0.values) }.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
    }

    func addConnection(_ control: ConnectionControl) {
        connections.withLock { $0[control.connectionID] = control }
    }

    func removeConnection(_ id: String) {
        connections.withLock { _ = $0.removeValue(forKey: id) }
    }

    /// Wakes every authenticated connection (the locks changed).
    func nudgeAll() {
        for control in connections.withLock({ Array($0.values) }) { control.nudge() }
    }
}
