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
        output.append(UInt8(ascii: "["))
        Self.appendTime(time, to: &output)
        output.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "\""),
                                   UInt8(ascii: kind.rawValue.unicodeScalars.first!), UInt8(ascii: "\""),
                                   UInt8(ascii: ","), UInt8(ascii: " ")])
        JSONStringEncoding.appendQuoted(data, to: &output)
        output.append(contentsOf: [UInt8(ascii: "]"), UInt8(ascii: "\n")])
    }

    package var encodedLine: [UInt8] {
        var output: [UInt8] = []
        encode(into: &output)
        return output
    }

    /// Microsecond precision, fixed point: the shortest form that round-trips the
    /// relay's clock and is what asciinema itself writes (`round(ts, 6)`).
    static func appendTime(_ time: Double, to output: inout [UInt8]) {
        let microseconds = max(0, Int((time * 1_000_000).rounded()))
        output.append(contentsOf: String(microseconds / 1_000_000).utf8)
        output.append(UInt8(ascii: "."))
        let fraction = String(microseconds % 1_000_000)
        output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 6 - fraction.utf8.count))
        output.append(contentsOf: fraction.utf8)
    }
}
