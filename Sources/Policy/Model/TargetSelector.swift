/// Which targets a grant reaches: by name, or by labels that must all be equal. When both are
/// given either one selects, so a grant can say "all of env=prod, plus this one staging box".
package struct TargetSelector: Hashable, Sendable {
    package var names: [String]
    package var labels: [String: String]

    package init(names: [String] = [], labels: [String: String] = [:]) {
        self.names = names
        self.labels = labels
    }

    package var isEmpty: Bool { names.isEmpty && labels.isEmpty }

    package func selects(_ target: Target) -> Bool {
        if names.contains(target.name) { return true }
        // An empty label map selects nothing: "no labels given" must never mean "every target".
        guard !labels.isEmpty else { return false }
        return labels.allSatisfy { key, value in target.labels[key] == value }
    }
}
