import Foundation

/// Small text rules shared by the shell and the control socket.
enum OversightText {
    /// A reason as typed: surrounding quotes dropped (ssh joins arguments with spaces, so
    /// `--reason "laptop stolen"` may arrive with its quotes), control characters removed,
    /// at most 200 characters.
    static func reason(_ text: String) -> String {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        for quote in ["\"", "'"] where trimmed.count >= 2 && trimmed.hasPrefix(quote) && trimmed.hasSuffix(quote) {
            trimmed = String(trimmed.dropFirst().dropLast())
        }
        let printable = trimmed.unicodeScalars.filter { !$0.properties.generalCategory.isControl }
        return String(String.UnicodeScalarView(printable).prefix(200)).trimmingCharacters(in: .whitespaces)
    }

    /// `90s`, `30m`, `2h`, `1d`; at most a year.
    static func duration(_ text: String) -> Duration? {
        guard let unit = text.last, let number = Int(text.dropLast()), number > 0 else { return nil }
        let seconds: Int
        switch unit {
        case "s": seconds = number
        case "m": seconds = number * 60
        case "h": seconds = number * 3600
        case "d": seconds = number * 86400
        default: return nil
        }
        guard seconds <= 366 * 86400 else { return nil }
        return .seconds(seconds)
    }

    static func bytes(_ count: Int) -> String {
        switch count {
        case ..<1024: "\(count) B"
        case ..<(1024 * 1024): "\(count / 1024) KiB"
        default: String(format: "%.1f MiB", Double(count) / 1_048_576)
        }
    }

    static func age(_ seconds: Int) -> String {
        switch seconds {
        case ..<60: "\(seconds)s"
        case ..<3600: "\(seconds / 60)m\(seconds % 60)s"
        default: "\(seconds / 3600)h\((seconds % 3600) / 60)m"
        }
    }
}

extension Unicode.GeneralCategory {
    var isControl: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}

