import Foundation

/// The parsers of what a browser sends: the query string, the cookie header and the `Range`
/// header. Foundation only, so that the libFuzzer harness (`fuzz/`, `FuzzWebInput`) builds
/// them without the HTTP server.
package enum WebInput {
    package enum Problem: Error, Equatable, CustomStringConvertible {
        case tooManyParameters(Int)
        case notUTF8
        case tooLong(Int)

        package var description: String {
            switch self {
            case .tooManyParameters(let limit): "more than \(limit) parameters"
            case .notUTF8: "a parameter is not valid percent-encoded UTF-8"
            case .tooLong(let limit): "a parameter is longer than \(limit) bytes"
            }
        }
    }

    /// `a=1&b=x+y` → ["a": "1", "b": "x y"]; the last of repeated names wins.
    package static func query(_ raw: String?, maxParameters: Int = 32, maxValueBytes: Int = 256)
        throws(Problem) -> [String: String]
    {
        guard let raw, !raw.isEmpty else { return [:] }
        let pairs = raw.split(separator: "&", omittingEmptySubsequences: true)
        guard pairs.count <= maxParameters else { throw .tooManyParameters(maxParameters) }
        var query: [String: String] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else { throw .notUTF8 }
            guard name.utf8.count <= 32, value.utf8.count <= maxValueBytes else { throw .tooLong(maxValueBytes) }
            query[name] = value
        }
        return query
    }

    /// The value of cookie `name` in a `Cookie:` header, if the header is of a sane size.
    package static func cookie(named name: String, in header: String) -> String? {
        guard header.utf8.count <= 8192 else { return nil }
        for part in header.split(separator: ";") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(name + "=") { return String(trimmed.dropFirst(name.count + 1)) }
        }
        return nil
    }

    /// `bytes=A-B` or `bytes=A-`, within a file of `size` bytes, at most `maxBytes`; nil
    /// otherwise. A start at the end gives an empty range (the player's "done").
    package static func byteRange(_ header: String, size: Int64, maxBytes: Int64) -> Range<Int64>? {
        guard header.hasPrefix("bytes="), header.utf8.count <= 64, size >= 0, maxBytes > 0 else { return nil }
        let spec = header.dropFirst(6)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Int64(parts[0]), start >= 0 else { return nil }
        if start >= size { return start == size ? start..<start : nil }
        var end = parts[1].isEmpty ? size - 1 : (Int64(parts[1]) ?? -1)
        guard end >= start else { return nil }
        end = min(end, size - 1, start + maxBytes - 1)
        return start..<(end + 1)
    }

    private static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
