/// Why a request was refused. `message` is the single line shown on the engineer's terminal;
/// it only ever contains names that passed `NameSyntax`, so it is safe to print.
package enum DenialReason: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownTarget(String)
    case noDefaultLogin(target: String)
    case loginNotGranted(user: String, login: String, target: String)

    package var message: String {
        switch self {
        case .unknownTarget(let target):
            return "tracegate: no target named \(target)"
        case .noDefaultLogin(let target):
            return "tracegate: target \(target) has no default login; connect as LOGIN@\(target)"
        case .loginNotGranted(let user, let login, let target):
            return "tracegate: \(user) may not log in as \(login) on \(target)"
        }
    }

    package var description: String { message }
}
