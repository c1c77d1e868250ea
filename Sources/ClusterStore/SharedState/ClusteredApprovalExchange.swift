import Audit

/// The `ApprovalExchange` of a clustered node. A request waiting here, and its end, reach
/// PostgreSQL through the feed (pushed again after an outage). A decision on a request of
/// another node is made synchronously, on the approver's own connection thread (a dedicated
/// thread, never Swift's pool), with a connection of its own: the approver must learn at once
/// whether it was they who decided, and while PostgreSQL cannot be reached nothing is decided.
package struct ClusteredApprovalExchange: ApprovalExchange {
    let node: String
    let endpoint: PostgresEndpoint
    let feed: ClusterStateFeed

    package init(feed: ClusterStateFeed) {
        node = feed.node
        var endpoint = feed.endpoint
        // An approver waits for this at their terminal: a down server must answer quickly.
        endpoint.connectTimeoutSeconds = 3
        self.endpoint = endpoint
        self.feed = feed
    }

    package func requestOpened(_ request: SharedApprovalRequest) {
        feed.push(.approvalRequested(request))
    }

    package func requestEnded(id: String, status: String) {
        feed.push(.approvalEnded(id: id, status: status))
    }

    package func decidedHere(_ decision: SharedApprovalDecision) {
        feed.push(.approvalDecided(decision))
    }

    package func decide(
        id: String, check: (SharedApprovalRequest) -> String?, decide: (SharedApprovalRequest) -> SharedApprovalDecision,
        record: (SharedApprovalRequest, SharedApprovalDecision) throws -> Void
    ) throws(RemoteDecisionFailure) -> (SharedApprovalRequest, SharedApprovalDecision) {
        let outcome: Result<(SharedApprovalRequest, SharedApprovalDecision), RemoteDecisionFailure>
        do {
            let connection = try PostgresConnection(endpoint)
            guard try PostgresMigrator.version(of: connection) >= SharedApprovalTable.schemaVersion else {
                throw RemoteDecisionFailure.unreachable
            }
            outcome = try SharedApprovalTable(node: node, connection: connection)
                .decide(id: id, now: .now(), check: check, decide: decide, record: record)
        } catch {
            throw .unreachable
        }
        return try outcome.get()
    }
}
