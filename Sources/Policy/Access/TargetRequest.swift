/// What the engineer asked for through the SSH username.
package struct TargetRequest: Hashable, Sendable {
    /// `nil` when the username named only the target: the target's default login applies.
    package var login: String?
    package var target: String

    package static let maximumLength = 128

    package init(login: String?, target: String) {
        self.login = login
        self.target = target
    }

    /// Parses `LOGIN@TARGET` or `TARGET`. The username arrives before any authorisation, from
    /// anyone, so it is bounded and checked against the name grammars before it is used to
    /// look anything up or is echoed anywhere.
    package static func parse(username: String) throws(UsernameError) -> TargetRequest {
        func failure(_ problem: UsernameError.Problem) -> UsernameError {
            UsernameError(username: username, problem: problem)
        }
        guard !username.isEmpty else { throw failure(.empty) }
        guard username.utf8.count <= maximumLength else { throw failure(.tooLong) }
        let parts = username.split(separator: "@", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1:
            guard NameSyntax.isValidName(parts[0]) else { throw failure(.invalidTarget(parts[0])) }
            return TargetRequest(login: nil, target: parts[0])
        case 2:
            guard NameSyntax.isValidLogin(parts[0]) else { throw failure(.invalidLogin(parts[0])) }
            guard NameSyntax.isValidName(parts[1]) else { throw failure(.invalidTarget(parts[1])) }
            return TargetRequest(login: parts[0], target: parts[1])
        default:
            throw failure(.tooManySeparators)
        }
    }

    package var username: String { login.map { "\($0)@\(target)" } ?? target }
}
