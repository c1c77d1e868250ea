/// `approval: {by: SELECTOR, valid: D, wait: D}` on a grant: the grant allows only once a
/// member of `by` (never the requester, and never someone of the requester's organisation
/// when `by` names organisations) has said yes.
package struct ApprovalRule: Hashable, Sendable {
    /// Who may approve, with the same selector as a grant's `to:`.
    package var approvers: GrantSubjects
    /// How long one approval covers new sessions of the same user, target, login and ticket.
    package var valid: Duration
    /// How long a request waits for a decision before it ends.
    package var wait: Duration

    package static let defaultValid: Duration = .seconds(3600)
    package static let defaultWait: Duration = .seconds(600)

    package init(approvers: GrantSubjects, valid: Duration = defaultValid, wait: Duration = defaultWait) {
        self.approvers = approvers
        self.valid = valid
        self.wait = wait
    }

    /// Why `approver` may not decide a request of `requester`; nil when they may.
    package func refusal(approver: User, requester: String, requesterOrganization: String) -> ApprovalRefusal? {
        if approver.name == requester { return .ownRequest }
        guard approvers.includes(approver) else { return .notAnApprover }
        // Four eyes across organisations: when `by` names organisations, a colleague of the
        // requester does not count, even if another entry of `by` (a group) includes them.
        if !approvers.organizations.isEmpty, approver.organization == requesterOrganization,
           !approvers.users.contains(approver.name) {
            return .sameOrganization(requesterOrganization)
        }
        return nil
    }

    /// `retailer`, `carol, org retailer`: who may approve, for the engineer's line.
    package var approversDescription: String {
        var parts: [String] = []
        parts += approvers.users
        parts += approvers.groups.map { "group \($0)" }
        parts += approvers.organizations
        return parts.joined(separator: " or ")
    }
}

/// Why an approver's decision does not count.
package enum ApprovalRefusal: Hashable, Sendable {
    case ownRequest
    case notAnApprover
    case sameOrganization(String)

    package var message: String {
        switch self {
        case .ownRequest: "you cannot decide your own request"
        case .notAnApprover: "you are not among the approvers of this request"
        case .sameOrganization(let organization):
            "an approver from the requester's own organisation (\(organization)) does not count"
        }
    }
}
