import Audit
import Dispatch
import Foundation
import Logging
import Synchronization

/// Copies this node's trail from its SQLite journal to PostgreSQL, in chain order, on a
/// thread of its own (libpq blocks; Swift's cooperative pool must never wait on it).
///
/// The local journal stays the place where a decision becomes durable before anything is
/// forwarded; PostgreSQL receives each event within about `pollInterval` of its commit. When
/// PostgreSQL is unreachable the gateway goes on: the shipper says so once per outage,
/// retries with a capped backoff, and catches up from where PostgreSQL's copy ends.
package final class EventShipper: Sendable {
    private let node: String
    private let endpoint: PostgresEndpoint
    private let store: AuditStore
    private let facts: @Sendable () -> NodeFacts
    private let schedule: ShippingSchedule
    private let logger: Logger
    private let state = Mutex(ShippingStatus())
    private let stopping = Atomic(false)
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    package init(node: String, endpoint: PostgresEndpoint, store: AuditStore, schedule: ShippingSchedule = ShippingSchedule(),
                 logger: Logger, facts: @escaping @Sendable () -> NodeFacts) {
        self.node = node
        self.endpoint = endpoint
        self.store = store
        self.facts = facts
        self.schedule = schedule
        self.logger = logger
    }

    /// The lag as last measured (for `/metrics`).
    package var status: ShippingStatus { state.withLock { $0 } }

    package func start() {
        logger.info("cluster: shipping the trail to PostgreSQL", metadata: ["tg.node": "\(node)"])
        let thread = Thread { [self] in
            Thread.current.name = "tg-shipper"
            run()
            finished.signal()
        }
        thread.start()
    }

    /// Ships what it can of the trail's last events (the gateway's stop among them), then
    /// returns; waits at most `timeout`, since PostgreSQL may be down at shutdown.
    package func stop(timeout: Duration = .seconds(5)) {
        stopping.store(true, ordering: .releasing)
        wakeup.signal()
        let (seconds, attoseconds) = timeout.components
        _ = finished.wait(timeout: .now() + .nanoseconds(Int(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)))
    }

    private var isStopping: Bool { stopping.load(ordering: .acquiring) }

    private func run() {
        var session: ShippingSession?
        var outageStarted: ContinuousClock.Instant?
        var backoff = schedule.pollInterval
        var lastHeartbeat: ContinuousClock.Instant?
        while true {
            let finalPass = isStopping
            do {
                let current = try shipPending(try session ?? open())
                session = current
                let status = try measure(shipped: current.shipped, reachable: true)
                if finalPass || lastHeartbeat.map({ ContinuousClock.now - $0 >= schedule.heartbeatInterval }) ?? true {
                    try current.writer.heartbeat(facts(), status: status)
                    lastHeartbeat = .now
                    // `cluster migrate` run while the node ships: the next pass reconnects and
                    // starts shipping the listings' rows, from where they end.
                    if !current.listings, try current.writer.hasListings() { session = nil }
                }
                if let started = outageStarted {
                    logger.info("cluster: PostgreSQL reachable again, trail caught up", metadata: [
                        "tg.node": "\(node)", "tg.outage_seconds": "\((ContinuousClock.now - started).components.seconds)",
                        "tg.shipped_id": "\(current.shipped)",
                    ])
                    outageStarted = nil
                }
                backoff = schedule.pollInterval
            } catch {
                session = nil
                _ = try? measure(shipped: state.withLock { $0.shippedID }, reachable: false)
                if outageStarted == nil {
                    outageStarted = .now
                    // Once per outage: a down database must not fill the log at five lines a second.
                    logger.warning("cluster: cannot ship the trail to PostgreSQL; events stay in the local journal and are shipped when it returns", metadata: [
                        "tg.node": "\(node)", "tg.error": "\(error)",
                    ])
                }
            }
            if finalPass { return }
            wait(for: outageStarted == nil ? schedule.pollInterval : backoff)
            if outageStarted != nil { backoff = min(backoff * 2, schedule.maximumBackoff) }
        }
    }

    /// A new connection, where this node's chain ends in PostgreSQL, and a check that the
    /// chain there is this node's (the same hash at that id locally). With the listings'
    /// tables, shipping resumes where the query-table rows end if that is earlier (a node
    /// that shipped events before migration 0006): its events are sent again, harmlessly,
    /// so that their rows arrive.
    private func open() throws -> ShippingSession {
        let writer = NodeTrailWriter(node: node, connection: try PostgresConnection(endpoint))
        let shipped = try writer.shippedID()
        if shipped > 0 {
            let local = try store.events(after: shipped - 1, limit: 1).first
            let remote = try writer.hash(of: shipped)
            if let local, local.id == shipped, local.hash != remote {
                throw ShippingError.diverged(node: node, eventID: shipped)
            }
            if try store.lag(after: 0).newestID < shipped { throw ShippingError.diverged(node: node, eventID: shipped) }
        }
        state.withLock { $0.shippedID = shipped }
        guard try writer.hasListings() else { return ShippingSession(writer: writer, shipped: shipped) }
        return ShippingSession(writer: writer, shipped: min(shipped, try writer.listingsShippedID()), listings: true,
                               linesShipped: try writer.linesShippedID())
    }

    /// Ships every event after `session.shipped`, a batch per transaction with the query-table
    /// rows it touched, then the new lines of the search index; returns the new ends.
    private func shipPending(_ session: ShippingSession) throws -> ShippingSession {
        var session = session
        while true {
            let batch = try store.events(after: session.shipped, limit: schedule.batchSize)
            guard let last = batch.last else { break }
            if session.listings {
                try session.writer.append(batch, projections: try store.projectionRows(of: batch))
            } else {
                try session.writer.append(batch)
            }
            session.shipped = last.id
            let shipped = session.shipped
            state.withLock { $0.shippedID = max($0.shippedID, shipped) }
            if batch.count < schedule.batchSize { break }
        }
        guard session.listings else { return session }
        // Lines are committed with the events of the writer's batch, so by now every line of
        // the events shipped above is there; lines written since ship on the next pass.
        while true {
            let lines = try store.sessionLines(after: session.linesShipped, limit: schedule.batchSize * 5)
            guard let last = lines.rows.last, let id = last.first.flatMap({ $0.flatMap { Int64($0) } }) else { break }
            try session.writer.upsert([lines])
            session.linesShipped = id
            if lines.rows.count < schedule.batchSize * 5 { break }
        }
        return session
    }

    /// Reads the local trail's end to compute the lag, and publishes it.
    @discardableResult
    private func measure(shipped: Int64, reachable: Bool) throws -> ShippingStatus {
        let lag = try store.lag(after: shipped)
        let seconds = lag.oldestUnshippedTime.map {
            max(0, Double(AuditTimestamp.now().microsecondsSinceEpoch - $0.microsecondsSinceEpoch) / 1_000_000)
        } ?? 0
        return state.withLock { status in
            status.reachable = reachable
            status.shippedID = shipped
            status.lagEvents = max(0, lag.newestID - shipped)
            status.lagSeconds = seconds
            return status
        }
    }

    /// Sleeps `interval`, or less when `stop` is called.
    private func wait(for interval: Duration) {
        let (seconds, attoseconds) = interval.components
        _ = wakeup.wait(timeout: .now() + .nanoseconds(Int(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)))
    }
}

/// One connection to PostgreSQL and how far this node's trail has reached it.
private struct ShippingSession {
    var writer: NodeTrailWriter
    /// The last event id shipped (on a fresh connection: where to resume).
    var shipped: Int64
    /// Whether PostgreSQL has the listings' tables (migration 0006), so rows ship too.
    var listings = false
    /// The last search-index line id shipped.
    var linesShipped: Int64 = 0
}
