/// One event line of an asciicast v2 file: `[time, code, data]`.
package struct AsciicastEvent: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable {
        /// Bytes the terminal displayed (target to engineer).
        case output = "o"
        /// Keys the engineer typed, recorded only once the terminal echoed them.
        case input = "i"
        /// A new terminal size, data `COLSxROWS`.
        case resize = "r"
        /// A note from the recorder: gaps, truncation, hidden input, the session's end.
        /// `asciinema cat` and `asciinema play` (2.2) skip it, so it never corrupts a replay.
        case marker = "m"
    }

    /// Seconds since the start of the recording.
    package var time: Double
    package var kind: Kind
    package var data: String

    package init(time: Double, kind: Kind, data: String) {
        self.time = time
        self.kind = kind
        self.data = data
    }

    /// The `COLSxROWS` of a resize event.
    package var size: (columns: Int, rows: Int)? {
        guard kind == .resize else { return nil }
        let parts = data.split(separator: "x")
        guard parts.count == 2, let columns = Int(parts[0]), let rows = Int(parts[1]) else { return nil }
        return (columns, rows)
    }

    /// Appends the event's line, newline included.
    package func encode(into output: inout [UInt8]) {
        let buffer = ByteBuffer()
        encode(into: buffer)
        buffer.withBytes { output.append(contentsOf: $0) }
    }

    package var encodedLine: [UInt8] {
        let buffer = ByteBuffer()
        encode(into: buffer)
        return buffer.bytes
    }

    /// The writer's path: no intermediate arrays, since it runs for every chunk of output.
    func encode(into buffer: ByteBuffer) {
        buffer.append(UInt8(ascii: "["))
        Self.appendTime(time, to: buffer)
        buffer.append(kind.separator)
        JSONStringEncoding.appendQuoted(data, to: buffer)
        buffer.append("]\n" as StaticString)
    }

    /// Microsecond precision, fixed point: the shortest form that round-trips the
    /// relay's clock and is what asciinema itself writes (`round(ts, 6)`).
    static func appendTime(_ time: Double, to buffer: ByteBuffer) {
        let microseconds = max(0, Int((time * 1_000_000).rounded()))
        appendDigits(microseconds / 1_000_000, minimumCount: 1, to: buffer)
        buffer.append(UInt8(ascii: "."))
        appendDigits(microseconds % 1_000_000, minimumCount: 6, to: buffer)
    }

    private static func appendDigits(_ value: Int, minimumCount: Int, to buffer: ByteBuffer) {
        var digits = 0
        var rest = value
        repeat {
            digits += 1
            rest /= 10
        } while rest > 0
        let count = max(digits, minimumCount)
        let destination = buffer.reserve(count)
        rest = value
        for position in stride(from: count - 1, through: 0, by: -1) {
            destination[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        buffer.advance(count)
    }
}

extension AsciicastEvent.Kind {
    /// What goes between the time and the data, e.g. `, "o", `.
    fileprivate var separator: StaticString {
        switch self {
        case .output: ", \"o\", "
        case .input: ", \"i\", "
        case .resize: ", \"r\", "
        case .marker: ", \"m\", "
        }
    }
}
