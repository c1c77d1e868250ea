/// JSON string literals, byte-exact, for asciicast lines.
///
/// Control characters become `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`, and DEL becomes
/// `\u007f`, as Python's `json.dumps` writes them; everything else is copied as UTF-8.
/// The input is always valid UTF-8 (the stream decoders repair it first), so no other
/// escaping is needed for a conforming reader.
enum JSONStringEncoding {
    /// Appends `string` with its quotes.
    static func appendQuoted(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = string
        text.withUTF8 { appendEscaped($0, to: &output) }
        output.append(UInt8(ascii: "\""))
    }

    /// Copies runs of plain bytes in one `append` each: most terminal output has few
    /// characters to escape, and per-byte appends would dominate the writer's time.
    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        guard let base = bytes.baseAddress else { return }
        let count = bytes.count
        var runStart = 0
        var index = 0
        while index < count {
            let byte = base[index]
            if byte >= 0x20 && byte != 0x22 && byte != 0x5C && byte != 0x7F {
                index += 1
                continue
            }
            if runStart < index {
                output.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: index - runStart))
            }
            appendEscape(for: byte, to: &output)
            index += 1
            runStart = index
        }
        if runStart < count {
            output.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: count - runStart))
        }
    }

    private static func appendEscape(for byte: UInt8, to output: inout [UInt8]) {
        let backslash = UInt8(ascii: "\\")
        switch byte {
        case 0x22: output.append(contentsOf: [backslash, UInt8(ascii: "\"")])
        case 0x5C: output.append(contentsOf: [backslash, backslash])
        case 0x08: output.append(contentsOf: [backslash, UInt8(ascii: "b")])
        case 0x09: output.append(contentsOf: [backslash, UInt8(ascii: "t")])
        case 0x0A: output.append(contentsOf: [backslash, UInt8(ascii: "n")])
        case 0x0C: output.append(contentsOf: [backslash, UInt8(ascii: "f")])
        case 0x0D: output.append(contentsOf: [backslash, UInt8(ascii: "r")])
        default:
            output.append(contentsOf: [backslash, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                       hexDigit(byte >> 4), hexDigit(byte & 0x0F)])
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
