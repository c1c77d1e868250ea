import Audit
import ClusterStore
import Foundation
import Logging
import Synchronization
import Testing
import TestSupport

/// Penalties through the shared-state feed: queued without waiting (the newest per source,
/// bounded) and, against a real PostgreSQL, heard by another node's feed within a second,
/// the later end kept when two nodes penalise the same source.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ClusteredPenaltyExchangeTests {
    private static let unreachable = PostgresEndpoint(url: "postgresql://tracegate@127.0.0.1:1/none", password: nil)

    @Test func aPenaltyNotificationNamesItsSourceAndRoundTrips() {
        #expect(SharedStateChange(payload: "penalty:192.0.2.7") == .penalty(source: "192.0.2.7"))
        #expect(SharedStateChange.penalty(source: "2001:db8:1:2::/64").payload == "penalty:2001:db8:1:2::/64")
        #expect(SharedStateChange(payload: SharedStateChange.penalty(source: "2001:db8::/64").payload)
                    == .penalty(source: "2001:db8::/64"))
        #expect(SharedStateChange(payload: "penalty:") == nil)
    }

    @Test func onlyTheNewestPenaltyPerSourceWaitsAndTheQueueIsBounded() throws {
        // Never started: PostgreSQL is "down", everything waits.
        let feed = try ClusterStateFeed(node: "gw-1", endpoint: Self.unreachable, logger: Logger(label: "test"))
        let exchange = ClusteredPenaltyExchange(feed: feed)
        let now = AuditTimestamp.now()
        exchange.imposed(source: "192.0.2.7", until: now.adding(microseconds: 15_000_000), level: 1, reason: "auth_failure")
        exchange.imposed(source: "192.0.2.7", until: now.adding(microseconds: 30_000_000), level: 2, reason: "auth_failure")
        #expect(feed.pendingWrites == 1)
        for index in 0..<(ClusterStateFeed.maximumPendingPenalties + 10) {
            exchange.imposed(source: "10.0.\(index / 256).\(index % 256)", until: now, level: 1, reason: "no_auth")
        }
        #expect(feed.pendingWrites == ClusterStateFeed.maximumPendingPenalties)
    }

    @Test func aPenaltyPushedByOneNodeReachesAnotherWithinASecondAndTheLaterEndIsKept() async throws {
        let postgres = try await PostgreSQLServer.start()
        let url = try await postgres.createDatabase("penalties")
        let endpoint = PostgresEndpoint(url: url, password: postgres.password)
        _ = try PostgresMigrator().migrate(try PostgresConnection(endpoint))
        var schedule = ClusterStateFeed.Schedule()
        // Longer than the test waits: only NOTIFY can bring the penalty in time.
        schedule.rereadInterval = .seconds(60)
        let first = try ClusterStateFeed(node: "gw-1", endpoint: endpoint, schedule: schedule, logger: Logger(label: "gw-1"))
        let second = try ClusterStateFeed(node: "gw-2", endpoint: endpoint, schedule: schedule, logger: Logger(label: "gw-2"))
        let heard = Mutex<[SharedPenalty]>([])
        func handlers(_ penalties: @escaping @Sendable ([SharedPenalty]) -> Void) -> ClusterStateFeed.Handlers {
            ClusterStateFeed.Handlers(locks: { _ in }, waitingApprovals: { [] }, approvalDecisions: { _ in },
                                      approvals: { _, _ in }, penalties: penalties)
        }
        first.start(handlers { _ in })
        second.start(handlers { penalties in heard.withLock { $0 = penalties } })
        defer {
            first.stop()
            second.stop()
        }
        try await Task.sleep(for: .milliseconds(500))

        let until = AuditTimestamp.now().adding(microseconds: 20_000_000)
        let pushed = ContinuousClock.now
        ClusteredPenaltyExchange(feed: first).imposed(source: "192.0.2.7", until: until, level: 1, reason: "auth_failure")
        var seen: SharedPenalty?
        while seen == nil && ContinuousClock.now - pushed < .seconds(3) {
            seen = heard.withLock { $0.first { $0.source == "192.0.2.7" } }
            if seen == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let delay = ContinuousClock.now - pushed
        print("penalty gw-1 -> gw-2 through PostgreSQL: \(delay)")
        #expect(seen == SharedPenalty(source: "192.0.2.7", until: until, level: 1, node: "gw-1", reason: "auth_failure"))
        #expect(delay < .seconds(1))

        // gw-2 penalises it too, for less long: the table keeps gw-1's later end.
        ClusteredPenaltyExchange(feed: second).imposed(source: "192.0.2.7", until: until.adding(microseconds: -5_000_000),
                                                      level: 1, reason: "no_auth")
        try await Task.sleep(for: .milliseconds(500))
        #expect(second.pendingWrites == 0)
        let rows = try await postgres.query("SELECT node, reason, until FROM penalties", database: "penalties")
        #expect(rows == ["gw-1|auth_failure|\(until.iso8601)"], "\(rows)")
        first.stop()
        second.stop()
        try await postgres.stop()
    }
}
