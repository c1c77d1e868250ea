import Foundation
import Recording
import Testing

@Suite("asciicast encoding")
struct AsciicastEncodingTests {
    @Test func controlCharactersAreEscapedExactly() {
        let event = AsciicastEvent(time: 0, kind: .output, data: "\u{0}\u{1}\u{7}\u{8}\t\n\u{B}\u{C}\r\u{1B}\u{1F}\u{7F}")
        let line = String(decoding: event.encodedLine, as: UTF8.self)
        #expect(line == #"[0.000000, "o", "\u0000\u0001\u0007\b\t\n\u000b\f\r\u001b\u001f\u007f"]"# + "\n")
    }

    @Test func quotesBackslashesAndUnicodePassThroughAsJSONRequires() {
        let event = AsciicastEvent(time: 1.5, kind: .input, data: #"say "hi" \ é 中 🙂"#)
        let line = String(decoding: event.encodedLine, as: UTF8.self)
        #expect(line == #"[1.500000, "i", "say \"hi\" \\ é 中 🙂"]"# + "\n")
    }

    @Test func everyByteValueRoundTripsThroughAStandardJSONParser() throws {
        var text = ""
        for value in 0..<0x80 { text.unicodeScalars.append(Unicode.Scalar(UInt8(value))) }
        text += "é€𝄞\u{2028}"
        let line = AsciicastEvent(time: 2, kind: .output, data: text).encodedLine
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(line.dropLast())) as? [Any])
        #expect(parsed[2] as? String == text)
        #expect(line.allSatisfy { $0 >= 0x20 || $0 == 0x0A }, "no raw control byte may reach the file")
        #expect(line.filter { $0 == 0x0A }.count == 1, "one event, one line")
    }

    @Test(arguments: [
        (0.0, "0.000000"), (0.0000004, "0.000000"), (0.0000006, "0.000001"), (1.25, "1.250000"),
        (12.3456789, "12.345679"), (86_400.000001, "86400.000001"),
    ])
    func timesHaveMicrosecondPrecision(time: Double, expected: String) {
        let line = String(decoding: AsciicastEvent(time: time, kind: .output, data: "").encodedLine, as: UTF8.self)
        #expect(line == "[\(expected), \"o\", \"\"]\n")
    }

    @Test func headerCarriesSizeTimeTermAndTitle() {
        let header = AsciicastHeader(width: 120, height: 40, timestamp: 1_790_000_000, term: "xterm-256color",
                                     title: "alice@web-01")
        #expect(String(decoding: header.encodedLine, as: UTF8.self)
            == #"{"version": 2, "width": 120, "height": 40, "timestamp": 1790000000, "env": {"TERM": "xterm-256color"}, "title": "alice@web-01"}"# + "\n")
    }

    @Test func execHeaderNamesTheCommandEscaped() throws {
        let header = AsciicastHeader(width: 80, height: 24, timestamp: 1, title: "bob@db-01",
                                     command: "psql -c \"select 1\"\n")
        let line = header.encodedLine
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(object["command"] as? String == "psql -c \"select 1\"\n")
        #expect(object["env"] == nil)
    }

    @Test func resizeDataIsColumnsByRows() {
        let event = AsciicastEvent(time: 3, kind: .resize, data: "132x43")
        #expect(event.size?.columns == 132)
        #expect(event.size?.rows == 43)
        #expect(AsciicastEvent(time: 3, kind: .output, data: "132x43").size == nil)
    }
}
