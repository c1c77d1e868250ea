/// Which targets a grant reaches: by name, or by labels. When both are given either one
/// selects, so a grant can say "all of env=prod, plus this one staging box".
package struct TargetSelector: Hashable, Sendable {
    package var names: [String]
    package var labels: LabelSelector

    package init(names: [String] = [], labels: LabelSelector = [:]) {
        self.names = names
        self.labels = labels
    }

    package var isEmpty: Bool { names.isEmpty && labels.isEmpty }

    package func selects(_ target: Target) -> Bool {
        names.contains(target.name) || labels.selects(target.labels)
    }
}
