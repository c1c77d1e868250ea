import Foundation
import Policy
import Testing

/// What the gateway's own shell lists: targets, their logins, and the grants with their conditions.
@Suite("AccessPolicy.reachableTargets")
struct ReachableTargetsTests {
    func listing(_ user: String, at: String, source: String? = nil) throws -> [String] {
        let policy = try ConditionsFixture.policy()
        return policy.reachableTargets(for: policy.user(user), at: Instant.at(at), sourceAddress: source).map { entry in
            let grants = entry.grants.map { "#\($0.index)\($0.mode == .tunnel ? " tunnel" : "")" }.joined(separator: " ")
            return "\(entry.target.name):\(entry.logins.joined(separator: ",")) [\(grants)]"
        }
    }

    @Test func listsEveryGrantThatLeadsSomewhereWithConditionsStillToMeet() throws {
        // Saturday, no ticket: bob's office-hours grant (#1) is listed all the same, with its conditions.
        #expect(try listing("bob", at: "2026-12-05T10:00:00+01:00") == [
            "db-01:postgres,root [#4 #5]",
            "search-01:deploy [#1]",
            "web-01:deploy [#1]",
        ])
    }

    @Test func expiredGrantsAreNotListed() throws {
        #expect(try listing("bob", at: "2027-01-01T00:00:00Z") == [
            "db-01:root [#5]",
            "search-01:deploy [#1]",
            "web-01:deploy [#1]",
        ])
    }

    @Test func tunnelOnlyTargetsHaveNoLogins() throws {
        #expect(try listing("alice", at: "2026-12-07T10:00:00+01:00") == [
            "legacy-01: [#6 tunnel]",
            "legacy-02: [#6 tunnel]",
            "stg-01:deploy [#3]",
            "web-01:deploy [#7]",
        ])
    }

    @Test func aKnownSourceHidesGrantsThatRefuseIt() throws {
        #expect(try listing("alice", at: "2026-12-07T10:00:00+01:00", source: "192.0.2.1") == [
            "stg-01:deploy [#3]",
            "web-01:deploy [#7]",
        ])
    }

    @Test func conditionSummaryTellsWhatIsNeeded() throws {
        let policy = try ConditionsFixture.policy()

        #expect(policy.grant(1).conditionSummary == ["ticket matching ^INC-[0-9]+$", "hours Mon-Fri 08:00-20:00 Europe/Paris"])
        #expect(policy.grant(2).conditionSummary == ["ticket required", "source 198.51.100.0/24, 2001:db8:100::/48"])
        #expect(policy.grant(4).conditionSummary == ["from 2026-06-01", "until 2026-12-31"])
        #expect(policy.grant(7).conditionSummary == ["max_session 8h"])
        #expect(policy.grant(3).conditionSummary.isEmpty)
    }
}
