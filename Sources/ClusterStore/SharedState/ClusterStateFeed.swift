import Audit
import Dispatch
import Foundation
import Logging
import Synchronization

/// A node's link to the cluster's live state (issue 19, item 5), on a thread of its own with
/// its own libpq connection (libpq blocks; Swift's cooperative pool must never wait on it).
///
/// It pushes this node's changes to PostgreSQL in the order they were made, each with a
/// `NOTIFY tracegate_state` in the same transaction, and LISTENs on that channel: on any
/// notification it re-reads the shared tables and hands the result to the gateway, which
/// ends what a new lock forbids. NOTIFY is lost while a node is disconnected, so it also
/// re-reads every `rereadInterval`, and after every reconnection.
///
/// When PostgreSQL is unreachable the node goes on with what it knows: its own changes wait
/// in memory (its chain already holds their events) and are pushed when it returns.
package final class ClusterStateFeed: Sendable {
    package struct Schedule: Sendable {
        /// The safety net under NOTIFY: the longest a change can take to reach a node that
        /// missed its notification.
        package var rereadInterval: Duration = .seconds(3)
        /// Upper bound of the wait between connection attempts while PostgreSQL is unreachable.
        package var maximumBackoff: Duration = .seconds(5)

        package init() {}
    }

    /// What the gateway does with what the cluster says.
    package struct Handlers: Sendable {
        /// The locks in force as the cluster sees them.
        package var locks: @Sendable ([LockRecord]) -> Void
        /// The ids of requests waiting on this node with no decision yet.
        package var waitingApprovals: @Sendable () -> [String]
        /// Decisions made (on any node) for some of those requests.
        package var approvalDecisions: @Sendable ([SharedApprovalDecision]) -> Void
        /// Every request waiting on any node, and every approval in force, as last read.
        package var approvals: @Sendable (_ pending: [SharedApprovalRequest], _ inForce: [SharedApprovalInForce]) -> Void
        /// The penalties in force imposed by the other nodes.
        package var penalties: @Sendable ([SharedPenalty]) -> Void

        package init(locks: @escaping @Sendable ([LockRecord]) -> Void,
                     waitingApprovals: @escaping @Sendable () -> [String],
                     approvalDecisions: @escaping @Sendable ([SharedApprovalDecision]) -> Void,
                     approvals: @escaping @Sendable ([SharedApprovalRequest], [SharedApprovalInForce]) -> Void,
                     penalties: @escaping @Sendable ([SharedPenalty]) -> Void = { _ in }) {
            self.locks = locks
            self.waitingApprovals = waitingApprovals
            self.approvalDecisions = approvalDecisions
            self.approvals = approvals
            self.penalties = penalties
        }
    }

    /// The feed's statements, on its one connection.
    private struct Tables {
        var locks: SharedLockTable
        var approvals: SharedApprovalTable
        /// Nil on a schema migrated before the second-factor tables (locks and approvals still work).
        var secondFactors: SharedSecondFactorTable?
        /// Nil on a schema migrated before the shared reviews.
        var reviews: SharedReviewTable?
        /// Nil on a schema migrated before the shared penalties.
        var penalties: SharedPenaltyTable?
        var connection: PostgresConnection { locks.connection }
    }

    /// Internal: `ClusteredApprovalExchange` decides on its own connection to the same place.
    let node: String
    let endpoint: PostgresEndpoint
    /// Who is enrolled for a second factor, as last read; `ClusteredSecondFactorStore` asks it
    /// while PostgreSQL is unreachable.
    let knownEnrolments = KnownEnrolments()
    /// Break-glass items open on any node at the last read; -1 before the first. `/metrics`
    /// reads this rather than PostgreSQL: its thread also answers the load balancer's checks,
    /// which must not wait on a database that is down.
    let openReviewCount = Atomic(-1)
    private let schedule: Schedule
    private let logger: Logger
    private let outbox = Mutex<[SharedStateWrite]>([])
    private let handlers = Mutex<Handlers?>(nil)
    private let stopping = Atomic(false)
    private let wakeup: FeedWakeup
    private let finished = DispatchSemaphore(value: 0)

    package init(node: String, endpoint: PostgresEndpoint, schedule: Schedule = Schedule(), logger: Logger) throws(PostgresError) {
        self.node = node
        self.endpoint = endpoint
        self.schedule = schedule
        self.logger = logger
        wakeup = try FeedWakeup()
    }

    package func start(_ handlers: Handlers) {
        self.handlers.withLock { $0 = handlers }
        let thread = Thread { [self] in
            Thread.current.name = "tg-cluster-feed"
            run()
            finished.signal()
        }
        thread.start()
    }

    /// Stops after one last attempt to push what waits; at most `timeout`.
    package func stop(timeout: Duration = .seconds(3)) {
        stopping.store(true, ordering: .releasing)
        wakeup.signal()
        let (seconds, attoseconds) = timeout.components
        _ = finished.wait(timeout: .now() + .nanoseconds(Int(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)))
    }

    /// At most this many penalties wait for PostgreSQL (a flood from many addresses during an
    /// outage must not grow the queue without end); beyond, the oldest are dropped, and stay
    /// in force on this node only.
    package static let maximumPendingPenalties = 4096

    /// Queues a change made on this node for PostgreSQL and wakes the thread to push it. A
    /// penalty replaces the one still waiting for the same source (the newest wins: it ends
    /// later), and the queue holds at most `maximumPendingPenalties` of them.
    package func push(_ write: SharedStateWrite) {
        outbox.withLock { outbox in
            if let source = write.penaltySource {
                outbox.removeAll { $0.penaltySource == source }
                if outbox.count(where: { $0.penaltySource != nil }) >= Self.maximumPendingPenalties,
                   let oldest = outbox.firstIndex(where: { $0.penaltySource != nil }) {
                    outbox.remove(at: oldest)
                }
            }
            outbox.append(write)
        }
        wakeup.signal()
    }

    /// Changes made here and not yet in PostgreSQL (for `/metrics` and logs).
    package var pendingWrites: Int { outbox.withLock { $0.count } }

    private var isStopping: Bool { stopping.load(ordering: .acquiring) }

    private func run() {
        var table: Tables?
        var outageStarted: ContinuousClock.Instant?
        var backoff = Duration.milliseconds(200)
        var nextReread = ContinuousClock.now
        var closedLeftovers = false
        while true {
            let finalPass = isStopping
            do {
                if table == nil {
                    table = try open()
                    nextReread = .now
                }
                guard let current = table else { continue }
                if !closedLeftovers {
                    // Before anything of this process is pushed: what still waits under this
                    // node's name is from the previous process, whose connections are gone.
                    try current.approvals.closeLeftovers()
                    closedLeftovers = true
                }
                try pushPending(current)
                if finalPass { return }
                if ContinuousClock.now >= nextReread {
                    try reread(current)
                    nextReread = .now + schedule.rereadInterval
                }
                if let started = outageStarted {
                    logger.info("cluster: shared state reachable again, local changes pushed", metadata: [
                        "tg.node": "\(node)", "tg.outage_seconds": "\((ContinuousClock.now - started).components.seconds)",
                    ])
                    outageStarted = nil
                }
                backoff = .milliseconds(200)
                if wakeup.wait(alongside: current.connection.socketDescriptor, timeout: nextReread - .now) {
                    try current.connection.consumeInput()
                    let heard = current.connection.takeNotifications().filter { $0.channel == SharedStateChange.channel }
                    if !heard.isEmpty {
                        logger.debug("cluster: shared state changed", metadata: [
                            "tg.node": "\(node)", "tg.changes": "\(heard.map(\.payload).joined(separator: ","))",
                        ])
                        nextReread = .now
                    }
                }
            } catch {
                table = nil
                if finalPass { return }
                if outageStarted == nil {
                    outageStarted = .now
                    // Once per outage, like the shipper: a down database must not fill the log.
                    logger.warning("cluster: cannot reach the shared state in PostgreSQL; locks set here apply here and are pushed when it returns", metadata: [
                        "tg.node": "\(node)", "tg.error": "\(error)", "tg.pending": "\(pendingWrites)",
                    ])
                }
                _ = wakeup.wait(alongside: -1, timeout: backoff)
                backoff = min(backoff * 2, schedule.maximumBackoff)
            }
        }
    }

    /// A new connection that LISTENs, refusing a schema without the shared tables.
    private func open() throws -> Tables {
        let connection = try PostgresConnection(endpoint)
        let version = try PostgresMigrator.version(of: connection)
        guard version >= SharedApprovalTable.schemaVersion else { throw ShippingError.notMigrated }
        try connection.execute("LISTEN \(SharedStateChange.channel)")
        return Tables(locks: SharedLockTable(node: node, connection: connection),
                      approvals: SharedApprovalTable(node: node, connection: connection),
                      secondFactors: version >= SharedSecondFactorTable.schemaVersion
                          ? SharedSecondFactorTable(node: node, connection: connection) : nil,
                      reviews: version >= SharedReviewTable.schemaVersion
                          ? SharedReviewTable(node: node, connection: connection) : nil,
                      penalties: version >= SharedPenaltyTable.schemaVersion
                          ? SharedPenaltyTable(node: node, connection: connection) : nil)
    }

    /// Writes every queued change, oldest first; each leaves the queue only once committed,
    /// so a lost connection retries it (the writes are idempotent).
    private func pushPending(_ tables: Tables) throws {
        while let write = outbox.withLock({ $0.first }) {
            do {
                switch write {
                case .lockCreated(let lock): try tables.locks.insert(lock)
                case .lockRemoved(let lock, let remover, let time): try tables.locks.remove(lock, by: remover, at: time)
                case .approvalRequested(let request): try tables.approvals.insert(request)
                case .approvalEnded(let id, let status): try tables.approvals.end(id: id, status: status)
                case .approvalDecided(let decision): try tables.approvals.record(decision)
                case .reviewOpened(let review):
                    if let reviews = reviewTable(tables) { try reviews.insert(review) }
                case .reviewClosed(let closing):
                    if let reviews = reviewTable(tables) { try reviews.closeIfOpen(closing) }
                case .penaltyImposed(let penalty):
                    if let penalties = tables.penalties {
                        try penalties.upsert(penalty)
                    } else {
                        logger.error("cluster: the PostgreSQL schema has no shared penalties; a penalty stays on this node (run `tracegate cluster migrate`)",
                                     metadata: ["tg.node": "\(node)", "tg.source": "\(penalty.source)"])
                    }
                }
            } catch let error as PostgresError where !error.isConnectionProblem {
                // Refused for its content: it would be refused forever and block every later write.
                logger.error("cluster: PostgreSQL refused a shared-state write; it is dropped (the node's chain keeps the event)",
                             metadata: ["tg.node": "\(node)", "tg.error": "\(error)"])
            }
            outbox.withLock { if $0.first == write { $0.removeFirst() } }
        }
    }

    /// The reviews table; nil (the write is dropped, with a line in the log) on a schema that
    /// predates it, where retrying would block every later write.
    private func reviewTable(_ tables: Tables) -> SharedReviewTable? {
        if tables.reviews == nil {
            logger.error("cluster: the PostgreSQL schema has no shared reviews; a review item stays on this node (run `tracegate cluster migrate`)",
                         metadata: ["tg.node": "\(node)"])
        }
        return tables.reviews
    }

    /// Reads the locks in force and hands them, corrected by what is still queued, to the
    /// gateway; then the decisions made for the requests waiting here; then who is enrolled, how many
    /// break-glass items are open, and which sources are penalised.
    private func reread(_ tables: Tables) throws {
        guard let handlers = handlers.withLock({ $0 }) else { return }
        let remote = try tables.locks.notRemoved()
        let now = AuditTimestamp.now()
        let merged = outbox.withLock { pending in SharedLockMerge.locks(remote: remote, pending: pending) }
            .filter { $0.isInForce(at: now) }
        handlers.locks(merged)
        let decisions = try tables.approvals.decisions(for: handlers.waitingApprovals())
        if !decisions.isEmpty { handlers.approvalDecisions(decisions) }
        handlers.approvals(try tables.approvals.pending(at: now), try tables.approvals.inForce(at: now))
        if let secondFactors = tables.secondFactors { knownEnrolments.replace(with: try secondFactors.enrolledUsers()) }
        if let reviews = tables.reviews { openReviewCount.store(try reviews.openCount(), ordering: .relaxed) }
        // This node's own rows are in its book already (a restarted node does not get them back).
        if let penalties = tables.penalties { handlers.penalties(try penalties.inForce(at: now).filter { $0.node != node }) }
    }
}
