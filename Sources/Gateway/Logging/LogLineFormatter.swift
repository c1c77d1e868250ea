import Foundation
import Logging
import Policy

/// Turns one log event into one line: `ts`, `level`, `msg`, then every metadata key sorted,
/// so that lines are stable to grep and diff. Values are escaped so that a message or a
/// client-supplied string can never break a line in two or forge a field.
package struct LogLineFormatter: Sendable {
    package let format: LogFormat

    package init(format: LogFormat) {
        self.format = format
    }

    package func line(timestamp: Date, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        let time = Self.timestamp(timestamp)
        switch format {
        case .logfmt: return logfmt(time: time, level: level, message: message, metadata: metadata)
        case .json: return json(time: time, level: level, message: message, metadata: metadata)
        }
    }

    private func logfmt(time: String, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var fields = ["ts=\(time)", "level=\(level.rawValue)", "msg=" + Self.logfmtValue(message)]
        for key in metadata.keys.sorted() where !Self.reservedKeys.contains(key) {
            fields.append(Self.logfmtKey(key) + "=" + Self.logfmtValue(metadata[key]!.description))
        }
        return fields.joined(separator: " ")
    }

    private func json(time: String, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var object: [String: Any] = [:]
        for (key, value) in metadata where !Self.reservedKeys.contains(key) {
            object[key] = Self.jsonValue(value)
        }
        object["ts"] = time
        object["level"] = level.rawValue
        object["msg"] = message
        // Only strings, arrays and dictionaries of them: serialisation cannot fail, but if it
        // ever did, the event is still logged rather than lost.
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{\"ts\":\"\(time)\",\"level\":\"\(level.rawValue)\",\"msg\":\"unserialisable log event\"}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Metadata may not overwrite the fields every line starts with.
    private static let reservedKeys: Set<String> = ["ts", "level", "msg"]

    private static func jsonValue(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let convertible): return convertible.description
        case .array(let values): return values.map(jsonValue)
        case .dictionary(let entries): return entries.mapValues(jsonValue)
        }
    }

    /// A key is a bare word: anything outside `[A-Za-z0-9_.-/]` becomes `_`.
    static func logfmtKey(_ key: String) -> String {
        let cleaned = String(key.unicodeScalars.map { scalar -> Character in
            isBareKeyCharacter(scalar) ? Character(scalar) : "_"
        })
        return cleaned.isEmpty ? "_" : cleaned
    }

    /// Bare when it is non-empty and has no space, `=`, `"`, backslash or control character;
    /// quoted otherwise, with `"`, `\` and control characters escaped.
    static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains { scalar in
            scalar == " " || scalar == "=" || scalar == "\"" || scalar == "\\" || isControl(scalar)
        }
        guard needsQuotes else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            case _ where isControl(scalar):
                let hex = String(scalar.value, radix: 16)
                quoted += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    // C0, DEL, C1, and the Unicode line and paragraph separators, which some viewers break on.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    private static func isBareKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "-", "/": return true
        default: return false
        }
    }

    /// RFC 3339 in UTC with milliseconds, e.g. 2026-11-29T10:04:05.123Z.
    static func timestamp(_ date: Date) -> String {
        // Whole milliseconds first: splitting the double would turn .123 into .122.
        let total = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(total / 1000)
        let milliseconds = Int(total % 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }
}
