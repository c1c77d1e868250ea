/// Which targets a grant reaches: by name, by labels, or (for `oversight:`) by owning
/// organisation. When several are given any one selects, so a grant can say "all of
/// env=prod, plus this one staging box".
package struct TargetSelector: Hashable, Sendable {
    package var names: [String]
    package var labels: LabelSelector
    /// Organisations owning the targets (`owner: retailer`); only `oversight:` accepts it.
    package var owners: [String]

    package init(names: [String] = [], labels: LabelSelector = [:], owners: [String] = []) {
        self.names = names
        self.labels = labels
        self.owners = owners
    }

    package var isEmpty: Bool { names.isEmpty && labels.isEmpty && owners.isEmpty }

    package func selects(_ target: Target) -> Bool {
        names.contains(target.name) || labels.selects(target.labels) || target.owner.map(owners.contains) ?? false
    }
}
