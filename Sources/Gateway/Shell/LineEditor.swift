/// Minimal line editing for what the gateway itself reads from an engineer (its shell,
/// a ticket): printable ASCII, backspace, Ctrl-C drops the line, Ctrl-D on an empty line
/// ends input, Enter completes it. On a pty the engineer's terminal is raw, so the
/// editor echoes what it accepts.
struct LineEditor {
    enum Event: Equatable {
        case line(String)
        case interrupt
        case endOfInput
    }

    let echoes: Bool
    private var buffer: [UInt8] = []
    private static let maximumLength = 1024

    init(echoes: Bool) {
        self.echoes = echoes
    }

    /// Consumes `byte`; returns what to echo and, when one happened, the event.
    mutating func feed(_ byte: UInt8) -> (echo: String, event: Event?) {
        switch byte {
        case 0x0D, 0x0A:
            let text = String(decoding: buffer, as: UTF8.self)
            buffer.removeAll()
            return (echoes ? "\r\n" : "", .line(text))
        case 0x7F, 0x08:
            guard !buffer.isEmpty else { return ("", nil) }
            buffer.removeLast()
            return (echoes ? "\u{8} \u{8}" : "", nil)
        case 0x03:
            buffer.removeAll()
            return (echoes ? "^C\r\n" : "", .interrupt)
        case 0x04:
            return ("", buffer.isEmpty ? .endOfInput : nil)
        case 0x20..<0x7F where buffer.count < Self.maximumLength:
            buffer.append(byte)
            return (echoes ? String(UnicodeScalar(byte)) : "", nil)
        default:
            return ("", nil)
        }
    }
}
