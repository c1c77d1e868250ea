import Yams

/// The keys of one YAML mapping, after unknown keys have been reported. Lookups are by the
/// key's text, whatever YAML type the key would resolve to (`yes:` is the key "yes").
struct Fields {
    /// The mapping itself, where "missing key" errors point.
    let node: Node
    /// How the mapping is named in messages, e.g. `user` or `limits`.
    let what: String
    private let values: [String: Node]

    init(node: Node, what: String, values: [String: Node]) {
        self.node = node
        self.what = what
        self.values = values
    }

    subscript(key: String) -> Node? { values[key] }

    /// A key whose value is null counts as absent: `grants:` with every entry commented out
    /// should mean "no grants", not a type error.
    func optional(_ key: String) -> Node? {
        guard let value = values[key], !value.isNull else { return nil }
        return value
    }

    func has(_ key: String) -> Bool { values[key] != nil }
}
