/// The two name grammars of the configuration, checked byte by byte so that the rules stay
/// obvious and no non-Sendable `Regex` has to live in a global.
package enum NameSyntax {
    /// Users, targets, organisations and label keys: `^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`.
    /// Kept free of `@`, `:` and spaces so that a name can sit inside an SSH username and a
    /// log line without quoting.
    package static func isValidName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= 63, isAlphanumeric(first) else { return false }
        return bytes.dropFirst().allSatisfy { isAlphanumeric($0) || $0 == dot || $0 == underscore || $0 == dash }
    }

    /// Logins on targets: `^[a-z_][a-z0-9._-]{0,31}$`, the portable subset of POSIX user names.
    /// A leading dash is refused because it would read as an option to tools on the target.
    package static func isValidLogin(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= 32, isLowercase(first) || first == underscore else { return false }
        return bytes.dropFirst().allSatisfy {
            isLowercase($0) || isDigit($0) || $0 == dot || $0 == underscore || $0 == dash
        }
    }

    package static let nameRule = "1 to 63 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit"
    package static let loginRule = "1 to 32 characters of a-z 0-9 . _ -, starting with a-z or _"

    private static let dot = UInt8(ascii: "."), underscore = UInt8(ascii: "_"), dash = UInt8(ascii: "-")

    private static func isLowercase(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowercase(byte) || isDigit(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}
