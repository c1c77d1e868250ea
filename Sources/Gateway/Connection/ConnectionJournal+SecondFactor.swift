import Audit
import Logging

/// The second factor in the trail and the log. Never the code, never the secret.
extension ConnectionJournal {
    func secondFactorAttempt(_ context: ConnectionContext, result: SecondFactorAttemptResult, attempt: Int? = nil,
                             secondFactor: String? = nil, reason: String? = nil) {
        audit.record(.mfaAttempt(context.auditContext, result: result, attempt: attempt, secondFactor: secondFactor,
                                 reason: reason))
        var extra: Logger.Metadata = ["tg.mfa": "\(result.rawValue)"]
        if let attempt { extra["tg.attempt"] = "\(attempt)" }
        if let reason { extra["tg.reason"] = "\(reason)" }
        let level: Logger.Level = result == .accepted || result == .reused ? .info : .notice
        logger.log(level: level, "second factor", metadata: context.logMetadata.merging(extra) { $1 })
    }

    func secondFactorEnrolment(_ context: ConnectionContext, enrolled: Bool, reason: String? = nil) {
        audit.record(.mfaEnrol(context.auditContext, enrolled: enrolled, reason: reason))
        var extra: Logger.Metadata = ["tg.mfa": "\(enrolled ? "enrolled" : "enrol_refused")"]
        if let reason { extra["tg.reason"] = "\(reason)" }
        logger.log(level: enrolled ? .info : .notice, "second factor enrolment",
                   metadata: context.logMetadata.merging(extra) { $1 })
    }
}
