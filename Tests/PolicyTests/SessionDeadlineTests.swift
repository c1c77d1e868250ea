import Foundation
import Policy
import Testing

@Suite("Grant.sessionDeadline")
struct SessionDeadlineTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        /// Extra keys of the one grant, in flow style.
        var keys: String
        var startedAt: String
        var deadline: String?
        var cause: SessionDeadline.Cause?
        var reason: String?
        var testDescription: String { label }
    }

    @Test(arguments: [
        Case(label: "no bound, no deadline", keys: "", startedAt: "2026-12-07T10:00:00Z", deadline: nil, cause: nil, reason: nil),
        Case(label: "max_session alone", keys: "max_session: 8h", startedAt: "2026-12-07T10:00:00Z",
             deadline: "2026-12-07T18:00:00Z", cause: .maxSession, reason: "the grant's max_session of 8h is reached"),
        Case(label: "until comes before max_session", keys: "max_session: 8h, until: 2026-12-31",
             startedAt: "2026-12-31T20:00:00Z", deadline: "2027-01-01T00:00:00Z", cause: .validityEnds,
             reason: "the grant is valid until 2026-12-31"),
        Case(label: "max_session comes before until", keys: "max_session: 90m, until: 2026-12-31",
             startedAt: "2026-12-31T20:00:00Z", deadline: "2026-12-31T21:30:00Z", cause: .maxSession,
             reason: "the grant's max_session of 90m is reached"),
        Case(label: "the hours window closes first", keys: #"max_session: 4h, hours: "Mon-Fri 08:00-20:00 Europe/Paris""#,
             startedAt: "2026-12-07T19:00:00+01:00", deadline: "2026-12-07T20:00:00+01:00", cause: .hoursEnd,
             reason: "the grant's hours Mon-Fri 08:00-20:00 Europe/Paris end"),
        Case(label: "max_session ends before the window", keys: #"max_session: 4h, hours: "Mon-Fri 08:00-20:00 Europe/Paris""#,
             startedAt: "2026-12-07T09:00:00+01:00", deadline: "2026-12-07T13:00:00+01:00", cause: .maxSession,
             reason: "the grant's max_session of 4h is reached"),
        Case(label: "a night window across the spring-forward change", keys: #"hours: "Sat 22:00-06:00 Europe/Paris""#,
             startedAt: "2026-03-28T23:00:00+01:00", deadline: "2026-03-29T06:00:00+02:00", cause: .hoursEnd,
             reason: "the grant's hours Sat 22:00-06:00 Europe/Paris end"),
        Case(label: "a night window across the fall-back change", keys: #"hours: "Sat 22:00-06:00 Europe/Paris""#,
             startedAt: "2026-10-24T23:00:00+02:00", deadline: "2026-10-25T06:00:00+01:00", cause: .hoursEnd,
             reason: "the grant's hours Sat 22:00-06:00 Europe/Paris end"),
        Case(label: "windows that touch are followed into one another",
             keys: #"hours: ["Mon-Fri 08:00-20:00 Europe/Paris", "Mon-Fri 20:00-22:00 Europe/Paris"]"#,
             startedAt: "2026-12-07T09:00:00+01:00", deadline: "2026-12-07T22:00:00+01:00", cause: .hoursEnd,
             reason: "the grant's hours Mon-Fri 08:00-20:00 Europe/Paris, Mon-Fri 20:00-22:00 Europe/Paris end"),
        Case(label: "overlapping windows end with the last", keys: #"hours: ["Mon 08:00-12:00 UTC", "Mon 11:00-13:00 UTC"]"#,
             startedAt: "2026-12-07T09:00:00Z", deadline: "2026-12-07T13:00:00Z", cause: .hoursEnd,
             reason: "the grant's hours Mon 08:00-12:00 UTC, Mon 11:00-13:00 UTC end"),
        Case(label: "a window covering every day never ends, max_session does", keys: #"hours: "00:00-24:00 UTC", max_session: 30m"#,
             startedAt: "2026-12-07T23:50:00Z", deadline: "2026-12-08T00:20:00Z", cause: .maxSession,
             reason: "the grant's max_session of 30m is reached"),
        Case(label: "weekdays chained through the nights end on Friday night", keys: #"hours: ["Mon-Fri 00:00-24:00 UTC"]"#,
             startedAt: "2026-12-07T09:00:00Z", deadline: "2026-12-12T00:00:00Z", cause: .hoursEnd,
             reason: "the grant's hours Mon-Fri 00:00-24:00 UTC end"),
        Case(label: "started outside every window: ends at once", keys: #"hours: "Mon-Fri 08:00-20:00 UTC""#,
             startedAt: "2026-12-05T10:00:00Z", deadline: "2026-12-05T10:00:00Z", cause: .hoursEnd,
             reason: "the grant's hours Mon-Fri 08:00-20:00 UTC end"),
        Case(label: "until given as an instant", keys: "until: 2026-12-07T12:00:00+01:00, max_session: 8h",
             startedAt: "2026-12-07T10:00:00+01:00", deadline: "2026-12-07T12:00:00+01:00", cause: .validityEnds,
             reason: "the grant is valid until 2026-12-07T12:00:00+01:00"),
    ])
    func deadline(_ example: Case) throws {
        let extra = example.keys.isEmpty ? "" : ", " + example.keys
        let policy = try ConfigurationFixtures.load("""
            organizations: [retailer]
            targets:
              - {name: web-01, address: "10.0.1.5:22"}
            grants:
              - {to: {org: retailer}, targets: {names: [web-01]}, logins: [deploy]\(extra)}
            """)
        let grant = policy.grant(1)
        let start = Instant.at(example.startedAt)

        let pair = grant.sessionDeadline(startedAt: start)
        let full = grant.deadline(startedAt: start)

        #expect(pair?.0 == example.deadline.map(Instant.at))
        #expect(pair?.reason == example.reason)
        #expect(full?.cause == example.cause)
    }
}
