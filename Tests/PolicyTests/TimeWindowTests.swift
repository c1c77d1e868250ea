import Foundation
import Policy
import Testing

@Suite("TimeWindow")
struct TimeWindowTests {
    struct Parsed: Sendable, CustomTestStringConvertible {
        var text: String
        var days: String
        var start: Int
        var end: Int
        var crossesMidnight: Bool
        var testDescription: String { text }
    }

    @Test(arguments: [
        Parsed(text: "Mon-Fri 08:00-20:00 Europe/Paris", days: "Mon,Tue,Wed,Thu,Fri", start: 480, end: 1200, crossesMidnight: false),
        Parsed(text: "Mon,Wed 09:30-10:00 UTC", days: "Mon,Wed", start: 570, end: 600, crossesMidnight: false),
        Parsed(text: "mon-wed,SAT 09:30-10:00 UTC", days: "Mon,Tue,Wed,Sat", start: 570, end: 600, crossesMidnight: false),
        Parsed(text: "Fri-Mon 10:00-11:00 UTC", days: "Sun,Mon,Fri,Sat", start: 600, end: 660, crossesMidnight: false),
        Parsed(text: "Sat,Sun 22:00-06:00 Europe/Paris", days: "Sun,Sat", start: 1320, end: 360, crossesMidnight: true),
        Parsed(text: "00:00-24:00 UTC", days: "Sun,Mon,Tue,Wed,Thu,Fri,Sat", start: 0, end: 1440, crossesMidnight: false),
        Parsed(text: "Tue 22:00-00:00 America/New_York", days: "Tue", start: 1320, end: 1440, crossesMidnight: false),
    ])
    func parses(_ example: Parsed) throws {
        let window = try TimeWindow(parsing: example.text)

        #expect(window.days.sorted().map(\.description).joined(separator: ",") == example.days)
        #expect(window.start == example.start)
        #expect(window.end == example.end)
        #expect(window.crossesMidnight == example.crossesMidnight)
    }

    @Test func keepsTheOperatorsWordsWithSpacesCollapsed() throws {
        #expect(try TimeWindow(parsing: "  Mon-Fri   08:00-20:00\tEurope/Paris ").description == "Mon-Fri 08:00-20:00 Europe/Paris")
    }

    @Test(arguments: [
        ("Mon-Fri 08:00-20:00", TimeWindowError.missingTimeZone),
        ("08:00-20:00", .malformed),
        ("Mon-Fri 08:00-20:00 Europe/Pariss", .unknownTimeZone("Europe/Pariss")),
        ("Mon-Fry 08:00-20:00 UTC", .unknownDay("Fry")),
        ("Mon-Fri-Sat 08:00-20:00 UTC", .unknownDay("Mon-Fri-Sat")),
        ("Mon, 08:00-20:00 UTC", .unknownDay("")),
        ("Mon 8:00-20:00 UTC", .invalidTime("8:00")),
        ("Mon 08:00-25:00 UTC", .invalidTime("25:00")),
        ("Mon 24:00-06:00 UTC", .invalidTime("24:00")),
        ("Mon 08:60-09:00 UTC", .invalidTime("08:60")),
        ("Mon 08:00 UTC", .malformed),
        ("Mon 10:00-10:00 UTC", .emptyWindow),
        ("Mon 00:00-00:00 UTC", .emptyWindow),
        ("UTC", .malformed),
        ("Mon Tue 08:00-20:00 UTC extra", .malformed),
    ])
    func rejects(text: String, error: TimeWindowError) {
        #expect(throws: error) { try TimeWindow(parsing: text) }
    }

    struct Containment: Sendable, CustomTestStringConvertible {
        var window: String
        var at: String
        var contains: Bool
        var testDescription: String { "\(window) at \(at)" }
    }

    @Test(arguments: [
        Containment(window: "Mon-Fri 08:00-20:00 Europe/Paris", at: "2026-12-07T08:00:00+01:00", contains: true),
        Containment(window: "Mon-Fri 08:00-20:00 Europe/Paris", at: "2026-12-07T07:59:59+01:00", contains: false),
        Containment(window: "Mon-Fri 08:00-20:00 Europe/Paris", at: "2026-12-11T19:59:59+01:00", contains: true),
        Containment(window: "Mon-Fri 08:00-20:00 Europe/Paris", at: "2026-12-12T10:00:00+01:00", contains: false),
        Containment(window: "Mon,Wed 08:00-09:00 UTC", at: "2026-12-08T08:30:00Z", contains: false),
        Containment(window: "Mon,Wed 08:00-09:00 UTC", at: "2026-12-09T08:30:00Z", contains: true),
        Containment(window: "Fri-Mon 10:00-11:00 UTC", at: "2026-12-06T10:30:00Z", contains: true),
        Containment(window: "Fri-Mon 10:00-11:00 UTC", at: "2026-12-08T10:30:00Z", contains: false),
        // Across midnight: Friday's window runs into Saturday, and only Friday's.
        Containment(window: "Fri 22:00-06:00 UTC", at: "2026-12-11T22:00:00Z", contains: true),
        Containment(window: "Fri 22:00-06:00 UTC", at: "2026-12-12T05:59:59Z", contains: true),
        Containment(window: "Fri 22:00-06:00 UTC", at: "2026-12-12T06:00:00Z", contains: false),
        Containment(window: "Fri 22:00-06:00 UTC", at: "2026-12-12T22:30:00Z", contains: false),
        Containment(window: "Fri 22:00-06:00 UTC", at: "2026-12-11T05:00:00Z", contains: false),
        Containment(window: "22:00-24:00 UTC", at: "2026-12-11T23:59:59Z", contains: true),
        Containment(window: "22:00-24:00 UTC", at: "2026-12-12T00:00:00Z", contains: false),
        // Paris changes to summer time on 2026-03-29 at 02:00 and back on 2026-10-25 at 03:00.
        Containment(window: "Sun 01:00-04:00 Europe/Paris", at: "2026-03-29T00:30:00Z", contains: true),
        Containment(window: "Sun 01:00-04:00 Europe/Paris", at: "2026-03-29T01:30:00Z", contains: true),
        Containment(window: "Sun 01:00-04:00 Europe/Paris", at: "2026-03-29T02:00:00Z", contains: false),
        Containment(window: "Sun 02:00-03:00 Europe/Paris", at: "2026-03-29T00:59:59Z", contains: false),
        Containment(window: "Sun 02:00-03:00 Europe/Paris", at: "2026-03-29T01:00:00Z", contains: false),
        Containment(window: "Sun 02:00-03:00 Europe/Paris", at: "2026-10-25T00:30:00Z", contains: true),
        Containment(window: "Sun 02:00-03:00 Europe/Paris", at: "2026-10-25T01:30:00Z", contains: true),
        Containment(window: "Sun 02:00-03:00 Europe/Paris", at: "2026-10-25T02:00:00Z", contains: false),
    ])
    func contains(_ example: Containment) throws {
        let window = try TimeWindow(parsing: example.window)
        #expect(window.contains(Instant.at(example.at)) == example.contains)
    }

    struct Ending: Sendable, CustomTestStringConvertible {
        var window: String
        var at: String
        var end: String?
        var label: String
        var testDescription: String { label }
    }

    @Test(arguments: [
        Ending(window: "Mon-Fri 08:00-20:00 Europe/Paris", at: "2026-12-07T10:00:00+01:00", end: "2026-12-07T20:00:00+01:00",
               label: "a day window ends the same day"),
        Ending(window: "Mon-Fri 08:00-20:00 Europe/Paris", at: "2026-12-07T21:00:00+01:00", end: nil,
               label: "outside, no occurrence"),
        Ending(window: "Sat 22:00-06:00 Europe/Paris", at: "2026-03-28T22:30:00+01:00", end: "2026-03-29T06:00:00+02:00",
               label: "spring-forward night is an hour shorter"),
        Ending(window: "Sat 22:00-06:00 Europe/Paris", at: "2026-10-24T22:30:00+02:00", end: "2026-10-25T06:00:00+01:00",
               label: "fall-back night is an hour longer"),
        Ending(window: "Sat 22:00-06:00 Europe/Paris", at: "2026-10-25T03:00:00+01:00", end: "2026-10-25T06:00:00+01:00",
               label: "after midnight, the occurrence that started the day before"),
        Ending(window: "Sun 01:00-02:30 Europe/Paris", at: "2026-03-29T01:30:00+01:00", end: "2026-03-29T03:00:00+02:00",
               label: "an end skipped by spring-forward is the first instant after the gap"),
        Ending(window: "Sun 01:00-02:30 Europe/Paris", at: "2026-10-25T01:30:00+02:00", end: "2026-10-25T02:30:00+02:00",
               label: "an end repeated by fall-back is its first occurrence"),
        Ending(window: "22:00-24:00 UTC", at: "2026-12-31T23:00:00Z", end: "2027-01-01T00:00:00Z",
               label: "24:00 is the next midnight, across the year end"),
    ])
    func endsItsOccurrence(_ example: Ending) throws {
        let window = try TimeWindow(parsing: example.window)
        #expect(window.end(ofOccurrenceContaining: Instant.at(example.at)) == example.end.map(Instant.at))
    }
}
