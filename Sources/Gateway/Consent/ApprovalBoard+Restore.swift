import Audit
import Foundation
import Logging

extension GatewayService {
    /// At start: approvals still valid cover sessions again (requests that were waiting when the
    /// previous process stopped were withdrawn in the trail: their connections are gone).
    /// `withdrawn`: what `ApprovalStore.withdrawInterruptedApprovals()` closed before the writer started.
    static func restoreApprovals(from store: some ApprovalStore, into board: ApprovalBoard, withdrawn: Int,
                                 logger: Logger) throws {
        let now = AuditTimestamp.now()
        let inForce = try store.approvalsInForce(at: now)
        for record in inForce {
            guard let validUntil = record.validUntil, let approver = record.decidedBy else { continue }
            board.restore(
                ApprovalBoard.InForce(
                    approvalID: record.id, approver: approver,
                    validUntil: Date(timeIntervalSince1970: Double(validUntil.microsecondsSinceEpoch) / 1_000_000)),
                covering: ApprovalBoard.Coverage(user: record.user, target: record.target, login: record.login,
                                                 ticket: record.ticket))
        }
        if withdrawn > 0 || !inForce.isEmpty {
            logger.notice("approvals restored", metadata: ["tg.in_force": "\(inForce.count)", "tg.withdrawn": "\(withdrawn)"])
        }
    }
}
