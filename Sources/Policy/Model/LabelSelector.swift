/// The `labels:` of a grant's `targets`: for each key, the values it may take. A target is
/// selected when it carries every key with one of that key's values.
///
/// In the file, `env: prod` is equality and `app: [shop, search]` is set membership.
package struct LabelSelector: Hashable, Sendable, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    package var requirements: [String: Set<String>]

    package init(_ requirements: [String: Set<String>] = [:]) {
        self.requirements = requirements
    }

    package init(dictionaryLiteral elements: (String, Set<String>)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { $0.union($1) }))
    }

    package var isEmpty: Bool { requirements.isEmpty }

    /// An empty selector selects nothing: "no labels given" must never mean "every target".
    package func selects(_ labels: [String: String]) -> Bool {
        guard !requirements.isEmpty else { return false }
        return requirements.allSatisfy { key, values in labels[key].map(values.contains) ?? false }
    }

    /// `app in (search, shop), env=prod`, keys and values sorted.
    package var description: String {
        requirements.sorted { $0.key < $1.key }.map { key, values in
            values.count == 1 ? "\(key)=\(values.first!)" : "\(key) in (\(values.sorted().joined(separator: ", ")))"
        }.joined(separator: ", ")
    }
}
