/// Days of the week as `hours:` spells them, numbered as Foundation's Gregorian calendar does.
package enum Weekday: Int, CaseIterable, Hashable, Sendable, Comparable, CustomStringConvertible {
    case sunday = 1, monday, tuesday, wednesday, thursday, friday, saturday

    package static let abbreviations = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    /// `Mon`, `mon` or `MON`.
    package init?(abbreviation: some StringProtocol) {
        guard let index = Self.abbreviations.firstIndex(where: { $0.lowercased() == abbreviation.lowercased() }) else { return nil }
        self.init(rawValue: index + 1)
    }

    package var previous: Weekday { Weekday(rawValue: rawValue == 1 ? 7 : rawValue - 1)! }
    package var next: Weekday { Weekday(rawValue: rawValue == 7 ? 1 : rawValue + 1)! }

    package var description: String { Self.abbreviations[rawValue - 1] }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
