import Audit
import Foundation
import Logging
import Policy

extension ConnectionJournal {
    /// The access decision under the break-glass entry and its review item, durable before
    /// anything reaches the target.
    func breakGlassOpened(_ context: ConnectionContext, reviewID: String, reason: String, rule: BreakGlassRule)
        throws(AuditError)
    {
        try audit.recordDurably(.accessDecision(context.auditContext, result: .allowed, grant: rule.name))
        try audit.recordDurably(.breakGlassOpen(context.auditContext, reviewID: reviewID, reason: reason, rule: rule.name))
        metrics.breakGlassOpened()
        logger.warning("break-glass session", metadata: context.logMetadata.merging([
            "tg.review": "\(reviewID)", "tg.reason": "\(reason)", "tg.rule": "\(rule.name)",
        ]) { $1 })
    }

    /// `context` is the reviewer's connection.
    func breakGlassReviewed(_ context: ConnectionContext, reviewID: String, accepted: Bool, note: String) throws(AuditError) {
        try audit.recordDurably(.breakGlassReview(context.auditContext, reviewID: reviewID, accepted: accepted, note: note))
        logger.notice("break-glass reviewed", metadata: context.logMetadata.merging([
            "tg.review": "\(reviewID)", "tg.result": "\(accepted ? "accepted" : "rejected")",
        ]) { $1 })
    }
}
