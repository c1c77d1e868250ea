import Audit
import Synchronization

/// Break-glass reviews on a clustered node: the `ReviewStore` that every reader of the gateway
/// uses (the shell's `reviews` and `review`, the reminder in the log, `/metrics`), and the
/// `ReviewExchange` through which items are shared and closed. `Gateway` sees only the two
/// protocols, as on a single node.
///
/// Items opened here reach PostgreSQL through the feed (pushed again after an outage, in
/// order). Reads and closes happen on the reviewer's own connection thread (never Swift's
/// cooperative pool), on a small pool with bounded waits, straight from PostgreSQL: an item
/// closed through any node reads closed on every node at once. While PostgreSQL cannot be
/// reached the reads fall back to this node's own file (its own items, as it last knew them)
/// and nothing is closed.
package final class ClusteredReviews: ReviewStore, ReviewExchange {
    private let node: String
    private let feed: ClusterStateFeed
    private let local: any ReviewStore
    private let pool: PostgresConnectionPool

    package init(feed: ClusterStateFeed, local: any ReviewStore) {
        node = feed.node
        self.feed = feed
        self.local = local
        var endpoint = feed.endpoint
        // A reviewer waits for this at their terminal: a down server must answer quickly.
        endpoint.connectTimeoutSeconds = 3
        endpoint.tcpUserTimeoutMilliseconds = 5_000
        pool = PostgresConnectionPool(endpoint: endpoint, statementTimeoutMilliseconds: 3_000, maximumInUse: 4,
                                      maximumIdle: 1) { connection in
            guard try PostgresMigrator.version(of: connection) >= SharedReviewTable.schemaVersion else {
                throw PostgresError.statementFailed(sqlState: nil, message: "the schema has no reviews: run `tracegate cluster migrate`")
            }
        }
    }

    // MARK: ReviewStore

    package func openReviews() throws(AuditError) -> [ReviewRecord] {
        if let shared = try? shared({ try $0.open() }) { return shared }
        return try local.openReviews()
    }

    package func review(id: String) throws(AuditError) -> ReviewRecord? {
        if let shared = try? shared({ try $0.review(id: id) }) { return shared }
        return try local.review(id: id)
    }

    /// Sessions are this node's: the item is found locally, its state read from the cluster.
    package func review(ofSessionOrConnection id: String) throws(AuditError) -> ReviewRecord? {
        guard let item = try local.review(ofSessionOrConnection: id) else { return nil }
        return (try? shared { try $0.review(id: item.id) }).flatMap { $0 } ?? item
    }

    // MARK: ReviewExchange

    package func reviewOpened(_ review: ReviewRecord) {
        feed.push(.reviewOpened(review))
    }

    package func reviewClosedHere(_ closing: ReviewClosing) {
        feed.push(.reviewClosed(closing))
    }

    package func close(id: String, check: (ReviewRecord) -> String?, closing: (ReviewRecord) -> ReviewClosing,
                       record: (ReviewRecord) throws -> Void) throws(RemoteReviewFailure) -> ReviewRecord {
        let outcome: Result<ReviewRecord, RemoteReviewFailure>
        // The pool runs the body again on a new connection when a parked one turns out dead;
        // the review must not be recorded in the chain twice.
        var recorded = false
        do {
            outcome = try shared { table in
                guard !recorded else { throw RemoteReviewFailure.unreachable }
                return try table.close(id: id, check: check, closing: closing, record: { item in
                    try record(item)
                    recorded = true
                })
            }
        } catch {
            throw .unreachable
        }
        return try outcome.get()
    }

    package var openCountAsLastSeen: Int? {
        let count = feed.openReviewCount.load(ordering: .relaxed)
        return count < 0 ? nil : count
    }

    private func shared<T>(_ body: (SharedReviewTable) throws -> T) throws -> T {
        try pool.withConnection { connection in try body(SharedReviewTable(node: node, connection: connection)) }
    }
}
