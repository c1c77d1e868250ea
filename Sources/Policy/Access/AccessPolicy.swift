import Foundation

/// The loaded policy, indexed for the questions a connection asks. Immutable: a reload builds
/// a new one, and connections keep answering from the one they started with.
package struct AccessPolicy: Sendable {
    package let configuration: GatewayConfiguration
    private let usersByKeyBlob: [[UInt8]: User]
    private let usersByName: [String: User]
    private let targetsByName: [String: Target]

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

    /// Deny by default; the first grant in file order that permits the attempt is named.
    package func authorize(_ request: TargetRequest, for user: User, at now: Date) -> Decision {
        guard let target = targetsByName[request.target] else {
            return .denied(.unknownTarget(request.target))
        }
        guard let login = request.login ?? target.defaultLogin else {
            return .denied(.noDefaultLogin(target: target.name))
        }
        // Grants are judged against this policy's record of the user, not the caller's copy,
        // which may come from an older configuration in which the user belonged elsewhere.
        let denial = Decision.denied(.loginNotGranted(user: user.name, login: login, target: target.name))
        guard let current = usersByName[user.name] else { return denial }
        let attempt = AccessAttempt(user: current, target: target, login: login, time: now)
        guard let grant = configuration.grants.first(where: { $0.permits(attempt) }) else { return denial }
        return .allowed(target: target, login: login, grant: grant)
    }

    /// Every target the user may reach now, sorted by name, with the logins granted there.
    package func reachableTargets(for user: User, at now: Date) -> [ReachableTarget] {
        guard let current = usersByName[user.name] else { return [] }
        return configuration.targets.sorted { $0.name < $1.name }.compactMap { target in
            let logins = Set(configuration.grants.flatMap { grant in
                grant.logins.filter {
                    grant.permits(AccessAttempt(user: current, target: target, login: $0, time: now))
                }
            })
            return logins.isEmpty ? nil : ReachableTarget(target: target, logins: logins.sorted())
        }
    }
}
