/// What an `oversight:` entry lets its holders do to other people's running sessions.
package enum OversightRight: String, CaseIterable, Sendable, Hashable, Comparable {
    /// See the sessions in `live`.
    case list
    /// Follow a session's terminal (`watch`).
    case watch
    /// End a session (`terminate`, `t` in watch).
    case terminate
    /// Lock a user or a target (`lock`, `unlock`).
    case lock

    package static func < (lhs: OversightRight, rhs: OversightRight) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One entry of `oversight:`: `{to: SELECTOR, sessions: {of: SELECTOR, targets: TARGET_SELECTOR},
/// may: [list, watch, terminate, lock]}`. Nobody has any of these rights without an entry.
///
/// `sessions` says whose sessions: those of the users `of` selects, on the targets `targets`
/// selects; when both are given a session must match both, when one is left out it does not
/// restrict. Locks are wider than one session, so they need a matching dimension left open:
/// `lock user U` needs an entry whose `of` selects U and that names no `targets`; `lock target
/// T` needs one whose `targets` select T and that names no `of` (a lock of bob by someone
/// who may only oversee bob on the retailer's targets would also cut bob off elsewhere).
package struct OversightRule: Hashable, Sendable {
    /// 1-based position in `oversight:`.
    package var index: Int
    package var line: Int
    package var sourceFile: String
    package var holders: GrantSubjects
    /// nil: sessions of anyone.
    package var sessionsOf: GrantSubjects?
    /// nil: sessions on any target.
    package var targets: TargetSelector?
    package var rights: Set<OversightRight>

    package init(index: Int, line: Int, sourceFile: String, holders: GrantSubjects, sessionsOf: GrantSubjects?,
                 targets: TargetSelector?, rights: Set<OversightRight>) {
        self.index = index
        self.line = line
        self.sourceFile = sourceFile
        self.holders = holders
        self.sessionsOf = sessionsOf
        self.targets = targets
        self.rights = rights
    }

    /// `oversight #2 (tracegate.yaml:41)`, as messages and audit rows name it.
    package var name: String { "oversight #\(index) (\(sourceFile):\(line))" }

    package var rightsText: String { rights.sorted().map(\.rawValue).joined(separator: ",") }

    /// Whether the entry gives `right` to `holder` over a session of `owner` on `target`.
    package func allows(_ right: OversightRight, to holder: User, overSessionOf owner: User, on target: Target?) -> Bool {
        guard rights.contains(right), holders.includes(holder) else { return false }
        if let sessionsOf, !sessionsOf.includes(owner) { return false }
        if let targets {
            guard let target, targets.selects(target) else { return false }
        }
        return true
    }

    /// `lock user`: the entry must select the user and leave targets open.
    package func allowsLocking(user: User, by holder: User) -> Bool {
        rights.contains(.lock) && holders.includes(holder) && targets == nil && (sessionsOf?.includes(user) ?? true)
    }

    /// `lock target`: the entry must select the target and leave users open.
    package func allowsLocking(target: Target, by holder: User) -> Bool {
        rights.contains(.lock) && holders.includes(holder) && sessionsOf == nil && (targets?.selects(target) ?? true)
    }
}
