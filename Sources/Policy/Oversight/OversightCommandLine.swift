import Foundation

/// The oversight commands of the gateway shell and of the operator's control socket, parsed from the words of one line:
/// `live`, `watch SESSION`, `terminate SESSION --reason TEXT`,
/// `lock user|target NAME [--for DURATION] --reason TEXT`, `unlock ID|user NAME|target NAME`, `locks`.
package enum OversightCommandLine: Equatable, Sendable {
    package enum LockKind: String, Sendable, Equatable {
        case user
        case target
    }

    case live
    case watch(session: String)
    case terminate(session: String, reason: String)
    case lock(LockKind, name: String, duration: Duration?, reason: String)
    case unlock(id: String?, kind: LockKind?, name: String?)
    case locks

    package static let names: Set<String> = ["live", "watch", "terminate", "lock", "unlock", "locks"]

    package static let usage = """
        live                                   running sessions you may oversee
        watch SESSION                          follow a running session (q leaves, t ends it)
        terminate SESSION --reason TEXT        end a running session
        lock user|target NAME [--for 2h] --reason TEXT
                                               end its sessions and refuse new ones
        unlock LOCK-ID | unlock user|target NAME
        locks                                  locks in force

        """

    /// nil when the first word is no oversight command; otherwise the command or one line saying what is wrong.
    package static func parse(_ words: [String]) -> Result<OversightCommandLine, ParseError>? {
        guard let first = words.first, names.contains(first) else { return nil }
        let rest = Array(words.dropFirst())
        switch first {
        case "live": return rest.isEmpty ? .success(.live) : .failure(ParseError("live takes no arguments"))
        case "locks": return rest.isEmpty ? .success(.locks) : .failure(ParseError("locks takes no arguments"))
        case "watch":
            guard rest.count == 1, let session = sessionID(rest[0]) else { return .failure(ParseError("usage: watch SESSION")) }
            return .success(.watch(session: session))
        case "terminate":
            guard let session = rest.first.flatMap(sessionID) else {
                return .failure(ParseError("usage: terminate SESSION --reason TEXT"))
            }
            return options(Array(rest.dropFirst()), allowsDuration: false).map { .terminate(session: session, reason: $0.reason) }
        case "lock":
            guard rest.count >= 2, let kind = LockKind(rawValue: rest[0]), isName(rest[1]) else {
                return .failure(ParseError("usage: lock user|target NAME [--for DURATION] --reason TEXT"))
            }
            return options(Array(rest.dropFirst(2)), allowsDuration: true).map {
                .lock(kind, name: rest[1], duration: $0.duration, reason: $0.reason)
            }
        default:
            if rest.count == 1, rest[0].hasPrefix("l-"), isName(rest[0]) { return .success(.unlock(id: rest[0], kind: nil, name: nil)) }
            if rest.count == 2, let kind = LockKind(rawValue: rest[0]), isName(rest[1]) {
                return .success(.unlock(id: nil, kind: kind, name: rest[1]))
            }
            return .failure(ParseError("usage: unlock LOCK-ID, or unlock user|target NAME"))
        }
    }

    package struct ParseError: Error, Equatable, Sendable {
        package let message: String
        package init(_ message: String) { self.message = message }
    }

    /// `--for D` (locks only) and `--reason TEXT…`; the reason runs to the end or to `--for`.
    private static func options(_ words: [String], allowsDuration: Bool) -> Result<(duration: Duration?, reason: String), ParseError> {
        var duration: Duration?
        var reasonWords: [String]?
        var index = 0
        while index < words.count {
            switch words[index] {
            case "--for" where allowsDuration:
                guard index + 1 < words.count, let parsed = OversightCommandLine.duration(words[index + 1]) else {
                    return .failure(ParseError("--for takes a duration such as 30m, 2h or 1d"))
                }
                duration = parsed
                index += 2
            case "--reason":
                var taken: [String] = []
                index += 1
                while index < words.count, words[index] != "--for" {
                    taken.append(words[index])
                    index += 1
                }
                reasonWords = taken
            default:
                return .failure(ParseError("unexpected \(SafeText.quoted(words[index], limit: 32)); give --reason TEXT\(allowsDuration ? " and optionally --for DURATION" : "")"))
            }
        }
        let reason = OversightCommandLine.reason(reasonWords?.joined(separator: " ") ?? "")
        guard !reason.isEmpty else { return .failure(ParseError("a reason is required: --reason TEXT")) }
        return .success((duration, reason))
    }

    private static func sessionID(_ text: String) -> String? {
        text.hasPrefix("s-") && isName(text) ? text : nil
    }

    private static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }

    /// A reason as typed: surrounding quotes dropped (ssh joins arguments with spaces, so
    /// `--reason "laptop stolen"` may arrive with its quotes), control characters removed,
    /// at most 200 characters.
    package static func reason(_ text: String) -> String {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        for quote in ["\"", "'"] where trimmed.count >= 2 && trimmed.hasPrefix(quote) && trimmed.hasSuffix(quote) {
            trimmed = String(trimmed.dropFirst().dropLast())
        }
        let printable = trimmed.unicodeScalars.filter { !$0.properties.generalCategory.isControl }
        return String(String.UnicodeScalarView(printable).prefix(200)).trimmingCharacters(in: .whitespaces)
    }

    /// `90s`, `30m`, `2h`, `1d`; at most a year.
    package static func duration(_ text: String) -> Duration? {
        guard let unit = text.last, let number = Int(text.dropLast()), number > 0 else { return nil }
        let scale: Int
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86400
        default: return nil
        }
        // Bounded before multiplying: `99999999999999999h` must be refused, not overflow (found by
        // the oversight fuzz harness).
        let limit = 366 * 86400
        guard number <= limit / scale else { return nil }
        return .seconds(number * scale)
    }
}

extension Unicode.GeneralCategory {
    package var isControl: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
