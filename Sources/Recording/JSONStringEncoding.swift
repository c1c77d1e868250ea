import Glibc

/// JSON string literals, byte-exact, for asciicast lines.
///
/// Control characters become `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`, and DEL becomes
/// `\u007f`, as Python's `json.dumps` writes them; everything else is copied as UTF-8.
/// The input is always valid UTF-8 (the stream decoders repair it first), so no other
/// escaping is needed for a conforming reader.
enum JSONStringEncoding {
    /// The longest escape, `\u00XX`, is six bytes for one.
    private static let maximumExpansion = 6

    /// Appends `string` with its quotes.
    static func appendQuoted(_ string: String, to buffer: ByteBuffer) {
        var text = string
        text.withUTF8 { source in
            let destination = buffer.reserve(source.count * maximumExpansion + 2)
            destination[0] = UInt8(ascii: "\"")
            let length = escape(source, into: destination + 1)
            destination[length + 1] = UInt8(ascii: "\"")
            buffer.advance(length + 2)
        }
    }

    static func appendQuoted(_ string: String, to output: inout [UInt8]) {
        let buffer = ByteBuffer()
        appendQuoted(string, to: buffer)
        buffer.withBytes { output.append(contentsOf: $0) }
    }

    /// Writes the escaped form of `source` at `destination`, which has room for six bytes
    /// per source byte; returns the length written. Runs of plain bytes are found eight at
    /// a time and copied with one memcpy: most terminal output has little to escape.
    static func escape(_ source: UnsafeBufferPointer<UInt8>, into destination: UnsafeMutablePointer<UInt8>) -> Int {
        guard let base = source.baseAddress else { return 0 }
        let count = source.count
        var index = 0
        var runStart = 0
        var written = 0
        while index < count {
            while index + 8 <= count, !anyNeedsEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                index += 8
            }
            guard index < count else { break }
            let byte = base[index]
            if byte >= 0x20 && byte != 0x22 && byte != 0x5C && byte != 0x7F {
                index += 1
                continue
            }
            if runStart < index {
                memcpy(destination + written, base + runStart, index - runStart)
                written += index - runStart
            }
            written += writeEscape(for: byte, at: destination + written)
            index += 1
            runStart = index
        }
        if runStart < count {
            memcpy(destination + written, base + runStart, count - runStart)
            written += count - runStart
        }
        return written
    }

    /// Whether any of eight bytes is a control character, `"`, `\` or DEL, with the
    /// classic word-at-a-time tests (a byte below a bound, a zero byte after XOR). Both are
    /// exact for "any byte"; bytes of UTF-8 characters (≥ 0x80) never match.
    private static func anyNeedsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let delete = word ^ (ones &* 0x7F)
        let matches = ((word &- ones &* 0x20) & ~word)
            | ((quote &- ones) & ~quote)
            | ((backslash &- ones) & ~backslash)
            | ((delete &- ones) & ~delete)
        return matches & highs != 0
    }

    private static func writeEscape(for byte: UInt8, at destination: UnsafeMutablePointer<UInt8>) -> Int {
        destination[0] = UInt8(ascii: "\\")
        let short: UInt8? =
            switch byte {
            case 0x22: UInt8(ascii: "\"")
            case 0x5C: UInt8(ascii: "\\")
            case 0x08: UInt8(ascii: "b")
            case 0x09: UInt8(ascii: "t")
            case 0x0A: UInt8(ascii: "n")
            case 0x0C: UInt8(ascii: "f")
            case 0x0D: UInt8(ascii: "r")
            default: nil
            }
        if let short {
            destination[1] = short
            return 2
        }
        destination[1] = UInt8(ascii: "u")
        destination[2] = UInt8(ascii: "0")
        destination[3] = UInt8(ascii: "0")
        destination[4] = hexDigit(byte >> 4)
        destination[5] = hexDigit(byte & 0x0F)
        return 6
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
