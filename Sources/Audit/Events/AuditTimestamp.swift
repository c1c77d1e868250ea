#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An instant in UTC with microsecond precision, stored as fixed-width text
/// (`2025-01-31T09:15:02.123456Z`).
///
/// Text rather than an integer so that auditors reading the file with `sqlite3` see times,
/// and fixed width so that text order is time order and range filters use the indexes.
/// Formatting is done by hand: it runs for every event on the writer thread, and avoids
/// `DateFormatter`'s cost and locale surprises.
package struct AuditTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var microsecondsSinceEpoch: Int64

    package init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    package init(secondsSinceEpoch: Double) {
        self.microsecondsSinceEpoch = Int64((secondsSinceEpoch * 1_000_000).rounded())
    }

    /// The wall clock now. Audit times are wall-clock times by definition (auditors compare
    /// them with other systems' logs), so this deliberately is not a monotonic clock.
    package static func now() -> AuditTimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return AuditTimestamp(microsecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000)
    }

    package static func < (lhs: AuditTimestamp, rhs: AuditTimestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    package func adding(microseconds: Int64) -> AuditTimestamp {
        AuditTimestamp(microsecondsSinceEpoch: microsecondsSinceEpoch + microseconds)
    }

    /// Milliseconds from `earlier` to `self`, as stored in `duration_ms`.
    package func milliseconds(since earlier: AuditTimestamp) -> Int64 {
        (microsecondsSinceEpoch - earlier.microsecondsSinceEpoch) / 1_000
    }

    package var description: String { iso8601 }

    /// The stored form: `YYYY-MM-DDTHH:MM:SS.ffffffZ`. Written straight into the string's
    /// storage: the writer formats one per event, and digit arrays were a visible share of it.
    package var iso8601: String {
        let (days, microsecondOfDay) = floorDivision(microsecondsSinceEpoch, 86_400_000_000)
        let date = CivilDate(daysSinceEpoch: days)
        let secondOfDay = microsecondOfDay / 1_000_000
        return String(unsafeUninitializedCapacity: 27) { bytes in
            func digits(_ value: Int64, width: Int, at offset: Int) {
                var rest = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    bytes[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                    rest /= 10
                }
            }
            digits(date.year, width: 4, at: 0)
            bytes[4] = UInt8(ascii: "-")
            digits(date.month, width: 2, at: 5)
            bytes[7] = UInt8(ascii: "-")
            digits(date.day, width: 2, at: 8)
            bytes[10] = UInt8(ascii: "T")
            digits(secondOfDay / 3600, width: 2, at: 11)
            bytes[13] = UInt8(ascii: ":")
            digits(secondOfDay / 60 % 60, width: 2, at: 14)
            bytes[16] = UInt8(ascii: ":")
            digits(secondOfDay % 60, width: 2, at: 17)
            bytes[19] = UInt8(ascii: ".")
            digits(microsecondOfDay % 1_000_000, width: 6, at: 20)
            bytes[26] = UInt8(ascii: "Z")
            return 27
        }
    }

    /// The same instant to the second, for aligned terminal tables.
    package var iso8601Seconds: String {
        let full = iso8601
        return String(full.prefix(19)) + "Z"
    }

    /// Parses the stored form exactly; `TimeBoundParser` accepts the looser forms people type.
    package init?(iso8601 text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 27, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            bytes[19] == UInt8(ascii: "."), bytes[26] == UInt8(ascii: "Z"),
            let year = decimal(bytes[0..<4]), let month = decimal(bytes[5..<7]), let day = decimal(bytes[8..<10]),
            let hour = decimal(bytes[11..<13]), let minute = decimal(bytes[14..<16]),
            let second = decimal(bytes[17..<19]), let micros = decimal(bytes[20..<26]),
            let timestamp = AuditTimestamp(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: micros)
        else { return nil }
        self = timestamp
    }

    /// A UTC calendar instant; nil when a field is out of range.
    package init?(year: Int64, month: Int64, day: Int64, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0,
                  microsecond: Int64 = 0) {
        guard (1...12).contains(month), (1...CivilDate.daysIn(month: month, year: year)).contains(day),
            (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second),
            (0..<1_000_000).contains(microsecond)
        else { return nil }
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second
        self.microsecondsSinceEpoch = seconds * 1_000_000 + microsecond
    }
}

/// A proleptic Gregorian date, converted to and from days since 1970-01-01 with the
/// era-based arithmetic that needs no tables and no loops.
struct CivilDate {
    var year: Int64
    var month: Int64
    var day: Int64

    init(year: Int64, month: Int64, day: Int64) {
        self.year = year
        self.month = month
        self.day = day
    }

    init(daysSinceEpoch: Int64) {
        let shifted = daysSinceEpoch + 719_468  // days from 0000-03-01 to 1970-01-01
        let era = floorDivision(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    var daysSinceEpoch: Int64 {
        let marchYear = month <= 2 ? year - 1 : year
        let era = floorDivision(marchYear, 400).quotient
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
    let quotient = value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    return (quotient, value - quotient * divisor)
}

func decimal(_ bytes: ArraySlice<UInt8>) -> Int64? {
    guard !bytes.isEmpty else { return nil }
    var value: Int64 = 0
    for byte in bytes {
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
        value = value * 10 + Int64(byte - UInt8(ascii: "0"))
    }
    return value
}
