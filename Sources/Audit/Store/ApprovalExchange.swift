/// A request waiting for approval on some node, as every node of a cluster can read it.
package struct SharedApprovalRequest: Sendable, Hashable {
    package var id: String
    package var connectionID: String
    package var user: String
    package var organization: String
    package var target: String
    package var login: String
    package var ticket: String?
    package var sourceAddress: String
    package var command: String
    /// The grant whose `approval:` rule applies: every node loads the same policy.
    package var grantName: String
    package var requestedAt: AuditTimestamp
    package var waitUntil: AuditTimestamp

    package init(id: String, connectionID: String, user: String, organization: String, target: String, login: String,
                 ticket: String?, sourceAddress: String, command: String, grantName: String,
                 requestedAt: AuditTimestamp, waitUntil: AuditTimestamp) {
        self.id = id
        self.connectionID = connectionID
        self.user = user
        self.organization = organization
        self.target = target
        self.login = login
        self.ticket = ticket
        self.sourceAddress = sourceAddress
        self.command = command
        self.grantName = grantName
        self.requestedAt = requestedAt
        self.waitUntil = waitUntil
    }
}

/// A decision made on one node for a request that may wait on another.
package struct SharedApprovalDecision: Sendable, Hashable {
    package var id: String
    package var approved: Bool
    package var approver: String
    package var approverOrganization: String?
    /// The approver's note, or the reason of a denial.
    package var note: String?
    /// Until when an approval covers new sessions; nil for a denial.
    package var validUntil: AuditTimestamp?

    package init(id: String, approved: Bool, approver: String, approverOrganization: String?, note: String?,
                 validUntil: AuditTimestamp?) {
        self.id = id
        self.approved = approved
        self.approver = approver
        self.approverOrganization = approverOrganization
        self.note = note
        self.validUntil = validUntil
    }
}

/// An approval in force somewhere in the cluster: it covers new sessions of the same user,
/// target, login and ticket on every node until `validUntil`, as on the node that asked.
package struct SharedApprovalInForce: Sendable, Hashable {
    package var id: String
    package var user: String
    package var target: String
    package var login: String
    package var ticket: String?
    package var approver: String
    package var validUntil: AuditTimestamp

    package init(id: String, user: String, target: String, login: String, ticket: String?, approver: String,
                 validUntil: AuditTimestamp) {
        self.id = id
        self.user = user
        self.target = target
        self.login = login
        self.ticket = ticket
        self.approver = approver
        self.validUntil = validUntil
    }
}

/// Why a decision on a request of another node was not made: one line for the approver.
package enum RemoteDecisionFailure: Error, Sendable, Hashable {
    /// No node has a request by that id.
    case unknown
    /// It was decided, withdrawn or expired; how.
    case ended(String)
    /// The approver may not decide it (their rights are checked where they decide).
    case refused(String)
    /// The shared state cannot be reached: deciding blind could approve a request twice, or
    /// one that was withdrawn, so nothing is decided (fail closed).
    case unreachable
    /// The decision could not be made durable in this node's chain; nothing was decided.
    case notRecorded
}

/// Approval requests and decisions across the nodes of a cluster, behind a protocol so that
/// `Gateway` does not know the engine. A single node has none (its board is the whole truth).
package protocol ApprovalExchange: Sendable {
    /// A request now waits on this node: approvers on other nodes can find and decide it.
    func requestOpened(_ request: SharedApprovalRequest)
    /// The request stopped waiting on this node (decided and seen, withdrawn, expired).
    func requestEnded(id: String, status: String)
    /// A decision made on this node for a request waiting on this node: durable in the chain
    /// already; shared so that the approval covers the user's sessions on every node.
    func decidedHere(_ decision: SharedApprovalDecision)
    /// Decides `id`, which waits on another node, as one claim: `check` returns why the
    /// approver may not (nil: they may), `decide` says what they decided, and `record` makes
    /// it durable in this node's chain before the decision becomes visible to any node.
    func decide(
        id: String, check: (SharedApprovalRequest) -> String?, decide: (SharedApprovalRequest) -> SharedApprovalDecision,
        record: (SharedApprovalRequest, SharedApprovalDecision) throws -> Void
    ) throws(RemoteDecisionFailure) -> (SharedApprovalRequest, SharedApprovalDecision)
}
