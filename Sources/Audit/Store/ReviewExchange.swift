/// How a reviewer closed a break-glass item, as every node stores it.
package struct ReviewClosing: Sendable, Hashable {
    package var id: String
    package var result: ReviewResult
    package var reviewer: String
    package var reviewerOrganization: String?
    package var note: String
    package var time: AuditTimestamp

    package init(id: String, result: ReviewResult, reviewer: String, reviewerOrganization: String?, note: String,
                 time: AuditTimestamp) {
        self.id = id
        self.result = result
        self.reviewer = reviewer
        self.reviewerOrganization = reviewerOrganization
        self.note = note
        self.time = time
    }
}

/// Why a review was not closed through the cluster: one line for the reviewer.
package enum RemoteReviewFailure: Error, Sendable, Hashable {
    /// The cluster has no item by that id (perhaps opened on this node and not shared yet).
    case unknown
    /// Closed already, on some node: how and by whom.
    case closed(ReviewResult, by: String?)
    /// The reviewer may not close it (checked where they review, by the same rule everywhere).
    case refused(String)
    /// The shared state cannot be reached: nothing is reviewed (closing blind could close an
    /// item twice, on two nodes).
    case unreachable
    /// The review could not be made durable in this node's chain; nothing was reviewed.
    case notRecorded
}

/// Break-glass review items across the nodes of a cluster, behind a protocol so that `Gateway`
/// does not know the engine. A single node has none: its `reviews` table is the whole truth.
/// The evidence stays in the chains: `breakglass.open` in the chain of the node where the glass
/// was broken, `breakglass.review` in the chain of the node where it was reviewed.
package protocol ReviewExchange: Sendable {
    /// An item opened on this node (its `breakglass.open` is durable already): reviewers on
    /// every node can list and close it.
    func reviewOpened(_ review: ReviewRecord)
    /// An item of this node that the cluster did not know yet, closed here: shared when the
    /// cluster learns of the item (it stays closed if another node closed it first).
    func reviewClosedHere(_ closing: ReviewClosing)
    /// Closes `id` as one claim: `check` says why the reviewer may not (nil: they may),
    /// `record` makes the review durable in this node's chain before any node sees it closed.
    func close(id: String, check: (ReviewRecord) -> String?, closing: (ReviewRecord) -> ReviewClosing,
               record: (ReviewRecord) throws -> Void) throws(RemoteReviewFailure) -> ReviewRecord
    /// How many items were open on any node at the last look, without waiting for the
    /// cluster; nil when it was never reached.
    var openCountAsLastSeen: Int? { get }
}
