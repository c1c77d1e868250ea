import Foundation

/// The loaded policy, indexed for the questions a connection asks. Immutable: a reload builds
/// a new one, and connections keep answering from the one they started with until they
/// re-check with `stillAllows`.
package struct AccessPolicy: Sendable {
    package let configuration: GatewayConfiguration
    private let usersByKeyBlob: [[UInt8]: User]
    let usersByName: [String: User]
    let targetsByName: [String: Target]

    package init(configuration: GatewayConfiguration) {
        self.configuration = configuration
        var usersByKeyBlob: [[UInt8]: User] = [:]
        for user in configuration.users {
            for key in user.keys {
                // The loader rejects a key shared by two users; should one get here anyway,
                // the first owner wins rather than the last, so appending users cannot steal a key.
                if usersByKeyBlob[key.blob] == nil { usersByKeyBlob[key.blob] = user }
            }
        }
        self.usersByKeyBlob = usersByKeyBlob
        self.usersByName = Dictionary(configuration.users.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.targetsByName = Dictionary(configuration.targets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    package func user(forKeyBlob blob: [UInt8]) -> User? {
        usersByKeyBlob[blob]
    }

    package func target(named name: String) -> Target? {
        targetsByName[name]
    }

    /// `authorize(_:)` without a source address or ticket: grants that need either refuse.
    package func authorize(_ request: TargetRequest, for user: User, at now: Date) -> Decision {
        authorize(AccessRequest(request: request, user: user, time: now))
    }

    /// Deny by default. The first `record` grant in file order that applies to the user,
    /// target and login and whose conditions hold is named; when none does, the most specific
    /// reason (see `GrantJudgement`), or that the login is not granted.
    package func authorize(_ access: AccessRequest) -> Decision {
        guard let target = targetsByName[access.request.target] else {
            return .denied(.unknownTarget(access.request.target))
        }
        guard let login = access.request.login ?? target.defaultLogin else {
            return .denied(.noDefaultLogin(target: target.name))
        }
        let notGranted = DenialReason.loginNotGranted(user: access.user.name, login: login, target: target.name)
        // Grants are judged against this policy's record of the user, not the caller's copy,
        // which may come from an older configuration in which the user belonged elsewhere.
        guard let user = usersByName[access.user.name] else { return .denied(notGranted) }
        let candidates = configuration.grants.filter {
            $0.mode == .record && $0.applies(to: user, target: target) && $0.logins.contains(login)
        }
        switch GrantJudgement.judge(
            candidates.map { ((), $0) }, at: access.time, sourceAddress: access.sourceAddress, ticket: access.ticket)
        {
        case .allowed(_, let grant): return .allowed(target: target, login: login, grant: grant)
        case .denied(let reason): return .denied(reason ?? notGranted)
        }
    }

    /// Every target the user may reach, sorted by name, with the record logins and every grant
    /// that leads there, in file order, for the gateway's own shell.
    ///
    /// A grant is listed unless it has expired or refuses the given source address: conditions
    /// the engineer can still meet (a ticket, the hours window, a start date) do not hide a
    /// target, and the grant the entry carries says what they are (`Grant.conditionSummary`).
    package func reachableTargets(for user: User, at now: Date, sourceAddress: String? = nil) -> [ReachableTarget] {
        guard let current = usersByName[user.name] else { return [] }
        // Plain loops on purpose: the nested-closure form of this function crashes the
        // Swift 6.3.1 optimizer (CopyPropagation "Found ownership error") in release builds.
        var reachable: [ReachableTarget] = []
        for target in configuration.targets.sorted(by: { $0.name < $1.name }) {
            var grants: [Grant] = []
            for grant in configuration.grants where grant.applies(to: current, target: target) {
                if let validUntil = grant.validUntil, now >= validUntil { continue }
                if let sourceAddress, !grant.allowsSource(sourceAddress) { continue }
                grants.append(grant)
            }
            guard !grants.isEmpty else { continue }
            var logins = Set<String>()
            for grant in grants where grant.mode == .record { logins.formUnion(grant.logins) }
            reachable.append(ReachableTarget(target: target, logins: logins.sorted(), grants: grants))
        }
        return reachable
    }
}
