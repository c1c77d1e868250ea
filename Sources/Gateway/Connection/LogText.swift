import Logging

/// Log values made safe to print on one line. Client-controlled text reaches the log (a
/// command line, a subsystem name, an SSH version string); a newline or an escape sequence
/// in it must not forge a log line or repaint an operator's terminal.
enum LogText {
    static func printable(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        guard case .string(let text) = value, text.unicodeScalars.contains(where: isControl) else { return value }
        return .string(escaped(text))
    }

    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\\": result += "\\\\"
            case _ where isControl(scalar):
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}
