import Foundation

/// A grant's `require_ticket`: no ticket, any ticket, or one matching a pattern.
///
/// The pattern is a Swift regular expression searched in the ticket, as `grep` does: anchor it
/// (`^(INC|CHG)-[0-9]+$`) to match the whole ticket. It is kept as text and compiled when used,
/// because a compiled `Regex` is not `Sendable`; the loader compiles it once to reject bad ones.
package enum TicketRule: Hashable, Sendable, CustomStringConvertible {
    case notRequired
    case required
    case matching(String)

    /// Longest ticket accepted: enough for a ticket id and a short reason, small enough that
    /// no pattern takes long on it and that audit rows stay small.
    package static let maximumLength = 128

    package enum Verdict: Hashable, Sendable {
        case accepted
        case missing
        case malformed
        case mismatch(pattern: String)
    }

    package func judge(_ ticket: String?) -> Verdict {
        guard self != .notRequired else { return .accepted }
        guard let ticket = ticket?.trimmingCharacters(in: .whitespaces), !ticket.isEmpty else { return .missing }
        guard Self.isWellFormed(ticket) else { return .malformed }
        guard case .matching(let pattern) = self else { return .accepted }
        guard let regex = try? Regex(pattern), (try? regex.firstMatch(in: ticket)) != nil else {
            return .mismatch(pattern: pattern)
        }
        return .accepted
    }

    /// Printable text only: a ticket is stored in the audit trail and shown to auditors, so
    /// nothing in it may drive a terminal (controls, bidi overrides) and its size is bounded.
    package static func isWellFormed(_ ticket: String) -> Bool {
        guard ticket.unicodeScalars.count <= maximumLength else { return false }
        return ticket.unicodeScalars.allSatisfy { scalar in
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: return false
            default: return true
            }
        }
    }

    /// Whether `pattern` compiles; the loader's check.
    package static func isValidPattern(_ pattern: String) -> String? {
        do {
            _ = try Regex(pattern)
            return nil
        } catch {
            return "\(error)"
        }
    }

    package var description: String {
        switch self {
        case .notRequired: return "no ticket"
        case .required: return "a ticket"
        case .matching(let pattern): return "a ticket matching \(pattern)"
        }
    }
}
