/// A target a user may reach, for the gateway's own shell ("what may I reach, how do I connect").
package struct ReachableTarget: Hashable, Sendable {
    package var target: Target
    /// The logins of the `record` grants below, sorted.
    package var logins: [String]
    /// The grants that lead to the target, in file order: their mode and conditions tell the
    /// engineer how to connect (`LOGIN@TARGET` or `ssh -J`) and what is needed (ticket, hours).
    package var grants: [Grant]

    package init(target: Target, logins: [String], grants: [Grant] = []) {
        self.target = target
        self.logins = logins
        self.grants = grants
    }

    /// Whether some grant here is a `tunnel` grant.
    package var allowsTunnel: Bool { grants.contains { $0.mode == .tunnel } }
}
