/// What one `NOTIFY tracegate_state` says changed: `lock:l-…`, `approval:r-…`, `review:b-…`,
/// `mfa:USER` (an enrolment, reset or removal) or `penalty:SOURCE` (a source penalised). The payload names the item
/// (for logs and for a reader that wants only it); every node re-reads the kind's table on any
/// change, so a payload it cannot parse still makes it look, and loses nothing.
package enum SharedStateChange: Sendable, Hashable {
    case lock(id: String)
    case approval(id: String)
    case review(id: String)
    case secondFactor(user: String)
    case penalty(source: String)

    /// The channel every node LISTENs on.
    package static let channel = "tracegate_state"

    /// Ids are ours (`l-…`, `r-…`, `b-…`, user names), short and printable: anything else in a payload is not ours.
    private static let maximumIDLength = 64

    package init?(payload: String) {
        guard let colon = payload.firstIndex(of: ":") else { return nil }
        let kind = payload[..<colon]
        let id = String(payload[payload.index(after: colon)...])
        guard !id.isEmpty, id.count <= Self.maximumIDLength,
              id.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else { return nil }
        switch kind {
        case "lock": self = .lock(id: id)
        case "approval": self = .approval(id: id)
        case "review": self = .review(id: id)
        case "mfa": self = .secondFactor(user: id)
        case "penalty": self = .penalty(source: id)
        default: return nil
        }
    }

    /// The NOTIFY payload (PostgreSQL limits it to 8000 bytes; ours are tiny).
    package var payload: String {
        switch self {
        case .lock(let id): "lock:\(id)"
        case .approval(let id): "approval:\(id)"
        case .review(let id): "review:\(id)"
        case .secondFactor(let user): "mfa:\(user)"
        case .penalty(let source): "penalty:\(source)"
        }
    }
}
