/// Splits a gateway-shell line into words: blanks separate, `"…"` and `'…'` group (the quotes
/// are removed), a backslash inside double quotes or outside quotes takes the next character.
/// No expansion of any kind: the gateway shell runs nothing on the gateway host.
package enum ShellCommandLine {
    /// At most this many bytes are read as a command line.
    package static let maximumLength = 4096

    package enum SplitError: Error, Equatable, Sendable, CustomStringConvertible {
        case unterminatedQuote
        case tooLong

        package var description: String {
            switch self {
            case .unterminatedQuote: "a quote is not closed"
            case .tooLong: "the line is longer than \(ShellCommandLine.maximumLength) bytes"
            }
        }
    }

    package static func split(_ line: String) throws(SplitError) -> [String] {
        guard line.utf8.count <= maximumLength else { throw .tooLong }
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(current) }
                current = ""
                inWord = false
            case "\"", "'":
                quote = character
                inWord = true
            case "\\":
                escaped = true
                inWord = true
            default:
                current.append(character)
                inWord = true
            }
        }
        if quote != nil || escaped { throw .unterminatedQuote }
        if inWord { words.append(current) }
        return words
    }
}
