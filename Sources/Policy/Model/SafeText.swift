/// Renders untrusted text (a client-chosen username, a line from a file) for a terminal or a
/// log: anything that could drive a terminal is escaped, and the length is bounded so that a
/// hostile client cannot flood the message it gets back.
package enum SafeText {
    package static func quoted(_ text: String, limit: Int = 64) -> String {
        var rendered = "\""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                rendered += "..."
                break
            }
            rendered += escaped(scalar)
            count += 1
        }
        return rendered + "\""
    }

    // Non-ASCII is escaped too: C1 controls such as U+009B (CSI) and bidi overrides are as
    // dangerous on a terminal as ESC, and valid names are ASCII anyway.
    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        case "\t": return "\\t"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case " "..."~": return String(scalar)
        default:
            let hex = String(scalar.value, radix: 16)
            if scalar.value < 0x80 {
                return "\\x" + (hex.count < 2 ? "0" + hex : hex)
            }
            return "\\u{\(hex)}"
        }
    }
}
