/// A legacy scp exec request (`scp -t PATH` receives files, `scp -f PATH` sends them), as
/// OpenSSH's `scp -O` runs it on the remote side. Only what the ledger and the rules need.
package struct ScpCommand: Sendable, Hashable {
    package enum Mode: Sendable, Hashable {
        /// `-t`: the target receives; the engineer uploads.
        case sink
        /// `-f`: the target sends; the engineer downloads.
        case source
    }

    package var mode: Mode
    package var path: String
    package var recursive: Bool
    /// `-d`: the target path must be a directory (several files were named).
    package var targetIsDirectory: Bool

    package var direction: FileLedgerEntry.Operation { mode == .sink ? .upload : .download }

    /// Nil for anything that is not an scp server invocation (a shell command that merely
    /// mentions scp stays a command).
    package init?(_ command: String) {
        guard command.utf8.count <= 8192, let words = Self.words(command), let program = words.first,
              program == "scp" || program.hasSuffix("/scp") else { return nil }
        var mode: Mode?
        var recursive = false
        var directory = false
        var paths: [String] = []
        var optionsEnded = false
        for word in words.dropFirst() {
            if !optionsEnded, word == "--" { optionsEnded = true; continue }
            if !optionsEnded, word.hasPrefix("-"), word.count > 1 {
                for flag in word.dropFirst() {
                    switch flag {
                    case "t": mode = .sink
                    case "f": mode = .source
                    case "r": recursive = true
                    case "d": directory = true
                    default: break
                    }
                }
                continue
            }
            paths.append(word)
        }
        guard let mode, paths.count == 1 else { return nil }
        self.mode = mode
        self.path = paths[0]
        self.recursive = recursive
        self.targetIsDirectory = directory
    }

    /// Splits like a POSIX shell for the forms scp sends: words, '…', "…", backslash.
    static func words(_ command: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in command {
            if escaped { current.append(character); escaped = false; continue }
            if let open = quote {
                if character == open { quote = nil }
                else if character == "\\" && open == "\"" { escaped = true }
                else { current.append(character) }
                continue
            }
            switch character {
            case "'", "\"": quote = character; inWord = true
            case "\\": escaped = true; inWord = true
            case " ", "\t", "\n":
                if inWord { words.append(current); current = ""; inWord = false }
            default:
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil, !escaped else { return nil }
        if inWord { words.append(current) }
        return words
    }
}
