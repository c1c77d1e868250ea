/// Why an SSH username could not be read as `LOGIN@TARGET` or `TARGET`. The description is sent
/// to the client as is, so the username is always rendered through `SafeText`.
package struct UsernameError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Problem: Sendable, Equatable {
        case empty
        case tooLong
        case tooManySeparators
        case invalidLogin(String)
        case invalidTarget(String)
    }

    package var username: String
    package var problem: Problem

    package init(username: String, problem: Problem) {
        self.username = username
        self.problem = problem
    }

    package var description: String {
        let detail: String
        switch problem {
        case .empty, .tooManySeparators, .invalidTarget:
            detail = "expected LOGIN@TARGET or TARGET"
        case .tooLong:
            detail = "longer than \(TargetRequest.maximumLength) characters"
        case .invalidLogin(let login):
            detail = "login \(SafeText.quoted(login)) is not a valid user name (\(NameSyntax.loginRule))"
        }
        return "malformed username \(SafeText.quoted(username)): \(detail)"
    }
}
