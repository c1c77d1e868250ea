import Audit
import ClusterStore
import Dispatch
import Foundation
import Logging
import Synchronization
import Testing
import TestSupport

/// The cluster's review items against a real PostgreSQL: reviewers on several nodes closing the
/// same item at the same moment close it once, and the record (the chain's event) is made for
/// that one only. The racers are OS threads, as the gateway's connection threads are.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ClusteredReviewsTests {
    /// This node's own file has nothing: every item is the cluster's.
    private struct NoLocalReviews: ReviewStore {
        func openReviews() throws(AuditError) -> [ReviewRecord] { [] }
        func review(id: String) throws(AuditError) -> ReviewRecord? { nil }
        func review(ofSessionOrConnection id: String) throws(AuditError) -> ReviewRecord? { nil }
    }

    @Test func reviewersOnSeveralNodesAtOnceCloseAnItemOnceAndRecordItOnce() async throws {
        let postgres = try await PostgreSQLServer.start()
        let url = try await postgres.createDatabase("reviews")
        let endpoint = PostgresEndpoint(url: url, password: postgres.password)
        _ = try PostgresMigrator().migrate(try PostgresConnection(endpoint))
        _ = try await postgres.query("""
            INSERT INTO shared_reviews (id, node, connection_id, opened_at, "user", organization, target, login, reason, rule_name)
            VALUES ('b-00000001', 'gw-1', 'c-1', '2026-12-06T03:12:40.000000Z', 'bob', 'provider', 'db-01', 'root',
                    'db-01 down', 'break-glass #1')
            """, database: "reviews")
        let nodes = try ["gw-1", "gw-2", "gw-3"].map { node in
            ClusteredReviews(feed: try ClusterStateFeed(node: node, endpoint: endpoint, logger: Logger(label: "test")),
                             local: NoLocalReviews())
        }
        #expect(try nodes[1].openReviews().map(\.id) == ["b-00000001"])

        let records = Atomic(0)
        let closed = Atomic(0)
        let failures = Mutex<[RemoteReviewFailure]>([])
        DispatchQueue.concurrentPerform(iterations: 12) { index in
            let node = nodes[index % nodes.count]
            do {
                _ = try node.close(id: "b-00000001", check: { _ in nil }, closing: { item in
                    ReviewClosing(id: item.id, result: .accepted, reviewer: "alice-\(index)", reviewerOrganization: "retailer",
                                  note: "ok", time: .now())
                }, record: { _ in records.add(1, ordering: .relaxed) })
                closed.add(1, ordering: .relaxed)
            } catch let failure as RemoteReviewFailure {
                failures.withLock { $0.append(failure) }
            } catch {
                Issue.record("\(error)")
            }
        }
        #expect(closed.load(ordering: .relaxed) == 1 && records.load(ordering: .relaxed) == 1)
        let others = failures.withLock { $0 }
        #expect(others.count == 11 && others.allSatisfy {
            if case .closed(.accepted, let by) = $0 { by?.hasPrefix("alice-") == true } else { false }
        }, "\(others)")
        #expect(try nodes[0].openReviews().isEmpty)
        #expect(try nodes[2].review(id: "b-00000001")?.result == .accepted)
        // An item no node opened is said to be unknown (the shell then looks in its own file).
        #expect(throws: RemoteReviewFailure.unknown) {
            try nodes[0].close(id: "b-99999999", check: { _ in nil }, closing: { _ in
                ReviewClosing(id: "b-99999999", result: .rejected, reviewer: "x", reviewerOrganization: nil, note: "", time: .now())
            }, record: { _ in })
        }
        try await postgres.stop()
    }
}
