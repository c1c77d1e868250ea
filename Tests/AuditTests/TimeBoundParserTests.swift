import Testing
@testable import Audit

@Suite("--since and --until values")
struct TimeBoundParserTests {
    static let now = AuditTimestamp(year: 2025, month: 3, day: 14, hour: 12)!

    static let durations: [(String, Int64)] = [
        ("2h", 7_200), ("30m", 1_800), ("7d", 604_800), ("45s", 45), ("1w", 604_800), ("1h30m", 5_400), ("now", 0),
    ]

    @Test(arguments: durations)
    func durationsCountBackFromNow(text: String, seconds: Int64) throws {
        #expect(try TimeBoundParser.parse(text, now: Self.now) == Self.now.adding(microseconds: -seconds * 1_000_000))
    }

    static let dates: [(String, String)] = [
        ("2025-01-31", "2025-01-31T00:00:00.000000Z"),
        ("2025-01-31T14:00", "2025-01-31T14:00:00.000000Z"),
        ("2025-01-31 14:00:05", "2025-01-31T14:00:05.000000Z"),
        ("2025-01-31T14:00:05.25Z", "2025-01-31T14:00:05.250000Z"),
        ("2025-01-31T14:00:00+02:00", "2025-01-31T12:00:00.000000Z"),
        ("2025-01-31T00:30:00-0130", "2025-01-31T02:00:00.000000Z"),
    ]

    @Test(arguments: dates)
    func datesAndTimesAreUTCUnlessAnOffsetIsGiven(text: String, expected: String) throws {
        #expect(try TimeBoundParser.parse(text, now: Self.now).iso8601 == expected)
    }

    @Test(arguments: ["", "yesterday", "2h ago", "h", "12", "2025-13-01", "2025-02-30", "2025-01-31T25:00", "5x"])
    func nonsenseIsRefusedWithAnExample(text: String) {
        #expect(throws: AuditError.self) { try TimeBoundParser.parse(text, now: Self.now) }
        do {
            _ = try TimeBoundParser.parse(text, now: Self.now)
        } catch {
            #expect(error.description.contains("2h"))
        }
    }
}
