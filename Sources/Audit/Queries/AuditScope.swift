/// The part of the trail one viewer may read, as a condition of the query itself (the web
/// page's `auditors:` views). Connections and sessions carry the user's organisation, the
/// target and the target's owner, so the condition needs no join.
package enum AuditScope: Sendable, Hashable {
    /// Everything: operators on the gateway host, and auditors with `sees: all`.
    case everything
    /// Rows whose user belongs to one of `organizations`, whose target one of them owns, or
    /// whose target is one of `targets`. Nothing else, including connections that never
    /// named a user or a target.
    case limited(organizations: [String], targets: [String])

    /// The same rule for a row held in memory (the web page's live sessions).
    package func includes(organization: String?, target: String?, targetOwner: String?) -> Bool {
        switch self {
        case .everything:
            return true
        case .limited(let organizations, let targets):
            if let organization, organizations.contains(organization) { return true }
            if let targetOwner, organizations.contains(targetOwner) { return true }
            if let target, targets.contains(target) { return true }
            return false
        }
    }

    /// The SQL condition and its arguments; `nil` for everything.
    var condition: (sql: String, arguments: [String])? {
        switch self {
        case .everything:
            return nil
        case .limited(let organizations, let targets):
            var parts: [String] = []
            var arguments: [String] = []
            if !organizations.isEmpty {
                let marks = Array(repeating: "?", count: organizations.count).joined(separator: ", ")
                parts.append("organization IN (\(marks))")
                parts.append("target_owner IN (\(marks))")
                arguments += organizations + organizations
            }
            if !targets.isEmpty {
                parts.append("target IN (\(Array(repeating: "?", count: targets.count).joined(separator: ", ")))")
                arguments += targets
            }
            guard !parts.isEmpty else { return ("0", []) }
            return ("(" + parts.joined(separator: " OR ") + ")", arguments)
        }
    }
}

/// Where a page of a listing starts: strictly older than this row (keyset pagination: the
/// index is entered at the row, so the thousandth page costs what the first does).
package struct AuditCursor: Sendable, Hashable {
    /// The row's time column as stored (ISO 8601 text, which orders like the time).
    package var time: String
    /// The row's id (`c-…`, `s-…`), which orders rows of the same microsecond.
    package var key: String

    package init(time: String, key: String) {
        self.time = time
        self.key = key
    }

    /// `TIME,KEY`, as it appears in a page's `before=` parameter.
    package var token: String { "\(time),\(key)" }

    package init?(token: String) {
        guard token.count <= 120, let comma = token.lastIndex(of: ",") else { return nil }
        let time = String(token[..<comma])
        let key = String(token[token.index(after: comma)...])
        guard AuditTimestamp(iso8601: time) != nil, !key.isEmpty,
              key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return nil
        }
        self.init(time: time, key: key)
    }
}
