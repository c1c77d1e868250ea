import Foundation
import Policy
import Testing

/// `AccessPolicy.authorize(_ access:)` over `ConditionsFixture`: one row per rule, each at a
/// fixed instant written in the local time it is about.
@Suite("AccessPolicy.authorize: grant conditions")
struct GrantConditionsTests {
    enum Outcome: Sendable, Equatable, CustomStringConvertible {
        case allowed(grant: Int)
        case denied(DenialReason)

        var description: String {
            switch self {
            case .allowed(let grant): return "allowed by grant #\(grant)"
            case .denied(let reason): return reason.message
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var user: String
        var username: String
        var at: String
        var source: String? = nil
        var ticket: String? = nil
        var outcome: Outcome
        var testDescription: String { label }
    }

    static let mondayMorning = "2026-12-07T10:00:00+01:00"
    static let saturdayMorning = "2026-12-05T10:00:00+01:00"
    static let incPattern = "^INC-[0-9]+$"

    static let groupsAndLabels: [Case] = [
        Case(label: "group member declared by the user's own groups", user: "carol", username: "root@web-01",
             at: mondayMorning, source: "198.51.100.7", ticket: "INC-1", outcome: .allowed(grant: 2)),
        Case(label: "group member declared by the group's members", user: "dave", username: "root@db-01",
             at: mondayMorning, source: "198.51.100.7", ticket: "INC-1", outcome: .allowed(grant: 2)),
        Case(label: "groups: [..] in to", user: "alice", username: "deploy@stg-01", at: mondayMorning, outcome: .allowed(grant: 3)),
        Case(label: "not in the group", user: "bob", username: "root@web-01", at: mondayMorning, source: "198.51.100.7", ticket: "INC-1",
             outcome: .denied(.loginNotGranted(user: "bob", login: "root", target: "web-01"))),
        Case(label: "label set membership: first value", user: "bob", username: "deploy@web-01",
             at: mondayMorning, ticket: "INC-42", outcome: .allowed(grant: 1)),
        Case(label: "label set membership: second value", user: "bob", username: "deploy@search-01",
             at: mondayMorning, ticket: "INC-42", outcome: .allowed(grant: 1)),
        Case(label: "label set membership: value outside the set", user: "bob", username: "deploy@pay-01",
             at: mondayMorning, ticket: "INC-42", outcome: .denied(.loginNotGranted(user: "bob", login: "deploy", target: "pay-01"))),
        Case(label: "label selector: every key must match", user: "bob", username: "deploy@stg-01",
             at: mondayMorning, ticket: "INC-42", outcome: .denied(.loginNotGranted(user: "bob", login: "deploy", target: "stg-01"))),
        Case(label: "a tunnel grant opens no login", user: "alice", username: "root@legacy-01", at: mondayMorning, source: "10.20.0.1",
             outcome: .denied(.loginNotGranted(user: "alice", login: "root", target: "legacy-01"))),
    ]

    static let tickets: [Case] = [
        Case(label: "ticket missing", user: "bob", username: "deploy@web-01", at: mondayMorning, outcome: .denied(.ticketRequired)),
        Case(label: "ticket blank", user: "bob", username: "deploy@web-01", at: mondayMorning, ticket: "   ",
             outcome: .denied(.ticketRequired)),
        Case(label: "ticket not matching the pattern", user: "bob", username: "deploy@web-01", at: mondayMorning, ticket: "CHG-7",
             outcome: .denied(.ticketMismatch(incPattern))),
        Case(label: "the pattern is searched, its anchors hold", user: "bob", username: "deploy@web-01", at: mondayMorning,
             ticket: "see INC-7", outcome: .denied(.ticketMismatch(incPattern))),
        Case(label: "ticket matching the pattern", user: "bob", username: "deploy@web-01", at: mondayMorning, ticket: "INC-7",
             outcome: .allowed(grant: 1)),
        Case(label: "surrounding spaces are ignored", user: "bob", username: "deploy@web-01", at: mondayMorning, ticket: " INC-7 ",
             outcome: .allowed(grant: 1)),
        Case(label: "ticket with a terminal escape", user: "bob", username: "deploy@web-01", at: mondayMorning, ticket: "INC-7\u{1b}[2J",
             outcome: .denied(.ticketMalformed)),
        Case(label: "ticket too long", user: "bob", username: "deploy@web-01", at: mondayMorning,
             ticket: "INC-" + String(repeating: "1", count: 125), outcome: .denied(.ticketMalformed)),
        Case(label: "require_ticket: true takes any ticket", user: "carol", username: "root@web-01", at: mondayMorning,
             source: "198.51.100.7", ticket: "disk full on web-01", outcome: .allowed(grant: 2)),
        Case(label: "require_ticket: true without a ticket", user: "carol", username: "root@web-01", at: mondayMorning,
             source: "198.51.100.7", outcome: .denied(.ticketRequired)),
    ]

    static let sources: [Case] = [
        Case(label: "IPv4 source inside the CIDR", user: "carol", username: "root@web-01", at: mondayMorning,
             source: "198.51.100.200", ticket: "x", outcome: .allowed(grant: 2)),
        Case(label: "IPv4-mapped IPv6 source inside an IPv4 CIDR", user: "carol", username: "root@web-01", at: mondayMorning,
             source: "::ffff:198.51.100.7", ticket: "x", outcome: .allowed(grant: 2)),
        Case(label: "IPv6 source inside the CIDR", user: "carol", username: "root@web-01", at: mondayMorning,
             source: "2001:db8:100:1::5", ticket: "x", outcome: .allowed(grant: 2)),
        Case(label: "IPv6 source outside the CIDR", user: "carol", username: "root@web-01", at: mondayMorning,
             source: "2001:db8:101::5", ticket: "x", outcome: .denied(.sourceNotAllowed("2001:db8:101::5"))),
        Case(label: "IPv4 source outside the CIDR", user: "carol", username: "root@web-01", at: mondayMorning,
             source: "203.0.113.9", ticket: "x", outcome: .denied(.sourceNotAllowed("203.0.113.9"))),
        Case(label: "unknown source", user: "carol", username: "root@web-01", at: mondayMorning, ticket: "x",
             outcome: .denied(.sourceNotAllowed(nil))),
        Case(label: "unparsable source is quoted", user: "carol", username: "root@web-01", at: mondayMorning,
             source: "evil\u{1b}", ticket: "x", outcome: .denied(.sourceNotAllowed(#""evil\x1b""#))),
    ]

    static let dates: [Case] = [
        Case(label: "a day before from", user: "bob", username: "postgres@db-01", at: "2026-05-31T23:59:59Z",
             outcome: .denied(.grantNotYetValid("2026-06-01"))),
        Case(label: "from: a date starts at its first instant in UTC", user: "bob", username: "postgres@db-01",
             at: "2026-06-01T00:00:00Z", outcome: .allowed(grant: 4)),
        Case(label: "until: a date runs through its last second in UTC", user: "bob", username: "postgres@db-01",
             at: "2026-12-31T23:59:59Z", outcome: .allowed(grant: 4)),
        Case(label: "expiry at the exact instant", user: "bob", username: "postgres@db-01", at: "2027-01-01T00:00:00Z",
             outcome: .denied(.grantExpired("2026-12-31"))),
        Case(label: "in Paris the grant still runs until 01:00 on New Year's day", user: "bob", username: "postgres@db-01",
             at: "2027-01-01T00:59:59+01:00", outcome: .allowed(grant: 4)),
    ]

    static let hours: [Case] = [
        Case(label: "inside office hours", user: "bob", username: "deploy@web-01", at: "2026-12-07T08:00:00+01:00",
             ticket: "INC-1", outcome: .allowed(grant: 1)),
        Case(label: "last second of office hours", user: "bob", username: "deploy@web-01", at: "2026-12-07T19:59:59+01:00",
             ticket: "INC-1", outcome: .allowed(grant: 1)),
        Case(label: "office hours end at 20:00 exactly", user: "bob", username: "deploy@web-01", at: "2026-12-07T20:00:00+01:00",
             ticket: "INC-1", outcome: .denied(.outsideHours("Mon-Fri 08:00-20:00 Europe/Paris"))),
        Case(label: "weekend", user: "bob", username: "deploy@web-01", at: saturdayMorning, ticket: "INC-1",
             outcome: .denied(.outsideHours("Mon-Fri 08:00-20:00 Europe/Paris"))),
        Case(label: "summer time: 08:30 in Paris is 06:30 UTC", user: "bob", username: "deploy@web-01", at: "2026-07-06T06:30:00Z",
             ticket: "INC-1", outcome: .allowed(grant: 1)),
        Case(label: "summer time: 07:30 in Paris is outside although 06:30 UTC would be 07:30 in winter", user: "bob",
             username: "deploy@web-01", at: "2026-07-06T05:30:00Z", ticket: "INC-1",
             outcome: .denied(.outsideHours("Mon-Fri 08:00-20:00 Europe/Paris"))),
        Case(label: "first Monday of summer time, 08:00 CEST", user: "bob", username: "deploy@web-01", at: "2026-03-30T06:00:00Z",
             ticket: "INC-1", outcome: .allowed(grant: 1)),
        Case(label: "first Monday of summer time, 07:59 CEST", user: "bob", username: "deploy@web-01", at: "2026-03-30T05:59:00Z",
             ticket: "INC-1", outcome: .denied(.outsideHours("Mon-Fri 08:00-20:00 Europe/Paris"))),
        Case(label: "first Monday of winter time, 08:00 CET", user: "bob", username: "deploy@web-01", at: "2026-10-26T07:00:00Z",
             ticket: "INC-1", outcome: .allowed(grant: 1)),
        Case(label: "night window opens Saturday 22:00", user: "erin", username: "root@db-01", at: "2026-03-28T22:00:00+01:00",
             outcome: .allowed(grant: 5)),
        Case(label: "night window closed Saturday 21:59", user: "erin", username: "root@db-01", at: "2026-03-28T21:59:00+01:00",
             outcome: .denied(.outsideHours("Sat,Sun 22:00-06:00 Europe/Paris"))),
        Case(label: "across midnight into the spring-forward night, 05:59 CEST", user: "erin", username: "root@db-01",
             at: "2026-03-29T05:59:00+02:00", outcome: .allowed(grant: 5)),
        Case(label: "the spring-forward night ends at 06:00 CEST", user: "erin", username: "root@db-01",
             at: "2026-03-29T06:00:00+02:00", outcome: .denied(.outsideHours("Sat,Sun 22:00-06:00 Europe/Paris"))),
        Case(label: "Sunday's night runs into Monday morning", user: "erin", username: "root@db-01", at: "2026-03-30T05:30:00+02:00",
             outcome: .allowed(grant: 5)),
        Case(label: "Monday's night is not granted", user: "erin", username: "root@db-01", at: "2026-03-31T05:30:00+02:00",
             outcome: .denied(.outsideHours("Sat,Sun 22:00-06:00 Europe/Paris"))),
        Case(label: "a window belongs to the day it starts: Friday night is not Saturday's", user: "erin", username: "root@db-01",
             at: "2026-03-28T00:30:00+01:00", outcome: .denied(.outsideHours("Sat,Sun 22:00-06:00 Europe/Paris"))),
        Case(label: "fall-back night: 05:59 CET", user: "erin", username: "root@db-01", at: "2026-10-25T05:59:00+01:00",
             outcome: .allowed(grant: 5)),
        Case(label: "fall-back night ends at 06:00 CET", user: "erin", username: "root@db-01", at: "2026-10-25T06:00:00+01:00",
             outcome: .denied(.outsideHours("Sat,Sun 22:00-06:00 Europe/Paris"))),
        Case(label: "group member via members: (bob in dba)", user: "bob", username: "root@db-01", at: "2026-10-24T23:00:00+02:00",
             outcome: .allowed(grant: 5)),
    ]

    /// Several conditions fail: within a grant the first in the order source, dates, hours,
    /// ticket is named; across grants, the failure of the grant that came closest.
    static let mostSpecific: [Case] = [
        Case(label: "one grant: source before ticket", user: "carol", username: "root@web-01", at: mondayMorning,
             source: "203.0.113.9", outcome: .denied(.sourceNotAllowed("203.0.113.9"))),
        Case(label: "one grant: hours before ticket", user: "bob", username: "deploy@web-01", at: saturdayMorning,
             outcome: .denied(.outsideHours("Mon-Fri 08:00-20:00 Europe/Paris"))),
        Case(label: "one grant: hours before a wrong ticket", user: "bob", username: "deploy@web-01", at: saturdayMorning,
             ticket: "nope", outcome: .denied(.outsideHours("Mon-Fri 08:00-20:00 Europe/Paris"))),
        Case(label: "across grants: expired (#10) beats source (#8)", user: "dave", username: "admin@pay-01", at: mondayMorning,
             source: "203.0.113.9", outcome: .denied(.grantExpired("2026-01-31"))),
        Case(label: "across grants: hours (#9) beats expired (#10) and source (#8)", user: "dave", username: "deploy@pay-01",
             at: saturdayMorning, source: "203.0.113.9", outcome: .denied(.outsideHours("Mon-Fri 08:00-20:00 Europe/Paris"))),
        Case(label: "across grants: ticket (#9) beats the rest, so the gateway can ask for one", user: "dave",
             username: "deploy@pay-01", at: mondayMorning, source: "203.0.113.9", outcome: .denied(.ticketRequired)),
        Case(label: "across grants: with the ticket, #9 allows", user: "dave", username: "deploy@pay-01", at: mondayMorning,
             source: "203.0.113.9", ticket: "INC-1", outcome: .allowed(grant: 9)),
        Case(label: "across grants: from the right network the first grant allows", user: "dave", username: "deploy@pay-01",
             at: saturdayMorning, source: "198.51.100.1", outcome: .allowed(grant: 8)),
        Case(label: "no grant for this login: conditions of other grants are not reported", user: "dave",
             username: "postgres@pay-01", at: saturdayMorning, source: "203.0.113.9",
             outcome: .denied(.loginNotGranted(user: "dave", login: "postgres", target: "pay-01"))),
        Case(label: "no grant for this user: login not granted", user: "alice", username: "root@web-01", at: mondayMorning,
             source: "198.51.100.7", ticket: "INC-1", outcome: .denied(.loginNotGranted(user: "alice", login: "root", target: "web-01"))),
        Case(label: "the target's default login is judged like any login", user: "bob", username: "web-01", at: mondayMorning,
             outcome: .denied(.ticketRequired)),
        Case(label: "unknown target comes first", user: "bob", username: "deploy@web-09", at: saturdayMorning,
             outcome: .denied(.unknownTarget("web-09"))),
    ]

    @Test(arguments: groupsAndLabels + tickets + sources + dates + hours + mostSpecific)
    func authorize(_ example: Case) throws {
        let policy = try ConditionsFixture.policy()
        let access = AccessRequest(
            request: try TargetRequest.parse(username: example.username), user: policy.user(example.user),
            time: Instant.at(example.at), sourceAddress: example.source, ticket: example.ticket)

        let outcome: Outcome
        switch policy.authorize(access) {
        case .allowed(_, _, let grant): outcome = .allowed(grant: grant.index)
        case .denied(let reason): outcome = .denied(reason)
        }

        #expect(outcome == example.outcome)
    }

    @Test func theOldEntryPointKnowsNoSourceAndNoTicket() throws {
        let policy = try ConditionsFixture.policy()
        let carol = policy.user("carol")
        let request = TargetRequest(login: "root", target: "web-01")

        #expect(policy.authorize(request, for: carol, at: Instant.at(Self.mondayMorning)) == .denied(.sourceNotAllowed(nil)))
        #expect(policy.authorize(TargetRequest(login: "deploy", target: "stg-01"), for: policy.user("alice"), at: Instant.at(Self.mondayMorning))
            .isAllowed)
    }

    @Test func onlyTicketRequiredAsksForATicket() {
        #expect(DenialReason.ticketRequired.isTicketRequired)
        let others: [DenialReason] = [
            .ticketMismatch("^INC-"), .ticketMalformed, .outsideHours("x"), .sourceNotAllowed(nil),
            .revoked(.ticketRequired), .loginNotGranted(user: "a", login: "b", target: "c"),
        ]
        #expect(others.allSatisfy { !$0.isTicketRequired })
    }
}
