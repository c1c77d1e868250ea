/// The detail keys of the approval events (docs/audit-schema.md, "Approvals").
extension AuditDetailKey {
    package static let approvalID = "approval_id"
    package static let approvers = "approvers"
    package static let waitUntil = "wait_until"
    package static let validUntil = "valid_until"
    package static let approver = "approver"
    package static let approverOrganization = "approver_org"
    package static let note = "note"
    package static let requester = "requester"
    package static let approvedBy = "approved_by"
}

/// How an approval request ended, as `approval.decision` and `approval.withdraw` say it.
package enum ApprovalStatus: String, Sendable, Hashable, CaseIterable {
    case pending
    case approved
    case denied
    /// The engineer pressed Ctrl-C, closed the channel or left.
    case withdrawn
    /// Nobody decided within the grant's `wait`.
    case expired
    /// The gateway stopped while the request waited (withdrawn at the next start).
    case interrupted
}

/// What the requester asked for, as `approval.request` records it.
package struct ApprovalRequestFacts: Sendable, Hashable {
    package var id: String
    package var command: String
    package var approvers: String
    package var grant: String
    package var waitUntil: AuditTimestamp

    package init(id: String, command: String, approvers: String, grant: String, waitUntil: AuditTimestamp) {
        self.id = id
        self.command = command
        self.approvers = approvers
        self.grant = grant
        self.waitUntil = waitUntil
    }
}

extension AuditEvent {
    /// `approval.request`: on the requester's connection, before anything reaches the target.
    package static func approvalRequest(_ context: AuditContext, request: ApprovalRequestFacts) -> AuditEvent {
        AuditEvent(.approvalRequest, context: context, result: ApprovalStatus.pending.rawValue, details: [
            AuditDetailKey.approvalID: .string(request.id),
            AuditDetailKey.command: .string(request.command),
            AuditDetailKey.approvers: .string(request.approvers),
            AuditDetailKey.grant: .string(request.grant),
            AuditDetailKey.waitUntil: .string(request.waitUntil.iso8601),
        ])
    }

    /// `approval.decision`: on the approver's connection (the gateway shell), whose user is the
    /// approver; `requester` names whose request it was.
    package static func approvalDecision(
        _ context: AuditContext, approvalID: String, requester: String?, approved: Bool, note: String?,
        validUntil: AuditTimestamp?
    ) -> AuditEvent {
        var details: [String: AuditValue] = [
            AuditDetailKey.approvalID: .string(approvalID),
            AuditDetailKey.approver: context.user.map(AuditValue.string) ?? .null,
            AuditDetailKey.approverOrganization: context.organization.map(AuditValue.string) ?? .null,
        ]
        if let requester { details[AuditDetailKey.requester] = .string(requester) }
        if let note { details[AuditDetailKey.note] = .string(note) }
        if let validUntil { details[AuditDetailKey.validUntil] = .string(validUntil.iso8601) }
        let status: ApprovalStatus = approved ? .approved : .denied
        return AuditEvent(.approvalDecision, context: context, result: status.rawValue, reason: approved ? nil : note,
                          details: details)
    }

    /// `approval.withdraw`: the request ended undecided (`status` withdrawn, expired or interrupted).
    package static func approvalWithdraw(
        _ context: AuditContext, approvalID: String, status: ApprovalStatus, reason: String
    ) -> AuditEvent {
        AuditEvent(.approvalWithdraw, context: context, result: status.rawValue, reason: reason,
                   details: [AuditDetailKey.approvalID: .string(approvalID)])
    }
}
