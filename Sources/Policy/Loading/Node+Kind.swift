import Yams

extension Node {
    /// `key:`, `key: ~` and `key: null` all mean "nothing here"; a quoted "null" does not.
    var isNull: Bool { null != nil }

    /// How a node is named in "expected X, found Y" messages.
    var kindDescription: String {
        switch self {
        case .scalar: return isNull ? "nothing" : "the scalar \(SafeText.quoted(scalar?.string ?? "", limit: 40))"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}
