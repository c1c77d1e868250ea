import Yams

extension ConfigurationReader {
    /// `true` or `false`, nothing YAML 1.1 would also call a boolean.
    mutating func boolean(_ node: Node, _ what: String) -> Bool? {
        guard let text = string(node, what) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            diagnostics.report("invalid \(what) \(SafeText.quoted(text)): expected true or false", at: node)
            return nil
        }
    }
}
