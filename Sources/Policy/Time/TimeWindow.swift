import Foundation

/// One entry of a grant's `hours`: `[DAYS] HH:MM-HH:MM ZONE`, e.g. `Mon-Fri 08:00-20:00 Europe/Paris`.
///
/// Times are wall-clock times in the zone, so a window keeps its local hours across
/// daylight-saving changes. A window whose end is not after its start crosses midnight and
/// belongs to the day it starts on: `Fri 22:00-06:00` runs from Friday 22:00 to Saturday 06:00.
/// Without days the window applies every day. Minutes are the granularity: the window
/// `08:00-20:00` contains 19:59:59 and not 20:00:00.
package struct TimeWindow: Hashable, Sendable, CustomStringConvertible {
    package let days: Set<Weekday>
    /// Minutes after midnight, 0 to 1439.
    package let start: Int
    /// Minutes after midnight, 1 to 1440; not after `start` for a window crossing midnight.
    package let end: Int
    package let timeZone: TimeZone
    /// As written, with runs of spaces collapsed: messages quote the operator's own words.
    package let description: String

    package init(parsing text: String) throws(TimeWindowError) {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard tokens.count == 2 || tokens.count == 3 else { throw .malformed }
        // `Mon-Fri 08:00-20:00`: the zone was forgotten, which would otherwise read as odd times.
        if let last = tokens.last, last.first?.isNumber == true, last.contains(":") { throw .missingTimeZone }
        let days = tokens.count == 3 ? try Self.parseDays(tokens[0]) : Set(Weekday.allCases)
        let range = tokens[tokens.count - 2].split(separator: "-", omittingEmptySubsequences: false)
        guard range.count == 2 else { throw .malformed }
        guard let start = Self.minutes(range[0]), start < 1440 else { throw .invalidTime(String(range[0])) }
        guard let end = Self.minutes(range[1]) else { throw .invalidTime(String(range[1])) }
        // `00:00` as an end means midnight at the end of the day, like `24:00`.
        guard start != end else { throw .emptyWindow }
        let zoneName = tokens[tokens.count - 1]
        guard let zone = TimeZone(identifier: zoneName) else { throw .unknownTimeZone(zoneName) }
        self.days = days
        self.start = start
        self.end = end == 0 ? 1440 : end
        self.timeZone = zone
        self.description = tokens.joined(separator: " ")
    }

    package var crossesMidnight: Bool { end <= start }

    package func contains(_ date: Date) -> Bool {
        occurrence(containing: date) != nil
    }

    /// When the occurrence of this window that contains `date` closes, or nil when `date` is outside.
    package func end(ofOccurrenceContaining date: Date) -> Date? {
        guard let (year, month, day) = occurrence(containing: date) else { return nil }
        let endDay = crossesMidnight || end == 1440 ? WallClock.nextDay(year: year, month: month, day: day) : (year, month, day)
        let endMinute = end == 1440 ? 0 : end
        return WallClock.firstInstant(
            atOrAfter: .init(year: endDay.0, month: endDay.1, day: endDay.2, minute: endMinute), in: timeZone)
    }

    /// The local day on which the containing occurrence started.
    private func occurrence(containing date: Date) -> (year: Int, month: Int, day: Int)? {
        let calendar = WallClock.calendar(in: timeZone)
        let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
        guard let weekday = parts.weekday.flatMap(Weekday.init(rawValue:)),
              let hour = parts.hour, let minute = parts.minute, let year = parts.year, let month = parts.month, let day = parts.day
        else { return nil }
        let now = hour * 60 + minute
        if crossesMidnight {
            if days.contains(weekday) && now >= start { return (year, month, day) }
            if days.contains(weekday.previous) && now < end {
                let yesterday = calendar.date(byAdding: .day, value: -1, to: date)!
                let earlier = calendar.dateComponents([.year, .month, .day], from: yesterday)
                return (earlier.year!, earlier.month!, earlier.day!)
            }
            return nil
        }
        return days.contains(weekday) && now >= start && now < end ? (year, month, day) : nil
    }

    /// `Mon-Fri`, `Mon,Wed,Fri`, `Mon-Wed,Sat`, or a range wrapping the week end (`Fri-Mon`).
    private static func parseDays(_ text: String) throws(TimeWindowError) -> Set<Weekday> {
        var days: Set<Weekday> = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2 else { throw .unknownDay(String(item)) }
            guard let first = Weekday(abbreviation: bounds[0]) else { throw .unknownDay(String(bounds[0])) }
            guard let last = bounds.count == 2 ? Weekday(abbreviation: bounds[1]) : first else { throw .unknownDay(String(bounds[1])) }
            var day = first
            days.insert(day)
            while day != last {
                day = day.next
                days.insert(day)
            }
        }
        return days
    }

    /// `HH:MM` from 00:00 to 24:00.
    private static func minutes(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let hour = Int(parts[0]), let minute = Int(parts[1]), hour <= 24, minute <= 59, hour < 24 || minute == 0
        else { return nil }
        return hour * 60 + minute
    }
}

package enum TimeWindowError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed
    case unknownDay(String)
    case invalidTime(String)
    case emptyWindow
    case unknownTimeZone(String)
    case missingTimeZone

    package var description: String {
        switch self {
        case .malformed:
            return "expected [DAYS] HH:MM-HH:MM ZONE, e.g. Mon-Fri 08:00-20:00 Europe/Paris"
        case .missingTimeZone:
            return "a time zone must follow the times, e.g. Mon-Fri 08:00-20:00 Europe/Paris (or UTC)"
        case .unknownDay(let day):
            return "unknown day \(SafeText.quoted(day)); days are Mon Tue Wed Thu Fri Sat Sun, as ranges (Mon-Fri) or lists (Mon,Wed)"
        case .invalidTime(let time):
            return "invalid time \(SafeText.quoted(time)); expected HH:MM from 00:00 to 24:00"
        case .emptyWindow:
            return "the window starts when it ends; for a whole day write 00:00-24:00"
        case .unknownTimeZone(let zone):
            return "unknown time zone \(SafeText.quoted(zone)); expected a tz database name such as Europe/Paris or UTC"
        }
    }
}
