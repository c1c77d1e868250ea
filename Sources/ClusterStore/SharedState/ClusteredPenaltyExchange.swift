import Audit

/// The `PenaltyExchange` of a clustered node: a penalty imposed here is queued for PostgreSQL
/// (the feed's thread writes it; the accept path never waits), and the feed's reads bring the
/// cluster's penalties back to the gateway (`ClusterStateFeed.Handlers.penalties`).
package struct ClusteredPenaltyExchange: PenaltyExchange {
    let feed: ClusterStateFeed

    package init(feed: ClusterStateFeed) {
        self.feed = feed
    }

    package func imposed(source: String, until: AuditTimestamp, level: Int, reason: String) {
        feed.push(.penaltyImposed(SharedPenalty(source: source, until: until, level: level, node: feed.node, reason: reason)))
    }
}
