import Policy
import Testing

@Suite("TargetRequest.parse")
struct TargetRequestTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        var username: String
        var login: String?
        var target: String
        var testDescription: String { username }
    }

    static let longestValid = "a" + String(repeating: "b", count: 31) + "@" + String(repeating: "t", count: 63)

    @Test(arguments: [
        Valid(username: "root@web-01", login: "root", target: "web-01"),
        Valid(username: "web-01", login: nil, target: "web-01"),
        Valid(username: "deploy@Web.Prod_2", login: "deploy", target: "Web.Prod_2"),
        Valid(username: "_svc.backup-1@db-01", login: "_svc.backup-1", target: "db-01"),
        Valid(username: "9target", login: nil, target: "9target"),
        Valid(username: longestValid, login: "a" + String(repeating: "b", count: 31), target: String(repeating: "t", count: 63)),
    ])
    func parsesValidUsernames(_ example: Valid) throws {
        let request = try TargetRequest.parse(username: example.username)
        #expect(request == TargetRequest(login: example.login, target: example.target))
        #expect(request.username == example.username)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var label: String
        var username: String
        var problem: UsernameError.Problem
        var message: String
        var testDescription: String { label }
    }

    static let tooLong = String(repeating: "x", count: 129)

    @Test(arguments: [
        Invalid(label: "empty", username: "", problem: .empty,
                message: #"malformed username "": expected LOGIN@TARGET or TARGET"#),
        Invalid(label: "two @", username: "root@web@01", problem: .tooManySeparators,
                message: #"malformed username "root@web@01": expected LOGIN@TARGET or TARGET"#),
        Invalid(label: "space", username: "a b", problem: .invalidTarget("a b"),
                message: #"malformed username "a b": expected LOGIN@TARGET or TARGET"#),
        Invalid(label: "space in target", username: "root@web 01", problem: .invalidTarget("web 01"),
                message: #"malformed username "root@web 01": expected LOGIN@TARGET or TARGET"#),
        Invalid(label: "control characters", username: "\u{1b}]0;pwned\u{07}root@web-01",
                problem: .invalidLogin("\u{1b}]0;pwned\u{07}root"),
                message: #"malformed username "\x1b]0;pwned\x07root@web-01": login "\x1b]0;pwned\x07root" is not a valid user name"#),
        Invalid(label: "too long", username: tooLong, problem: .tooLong,
                message: "malformed username \"" + String(repeating: "x", count: 64) + "...\": longer than 128 characters"),
        Invalid(label: "uppercase login", username: "Root@web-01", problem: .invalidLogin("Root"),
                message: #"malformed username "Root@web-01": login "Root" is not a valid user name"#),
        Invalid(label: "leading dash in login", username: "-oProxyCommand@web-01", problem: .invalidLogin("-oProxyCommand"),
                message: #"login "-oProxyCommand" is not a valid user name"#),
        Invalid(label: "leading dash in target", username: "-web", problem: .invalidTarget("-web"),
                message: #"malformed username "-web": expected LOGIN@TARGET or TARGET"#),
        Invalid(label: "empty login", username: "@web-01", problem: .invalidLogin(""),
                message: #"login "" is not a valid user name"#),
        Invalid(label: "empty target", username: "root@", problem: .invalidTarget(""),
                message: #"malformed username "root@": expected LOGIN@TARGET or TARGET"#),
        Invalid(label: "non-ASCII", username: "röot@web-01", problem: .invalidLogin("röot"),
                message: #"malformed username "r\u{f6}ot@web-01""#),
        Invalid(label: "login longer than 32", username: String(repeating: "l", count: 33) + "@web",
                problem: .invalidLogin(String(repeating: "l", count: 33)), message: "is not a valid user name"),
    ])
    func rejectsMalformedUsernames(_ example: Invalid) {
        #expect(throws: UsernameError(username: example.username, problem: example.problem)) {
            try TargetRequest.parse(username: example.username)
        }
        let description = UsernameError(username: example.username, problem: example.problem).description
        #expect(description.contains(example.message), "\(description)")
    }

    @Test func errorMessageIsBoundedAndFreeOfControlCharacters() throws {
        let hostile = String(repeating: "\u{1b}[2J", count: 100)
        let error = try #require(throws: UsernameError.self) { try TargetRequest.parse(username: hostile) }
        let message = error.description
        #expect(!message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f })
        #expect(message.count < 64 * 4 + 80)
        #expect(message.hasPrefix(#"malformed username "\x1b[2J\x1b[2J"#))
    }
}
