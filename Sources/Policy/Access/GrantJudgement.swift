import Foundation

/// Chooses among the grants that apply to a request: the first in file order whose conditions
/// all hold allows it; otherwise the denial names the condition of the grant that came closest.
///
/// Each grant reports its first failing condition in the order source, validity dates, hours,
/// ticket. Across grants, the one whose failure comes latest in that order is the closest to
/// allowing (its earlier conditions hold), so its failure is reported; on a tie, the first
/// in file order. So an engineer who may connect with a ticket is told so (and prompted for
/// one) rather than about another grant's source restriction.
enum GrantJudgement<Subject> {
    case allowed(Subject, Grant)
    /// nil when no grant applied at all; the caller then gives its own "not granted" reason.
    case denied(DenialReason?)

    static func judge(_ candidates: [(Subject, Grant)], at time: Date, sourceAddress: String?, ticket: String?) -> Self {
        var closest: (condition: GrantCondition, reason: DenialReason)?
        for (subject, grant) in candidates {
            guard let failure = grant.conditionFailure(at: time, sourceAddress: sourceAddress, ticket: ticket) else {
                return .allowed(subject, grant)
            }
            if closest.map({ failure.0 > $0.condition }) ?? true {
                closest = (failure.0, failure.1)
            }
        }
        return .denied(closest?.reason)
    }
}
