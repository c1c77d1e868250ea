import Audit
import Foundation

/// How a connection met the second factor, once decided at authentication. It travels on
/// `ConnectionContext` for every later check (a grant with `require_mfa`, the gateway shell's
/// commands that change something) and into the connection's audit row.
package enum SecondFactorOutcome: Sendable, Equatable {
    /// A right code on this connection.
    case code
    /// No code asked: a good code from the same address within the reuse window.
    case reused(since: Date, connection: String)
    /// Neither the policy nor an enrolment asked for a code.
    case notRequired

    /// Whether a code vouches for this connection (now or within the reuse window).
    package var isMet: Bool {
        switch self {
        case .code, .reused: true
        case .notRequired: false
        }
    }

    /// `code`, `reused (since 2026-…Z, from connection c-…)`, `not_required`: the
    /// `second_factor` column of `connections` and detail of `access.decision`.
    package var auditText: String {
        switch self {
        case .code: "code"
        case .reused(let since, let connection):
            "reused (since \(AuditTimestamp(secondsSinceEpoch: since.timeIntervalSince1970).iso8601Seconds), from connection \(connection))"
        case .notRequired: "not_required"
        }
    }
}
