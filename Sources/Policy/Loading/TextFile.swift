import Foundation

/// Reads a whole UTF-8 file, naming the reason when it cannot, for messages an operator can act on.
enum TextFile {
    struct ReadError: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    static func read(atPath path: String) throws(ReadError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ReadError(reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw ReadError(reason: "is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else { throw ReadError(reason: "permission denied") }
        guard let text = String(data: data, encoding: .utf8) else { throw ReadError(reason: "not UTF-8 text") }
        return text
    }

    /// Lines with their 1-based numbers, without line terminators (LF or CRLF).
    static func numberedLines(_ text: String) -> [(number: Int, text: String)] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { offset, line in
            (offset + 1, line.hasSuffix("\r") ? String(line.dropLast()) : String(line))
        }
    }
}
