import Foundation

/// Local dates and times of a time zone, turned into instants without Foundation's guesses
/// around daylight-saving changes: a wall time that occurs twice means its first occurrence,
/// and one that a spring-forward skips means the first instant after the gap, which is when
/// a clock on that wall first reads at least that time.
enum WallClock {
    struct LocalTime: Hashable, Comparable {
        var year: Int
        var month: Int
        var day: Int
        /// Minutes after midnight; 1440 is midnight at the end of the day.
        var minute: Int
        var second: Int = 0

        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.year, lhs.month, lhs.day, lhs.minute, lhs.second) < (rhs.year, rhs.month, rhs.day, rhs.minute, rhs.second)
        }
    }

    static func calendar(in zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// Whether the date exists (no 2026-02-30).
    static func isValidDate(year: Int, month: Int, day: Int) -> Bool {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return false }
        let utc = calendar(in: TimeZone(identifier: "UTC")!)
        guard let date = utc.date(from: DateComponents(year: year, month: month, day: day)) else { return false }
        let back = utc.dateComponents([.year, .month, .day], from: date)
        return back.year == year && back.month == month && back.day == day
    }

    /// The first instant at which the zone's wall clock reads `local` or later.
    static func firstInstant(atOrAfter local: LocalTime, in zone: TimeZone) -> Date {
        // The wall time read as if it were UTC; the true instant is that minus the zone's offset.
        let utc = calendar(in: TimeZone(identifier: "UTC")!)
        let start = utc.date(from: DateComponents(year: local.year, month: local.month, day: local.day))!
        let asUTC = start.addingTimeInterval(TimeInterval(local.minute * 60 + local.second))
        let offsets = Set([-86_400.0, 0, 86_400].map { TimeInterval(zone.secondsFromGMT(for: asUTC.addingTimeInterval($0))) })
        let exact = offsets.map { asUTC.addingTimeInterval(-$0) }.filter { candidate in
            TimeInterval(zone.secondsFromGMT(for: candidate)) == asUTC.timeIntervalSince(candidate)
        }
        if let first = exact.min() { return first }
        // Skipped by a transition: search the gap for the first second whose wall clock has
        // passed the wanted time. Wall time only moves forward inside the gap.
        var low = asUTC.addingTimeInterval(-(offsets.max() ?? 0)).timeIntervalSince1970.rounded(.down)
        var high = asUTC.addingTimeInterval(-(offsets.min() ?? 0)).timeIntervalSince1970.rounded(.up)
        let wanted = asUTC.timeIntervalSince1970
        func wall(_ seconds: TimeInterval) -> TimeInterval {
            seconds + TimeInterval(zone.secondsFromGMT(for: Date(timeIntervalSince1970: seconds)))
        }
        while low < high {
            let middle = ((low + high) / 2).rounded(.down)
            if wall(middle) >= wanted { high = middle } else { low = middle + 1 }
        }
        return Date(timeIntervalSince1970: low)
    }

    /// The calendar day after the given one.
    static func nextDay(year: Int, month: Int, day: Int) -> (year: Int, month: Int, day: Int) {
        let utc = calendar(in: TimeZone(identifier: "UTC")!)
        let date = utc.date(from: DateComponents(year: year, month: month, day: day + 1))!
        let parts = utc.dateComponents([.year, .month, .day], from: date)
        return (parts.year!, parts.month!, parts.day!)
    }
}
