/// The questions `live`, `watch`, `terminate` and `lock` ask: may this caller act on that
/// session (or user, or target)? Each answer names the entry that allows it, or nil (deny).
extension AccessPolicy {
    /// The first entry giving `right` to `holder` over a running session of the user named
    /// `owner` on `target`; judged against this policy's record of both users.
    package func oversightRule(_ right: OversightRight, holder: User, sessionOwner owner: String,
                               target: Target?) -> OversightRule? {
        guard let holder = usersByName[holder.name], let owner = usersByName[owner] else { return nil }
        let current = target.flatMap { targetsByName[$0.name] } ?? target
        return configuration.oversight.first { $0.allows(right, to: holder, overSessionOf: owner, on: current) }
    }

    /// The entry letting `holder` lock (and unlock) the user named `user`, if any.
    package func lockRule(holder: User, user name: String) -> OversightRule? {
        guard let holder = usersByName[holder.name], let user = usersByName[name] else { return nil }
        return configuration.oversight.first { $0.allowsLocking(user: user, by: holder) }
    }

    /// The entry letting `holder` lock (and unlock) the target named `target`, if any.
    package func lockRule(holder: User, target name: String) -> OversightRule? {
        guard let holder = usersByName[holder.name], let target = targetsByName[name] else { return nil }
        return configuration.oversight.first { $0.allowsLocking(target: target, by: holder) }
    }

    /// Whether `holder` has any oversight right at all (the shell's help shows the commands then).
    package func hasOversightRights(_ holder: User) -> Bool {
        guard let holder = usersByName[holder.name] else { return false }
        return configuration.oversight.contains { $0.holders.includes(holder) }
    }

    /// Every entry that gives `holder` something, in file order, for `config check --explain-oversight`.
    package func oversightRules(for holder: User) -> [OversightRule] {
        guard let holder = usersByName[holder.name] else { return [] }
        return configuration.oversight.filter { $0.holders.includes(holder) }
    }
}

extension AccessPolicy {
    package func user(named name: String) -> User? {
        usersByName[name]
    }
}
