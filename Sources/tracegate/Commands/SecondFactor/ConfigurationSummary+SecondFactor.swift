import Policy

extension ConfigurationSummary {
    /// Who must give a verification code, for the review; nothing when nobody must.
    var secondFactorLines: [String] {
        let required = configuration.secondFactor.required
        let grants = configuration.grants.filter(\.requireSecondFactor).map(\.name)
        guard !required.isEmpty || !grants.isEmpty else { return [] }
        var lines = ["second factor (mfa):"]
        if !required.users.isEmpty { lines.append("  required for users: " + required.users.joined(separator: ", ")) }
        if !required.groups.isEmpty { lines.append("  required for groups: " + required.groups.joined(separator: ", ")) }
        if !required.organizations.isEmpty {
            lines.append("  required for organizations: " + required.organizations.joined(separator: ", "))
        }
        if !grants.isEmpty { lines.append("  required by grants: " + grants.joined(separator: ", ")) }
        let reuse = configuration.secondFactor.reuse.map { "\($0.components.seconds) s" } ?? "none (every connection asks)"
        lines.append("  reuse window: \(reuse)")
        return lines
    }
}
