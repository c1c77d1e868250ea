/// Whether a verification code must follow the key. Known at authentication time: the user
/// name names the target, so the grant that would allow it is known too.
extension AccessPolicy {
    /// `mfa: required` on the user, one of its groups or its organisation.
    package func requiresSecondFactor(_ user: User) -> Bool {
        let current = usersByName[user.name] ?? user
        return configuration.secondFactor.required.includes(current)
    }

    /// Whether any grant that could open `target` to the user asks for a code: used while a
    /// ticket (which chooses between grants) is still to come.
    package func targetMayRequireSecondFactor(_ user: User, target: String) -> Bool {
        let current = usersByName[user.name] ?? user
        guard let target = self.target(named: target) else { return false }
        return configuration.grants.contains { grant in
            grant.requireSecondFactor && grant.applies(to: current, target: target)
        }
    }

    package var secondFactorReuse: Duration? { configuration.secondFactor.reuse }
}
