import Yams

/// `mfa: required` on users, groups and organisations, `require_mfa: true` on grants and the
/// top-level `mfa: {reuse: 8h}`.
extension ConfigurationReader {
    /// `required` or `optional` (the default, written out); anything else is an error, so that
    /// a misspelt `requierd` is not silently "no second factor".
    mutating func readSecondFactorRequirement(_ node: Node, _ what: String) -> Bool? {
        guard let text = string(node, what) else { return nil }
        switch text {
        case "required": return true
        case "optional": return false
        default:
            diagnostics.report("invalid \(what) \(SafeText.quoted(text)): expected required or optional", at: node)
            return nil
        }
    }

    /// The top-level `mfa:` mapping: `reuse: 8h` (or `0`, the default: ask on every connection).
    mutating func readSecondFactorSettings(_ node: Node) -> Duration? {
        guard let fields = fields(of: node, "mfa", allowed: ["reuse"]), let reuseNode = fields.optional("reuse") else {
            return nil
        }
        if string(reuseNode, "mfa.reuse") == "0" { return nil }
        return duration(reuseNode, "mfa.reuse")
    }

}
