/// The detail keys of the break-glass events (docs/audit-schema.md, "Break-glass").
extension AuditDetailKey {
    package static let reviewID = "review_id"
    package static let breakGlassReason = "reason"
    package static let rule = "rule"
    package static let reviewer = "reviewer"
    package static let reviewerOrganization = "reviewer_org"
    package static let breakGlassReview = "break_glass_review"
}

/// Where a review item stands.
package enum ReviewResult: String, Sendable, Hashable, CaseIterable {
    case open
    case accepted
    case rejected
}

extension AuditEvent {
    /// `breakglass.open`: durable before the emergency session starts; opens review `reviewID`.
    package static func breakGlassOpen(_ context: AuditContext, reviewID: String, reason: String, rule: String) -> AuditEvent {
        AuditEvent(.breakGlassOpen, context: context, result: ReviewResult.open.rawValue, reason: reason, details: [
            AuditDetailKey.reviewID: .string(reviewID),
            AuditDetailKey.breakGlassReason: .string(reason),
            AuditDetailKey.rule: .string(rule),
        ])
    }

    /// `breakglass.review`: on the reviewer's connection (its `user` is the reviewer).
    package static func breakGlassReview(_ context: AuditContext, reviewID: String, accepted: Bool, note: String) -> AuditEvent {
        AuditEvent(.breakGlassReview, context: context, result: (accepted ? ReviewResult.accepted : .rejected).rawValue,
                   reason: note, details: [
                       AuditDetailKey.reviewID: .string(reviewID),
                       AuditDetailKey.reviewer: context.user.map(AuditValue.string) ?? .null,
                       AuditDetailKey.reviewerOrganization: context.organization.map(AuditValue.string) ?? .null,
                       AuditDetailKey.note: .string(note),
                   ])
    }
}
