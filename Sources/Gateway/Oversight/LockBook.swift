import Audit
import Foundation
import Synchronization

/// The locks in force, in memory, so that a connection asks without touching the store;
/// loaded from the `LockStore` at start and changed with it. `generation` moves on every
/// change, so that running connections notice with one atomic load.
package final class LockBook: Sendable {
    private let locks = Mutex<[LockRecord]>([])
    private let changes = Atomic<Int>(0)

    package init() {}

    var generation: Int { changes.load(ordering: .acquiring) }

    func replace(_ all: [LockRecord]) {
        locks.withLock { $0 = all }
        changes.add(1, ordering: .releasing)
    }

    /// A lock already known (the cluster's feed may have brought it first) is not added twice.
    func add(_ lock: LockRecord) {
        locks.withLock { locks in
            if !locks.contains(where: { $0.id == lock.id }) { locks.append(lock) }
        }
        changes.add(1, ordering: .releasing)
    }

    /// Replaces the locks with the cluster's view when it differs; returns whether it did, so
    /// that connections are woken only for a real change, not for every periodic re-read.
    func replaceIfChanged(_ all: [LockRecord]) -> Bool {
        let changed = locks.withLock { locks in
            guard Set(locks) != Set(all) else { return false }
            locks = all
            return true
        }
        if changed { changes.add(1, ordering: .releasing) }
        return changed
    }

    func remove(_ id: String) {
        locks.withLock { $0.removeAll { $0.id == id } }
        changes.add(1, ordering: .releasing)
    }

    /// In force now, oldest first.
    func inForce(at date: Date = Date()) -> [LockRecord] {
        let now = AuditTimestamp(secondsSinceEpoch: date.timeIntervalSince1970)
        return locks.withLock { $0.filter { $0.isInForce(at: now) } }
    }

    func lock(user: String, at date: Date = Date()) -> LockRecord? {
        inForce(at: date).first { $0.kind == .user && $0.name == user }
    }

    func lock(target: String, at date: Date = Date()) -> LockRecord? {
        inForce(at: date).first { $0.kind == .target && $0.name == target }
    }
}

/// How a lock reads in a refusal and in `locks`.
enum LockText {
    static func sentence(_ lock: LockRecord) -> String {
        "\(lock.kind.rawValue) \(lock.name) is locked by \(lock.creator): \(lock.reason)" + until(lock)
    }

    static func until(_ lock: LockRecord) -> String {
        lock.expiresAt.map { " (until \($0.iso8601Seconds))" } ?? ""
    }
}
