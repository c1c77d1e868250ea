import Audit
import Synchronization

/// What another thread asks of a connection's thread: end one of its sessions, look at the
/// locks again, or (for a watcher) look at the output waiting for it. The connection's
/// thread owns its libssh sessions, so nobody else ends them: they post here and wake it.
final class ConnectionControl: Sendable {
    enum Order: Sendable {
        case terminate(sessionID: String, SessionTermination)
        /// A line for the engineer of `sessionID` (someone started or stopped watching).
        case notify(sessionID: String, String)
    }

    let connectionID: String
    private let wake: WakeSignal?
    private let pending = Atomic<Bool>(false)
    private let inbox = Mutex<[Order]>([])

    init(connectionID: String) {
        self.connectionID = connectionID
        wake = WakeSignal()
    }

    /// For the connection's poller; nil when no eventfd could be had (the 20 ms checks and
    /// the poll's 2 s limit still see the order, only later).
    var descriptor: Int32? { wake?.descriptor }

    func send(_ order: Order) {
        inbox.withLock { $0.append(order) }
        nudge()
    }

    /// "Look at your flags": locks changed, output waits for a watcher.
    func nudge() {
        pending.store(true, ordering: .releasing)
        wake?.signal()
    }

    /// One atomic load: the connection loop asks on every trip.
    var hasMail: Bool { pending.load(ordering: .acquiring) }

    func takeOrders() -> [Order] {
        pending.store(false, ordering: .releasing)
        return inbox.withLock { orders in
            defer { orders.removeAll() }
            return orders
        }
    }
}
