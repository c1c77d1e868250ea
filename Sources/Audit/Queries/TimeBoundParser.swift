/// Reads the `--since` and `--until` values people type: a duration back from now (`2h`,
/// `30m`, `7d`, `1w`, `1h30m`), `now`, a date (`2025-01-31`, midnight UTC) or a date and time
/// (`2025-01-31T14:00`, `2025-01-31 14:00:05.250`, with `Z` or an offset such as `+02:00`;
/// without one it is UTC, the time zone of every stored time).
package enum TimeBoundParser {
    package static func parse(_ text: String, now: AuditTimestamp = .now()) throws(AuditError) -> AuditTimestamp {
        let trimmed = text.trimmingSpaces
        if trimmed == "now" { return now }
        if let seconds = durationSeconds(trimmed) {
            return now.adding(microseconds: -seconds * 1_000_000)
        }
        if let instant = dateTime(trimmed) { return instant }
        throw .invalidFilter(
            "cannot read the time \"\(text)\": use a duration back from now (2h, 30m, 7d, 1w, 1h30m), "
                + "a UTC date (2025-01-31) or a date and time (2025-01-31T14:00, 2025-01-31T14:00:00+02:00)")
    }

    /// `1h30m` → 5400; nil unless the whole text is number-unit pairs.
    static func durationSeconds(_ text: String) -> Int64? {
        var total: Int64 = 0
        var number: Int64?
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (product, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                number = product + Int64(digit)
                continue
            }
            let unit: Int64
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3_600
            case "d": unit = 86_400
            case "w": unit = 604_800
            default: return nil
            }
            guard let value = number else { return nil }
            let (product, overflow) = value.multipliedReportingOverflow(by: unit)
            guard !overflow, product < 100 * 365 * 86_400 else { return nil }
            total += product
            number = nil
        }
        return number == nil && !text.isEmpty ? total : nil
    }

    private static func dateTime(_ text: String) -> AuditTimestamp? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = decimal(bytes[0..<4]), let month = decimal(bytes[5..<7]), let day = decimal(bytes[8..<10])
        else { return nil }
        if bytes.count == 10 {
            return AuditTimestamp(year: year, month: month, day: day)
        }
        guard bytes.count >= 16, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), let hour = decimal(bytes[11..<13]), let minute = decimal(bytes[14..<16])
        else { return nil }
        var index = 16
        var second: Int64 = 0
        var microsecond: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            guard index + 3 <= bytes.count, let value = decimal(bytes[(index + 1)..<(index + 3)]) else { return nil }
            second = value
            index += 3
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                var end = index + 1
                while end < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) { end += 1 }
                guard end > index + 1 else { return nil }
                // Keep microseconds: pad or cut the fraction to six digits.
                let digits = Array(bytes[(index + 1)..<end].prefix(6))
                microsecond = (decimal(digits[...]) ?? 0) * pow10(6 - digits.count)
                index = end
            }
        }
        guard let offsetSeconds = zoneOffsetSeconds(bytes[index...]),
            let local = AuditTimestamp(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: microsecond)
        else { return nil }
        return local.adding(microseconds: -offsetSeconds * 1_000_000)
    }

    /// "" or "Z" → 0; "+02:00", "-0530" → seconds east of UTC; nil if malformed.
    private static func zoneOffsetSeconds(_ bytes: ArraySlice<UInt8>) -> Int64? {
        if bytes.isEmpty || Array(bytes) == [UInt8(ascii: "Z")] { return 0 }
        guard let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        let digits = bytes.dropFirst().filter { $0 != UInt8(ascii: ":") }
        guard digits.count == 4, let hours = decimal(digits.prefix(2)), let minutes = decimal(digits.suffix(2)),
            hours < 24, minutes < 60
        else { return nil }
        let seconds = (hours * 60 + minutes) * 60
        return sign == UInt8(ascii: "+") ? seconds : -seconds
    }

    private static func pow10(_ exponent: Int) -> Int64 {
        (0..<exponent).reduce(1) { value, _ in value * 10 }
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
