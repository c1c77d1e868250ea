/// One `auditors:` entry: who (`to`, the grants' selector) may read which part of the trail
/// (`sees`). Used by the web page; the CLI on the gateway host reads everything, as before.
package struct AuditorRule: Hashable, Sendable {
    package var index: Int
    package var line: Int
    package var subjects: GrantSubjects
    package var view: AuditorView

    package init(index: Int, line: Int, subjects: GrantSubjects, view: AuditorView) {
        self.index = index
        self.line = line
        self.subjects = subjects
        self.view = view
    }
}

/// What an auditor sees: everything (`sees: all`), or the connections of users of the listed
/// organisations, on targets those organisations own, and on the targets the selector selects.
package struct AuditorView: Hashable, Sendable {
    package var everything: Bool
    package var organizations: [String]
    package var targets: TargetSelector

    package init(everything: Bool = false, organizations: [String] = [], targets: TargetSelector = TargetSelector()) {
        self.everything = everything
        self.organizations = organizations
        self.targets = targets
    }

    package static let all = AuditorView(everything: true)
}

/// The union of the views of every `auditors:` entry naming `user`, resolved against the
/// configured targets; `nil` when no entry names the user (no web access at all).
package struct ResolvedAuditorView: Hashable, Sendable {
    package var everything: Bool
    package var organizations: [String]
    package var targetNames: [String]

    package init(everything: Bool, organizations: [String], targetNames: [String]) {
        self.everything = everything
        self.organizations = organizations
        self.targetNames = targetNames
    }

    package static func resolve(for user: User, rules: [AuditorRule], targets: [Target]) -> ResolvedAuditorView? {
        let matching = rules.filter { $0.subjects.includes(user) }
        guard !matching.isEmpty else { return nil }
        var view = ResolvedAuditorView(everything: false, organizations: [], targetNames: [])
        for rule in matching {
            if rule.view.everything { view.everything = true }
            for organization in rule.view.organizations where !view.organizations.contains(organization) {
                view.organizations.append(organization)
            }
            guard !rule.view.targets.isEmpty else { continue }
            for target in targets where rule.view.targets.selects(target) && !view.targetNames.contains(target.name) {
                view.targetNames.append(target.name)
            }
        }
        return view
    }
}
