import Foundation

/// A grant's `from` or `until`, as the instant it stands for and the text the operator wrote
/// (which is what messages quote: "grant expired on 2026-12-31").
///
/// Accepted forms:
/// - `2026-12-31`: a whole day in UTC;
/// - `2026-12-31 Europe/Paris`: a whole day in that zone;
/// - `2026-12-31T18:00:00+01:00`, `2026-12-31T17:00Z`: an instant (seconds optional);
/// - `2026-12-31T18:00 Europe/Paris`: a wall-clock time in that zone.
///
/// A whole day is inclusive at both ends: `from` starts at the beginning of the day and
/// `until` runs through its end. An instant is inclusive for `from` and exclusive for
/// `until`: access ends at the `until` instant exactly.
package struct ValidityBound: Hashable, Sendable, CustomStringConvertible {
    package enum Role: Sendable {
        case from
        case until
    }

    package let date: Date
    package let description: String

    package init(date: Date, text: String) {
        self.date = date
        self.description = text
    }

    package init(parsing text: String, as role: Role) throws(ValidityBoundError) {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard tokens.count == 1 || tokens.count == 2 else { throw .malformed }
        var zone = TimeZone(identifier: "UTC")!
        if tokens.count == 2 {
            // `2026-12-31 18:00` is a time written the wrong way, not a zone named "18:00".
            guard tokens[1].first?.isNumber != true else { throw .malformed }
            guard let named = TimeZone(identifier: tokens[1]) else { throw .unknownTimeZone(tokens[1]) }
            zone = named
        }
        let parts = tokens[0].split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
        guard let (year, month, day) = Self.parseDate(parts[0]) else { throw .malformed }
        guard WallClock.isValidDate(year: year, month: month, day: day) else { throw .invalidDate }

        if parts.count == 1 {
            let startDay = role == .from ? (year, month, day) : WallClock.nextDay(year: year, month: month, day: day)
            self.date = WallClock.firstInstant(
                atOrAfter: .init(year: startDay.0, month: startDay.1, day: startDay.2, minute: 0), in: zone)
        } else {
            var time = Substring(parts[1])
            var offset: Int?
            if time.hasSuffix("Z") {
                offset = 0
                time = time.dropLast()
            } else if let sign = time.lastIndex(where: { $0 == "+" || $0 == "-" }) {
                guard let parsed = Self.parseOffset(time[sign...]) else { throw .malformed }
                offset = parsed
                time = time[..<sign]
            }
            guard let (minute, second) = Self.parseTime(time) else { throw .malformed }
            // An offset and a zone name together could disagree; one of them is enough.
            if offset != nil && tokens.count == 2 { throw .offsetAndZone }
            if let offset {
                let utc = WallClock.calendar(in: TimeZone(identifier: "UTC")!)
                let midnight = utc.date(from: DateComponents(year: year, month: month, day: day))!
                self.date = midnight.addingTimeInterval(TimeInterval(minute * 60 + second - offset))
            } else {
                guard tokens.count == 2 else { throw .missingOffset }
                self.date = WallClock.firstInstant(
                    atOrAfter: .init(year: year, month: month, day: day, minute: minute, second: second), in: zone)
            }
        }
        self.description = tokens.joined(separator: " ")
    }

    /// `YYYY-MM-DD`.
    private static func parseDate(_ text: Substring) -> (Int, Int, Int)? {
        let fields = text.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0].count == 4, fields[1].count == 2, fields[2].count == 2,
              let year = digits(fields[0]), let month = digits(fields[1]), let day = digits(fields[2])
        else { return nil }
        return (year, month, day)
    }

    /// `HH:MM` or `HH:MM:SS`, as minutes after midnight and seconds.
    private static func parseTime(_ text: Substring) -> (minute: Int, second: Int)? {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3, fields.allSatisfy({ $0.count == 2 }),
              let hour = digits(fields[0]), let minute = digits(fields[1]), hour < 24, minute < 60
        else { return nil }
        let second = fields.count == 3 ? digits(fields[2]) : 0
        guard let second, second < 60 else { return nil }
        return (hour * 60 + minute, second)
    }

    /// `+01:00`, `-05:30` or `+0100`, in seconds east of UTC.
    private static func parseOffset(_ text: Substring) -> Int? {
        let sign = text.first == "-" ? -1 : 1
        let body = text.dropFirst().replacingOccurrences(of: ":", with: "")
        guard body.count == 4, let hours = digits(Substring(body.prefix(2))), let minutes = digits(Substring(body.suffix(2))),
              hours <= 14, minutes < 60
        else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }

    private static func digits(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}

package enum ValidityBoundError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed
    case invalidDate
    case unknownTimeZone(String)
    case missingOffset
    case offsetAndZone

    package var description: String {
        switch self {
        case .malformed:
            return "expected a date (2026-12-31), a date and a time zone (2026-12-31 Europe/Paris), "
                + "or a date and time with an offset (2026-12-31T18:00:00+01:00)"
        case .invalidDate:
            return "no such date"
        case .unknownTimeZone(let zone):
            return "unknown time zone \(SafeText.quoted(zone)); expected a tz database name such as Europe/Paris or UTC"
        case .missingOffset:
            return "a time needs an offset (2026-12-31T18:00:00+01:00, or Z for UTC) or a time zone (2026-12-31T18:00 Europe/Paris)"
        case .offsetAndZone:
            return "give either an offset or a time zone, not both"
        }
    }
}
