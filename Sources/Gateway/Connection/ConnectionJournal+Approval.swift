import Audit
import Foundation
import Logging
import Policy

/// Approval requests, decisions and withdrawals in the trail and the log.
extension ConnectionJournal {
    /// Durable before the engineer is told to wait: a request nobody can find must not exist.
    func approvalRequested(_ context: ConnectionContext, request: ApprovalRequestFacts) throws(AuditError) {
        try audit.recordDurably(.approvalRequest(context.auditContext, request: request))
        metrics.approvalRequested()
        logger.notice("approval requested", metadata: context.logMetadata.merging([
            "tg.approval": "\(request.id)", "tg.approvers": "\(request.approvers)", "tg.command": "\(request.command)",
        ]) { $1 })
    }

    /// Durable before the requester learns of it: `context` is the approver's connection.
    func approvalDecided(_ context: ConnectionContext, approvalID: String, requester: String, approved: Bool,
                         note: String?, validUntil: Date?) throws(AuditError) {
        let until = validUntil.map { AuditTimestamp(secondsSinceEpoch: $0.timeIntervalSince1970) }
        try audit.recordDurably(.approvalDecision(
            context.auditContext, approvalID: approvalID, requester: requester, approved: approved, note: note,
            validUntil: until))
        metrics.approvalDecided(approved: approved)
        var extra: Logger.Metadata = [
            "tg.approval": "\(approvalID)", "tg.requester": "\(requester)", "tg.result": "\(approved ? "approved" : "denied")",
        ]
        if let note { extra["tg.note"] = "\(note)" }
        logger.notice("approval decided", metadata: context.logMetadata.merging(extra) { $1 })
    }

    func approvalEnded(_ context: ConnectionContext, approvalID: String, status: ApprovalStatus, reason: String) {
        audit.record(.approvalWithdraw(context.auditContext, approvalID: approvalID, status: status, reason: reason))
        logger.notice("approval request ended", metadata: context.logMetadata.merging([
            "tg.approval": "\(approvalID)", "tg.result": "\(status.rawValue)",
        ]) { $1 })
    }
}
