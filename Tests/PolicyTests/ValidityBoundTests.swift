import Foundation
import Policy
import Testing

@Suite("ValidityBound: from and until")
struct ValidityBoundTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var role: ValidityBound.Role
        var instant: String
        var label: String
        var testDescription: String { label }
    }

    @Test(arguments: [
        Case(text: "2026-06-01", role: .from, instant: "2026-06-01T00:00:00Z", label: "from a date: its start in UTC"),
        Case(text: "2026-12-31", role: .until, instant: "2027-01-01T00:00:00Z", label: "until a date: through its end in UTC"),
        Case(text: "2026-02-28", role: .until, instant: "2026-03-01T00:00:00Z", label: "until the last day of February"),
        Case(text: "2028-02-29", role: .from, instant: "2028-02-29T00:00:00Z", label: "a leap day"),
        Case(text: "2026-06-01 Europe/Paris", role: .from, instant: "2026-06-01T00:00:00+02:00", label: "from a date in a zone"),
        Case(text: "2026-12-31 Europe/Paris", role: .until, instant: "2027-01-01T00:00:00+01:00", label: "until a date in a zone"),
        Case(text: "2026-12-31T18:00:00+01:00", role: .until, instant: "2026-12-31T17:00:00Z", label: "an instant with an offset"),
        Case(text: "2026-12-31T18:00-05:30", role: .until, instant: "2026-12-31T23:30:00Z", label: "a negative offset, no seconds"),
        Case(text: "2026-12-31T17:00Z", role: .until, instant: "2026-12-31T17:00:00Z", label: "Z for UTC"),
        Case(text: "2026-07-01T08:00 Europe/Paris", role: .from, instant: "2026-07-01T06:00:00Z", label: "a wall time in summer"),
        Case(text: "2026-03-29T02:30 Europe/Paris", role: .from, instant: "2026-03-29T01:00:00Z",
             label: "a wall time skipped by spring-forward: the end of the gap"),
        Case(text: "2026-10-25T02:30 Europe/Paris", role: .until, instant: "2026-10-25T00:30:00Z",
             label: "a wall time repeated by fall-back: its first occurrence"),
    ])
    func parses(_ example: Case) throws {
        let bound = try ValidityBound(parsing: example.text, as: example.role)
        #expect(bound.date == Instant.at(example.instant))
        #expect(bound.description == example.text)
    }

    @Test(arguments: [
        ("31/12/2026", ValidityBoundError.malformed),
        ("2026-12-31T18", .malformed),
        ("2026-12-31T25:00Z", .malformed),
        ("2026-12-31T18:00+1", .malformed),
        ("2026-12-31 18:00", .malformed),
        ("2026-13-01", .invalidDate),
        ("2026-02-29", .invalidDate),
        ("2026-12-31 Europe/Pariss", .unknownTimeZone("Europe/Pariss")),
        ("2026-12-31T18:00", .missingOffset),
        ("2026-12-31T18:00+01:00 Europe/Paris", .offsetAndZone),
        ("tomorrow", .malformed),
    ])
    func rejects(text: String, error: ValidityBoundError) {
        #expect(throws: error) { try ValidityBound(parsing: text, as: .until) }
    }
}
