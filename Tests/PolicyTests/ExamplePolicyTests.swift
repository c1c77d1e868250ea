import Foundation
import Policy
import Testing

/// `config/examples/policy.yaml` is documentation that must stay true: it loads, and it means
/// what its comments say.
@Suite("config/examples/policy.yaml")
struct ExamplePolicyTests {
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/examples/policy.yaml").path

    @Test func loads() throws {
        let configuration = try ConfigurationLoader.load(path: Self.path)

        #expect(configuration.organizations == ["retailer", "provider"])
        #expect(configuration.users.count == 6)
        #expect(configuration.targets.count == 6)
        #expect(configuration.grants.count == 8)
        #expect(configuration.breakGlass.count == 1)
        #expect(configuration.groups.map(\.name) == ["oncall", "dba", "shop-dev"])
        #expect(configuration.groups.first { $0.name == "oncall" }?.members == ["bob", "carol"])
    }

    @Test func usesEveryGrantFeature() throws {
        let grants = try ConfigurationLoader.load(path: Self.path).grants

        #expect(grants.contains { $0.mode == .tunnel })
        #expect(grants.contains { !$0.subjects.groups.isEmpty } && grants.contains { !$0.subjects.users.isEmpty })
        #expect(grants.contains { !$0.subjects.organizations.isEmpty })
        #expect(grants.contains { $0.targetSelector.labels.requirements.values.contains { $0.count > 1 } })
        #expect(grants.contains { $0.validFrom != nil } && grants.contains { $0.validUntil != nil })
        #expect(grants.contains { $0.hours.count > 1 } && grants.contains { $0.hours.contains(where: \.crossesMidnight) })
        #expect(grants.contains { $0.ticketRule == .required })
        #expect(grants.contains { if case .matching = $0.ticketRule { return true } else { return false } })
        #expect(grants.contains { $0.maxSession != nil })
        #expect(grants.contains { $0.sources.contains { !$0.network.isIPv4 } })
        #expect(grants.contains { !$0.forwarding.isEmpty })
        #expect(grants.contains { $0.approval != nil })
    }

    @Test func requiresSecondFactorsAsItsCommentsSay() throws {
        let configuration = try ConfigurationLoader.load(path: Self.path)
        let policy = AccessPolicy(configuration: configuration)
        let required = configuration.users.filter { policy.requiresSecondFactor($0) }.map(\.name)
        // provider's whole organization, and rachel through dba.
        #expect(required == ["rachel", "bob", "carol", "dave"])
        #expect(policy.secondFactorReuse == .seconds(8 * 3600))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var user: String
        var username: String
        var at: String
        var source: String?
        var ticket: String?
        var allowedBy: Int?
        var denial: String?
        var testDescription: String { label }
    }

    @Test(arguments: [
        Case(label: "provider in office hours with an incident", user: "carol", username: "deploy@web-01",
             at: "2026-12-07T10:00:00+01:00", source: "198.51.100.20", ticket: "INC-1042", allowedBy: 2),
        Case(label: "provider without a ticket", user: "carol", username: "deploy@search-01",
             at: "2026-12-07T10:00:00+01:00", source: "198.51.100.20", denial: "tracegate: a ticket is required (ssh -o SetEnv=TRACEGATE_TICKET=…)"),
        Case(label: "provider, not on call, on Saturday", user: "dave", username: "deploy@web-01",
             at: "2026-12-05T10:00:00+01:00", source: "198.51.100.20", ticket: "INC-1042",
             denial: "tracegate: outside hours Mon-Fri 08:00-20:00 Europe/Paris"),
        Case(label: "provider after the contract", user: "dave", username: "deploy@web-01",
             at: "2027-01-04T10:00:00+01:00", source: "198.51.100.20", ticket: "INC-1042",
             denial: "tracegate: grant expired on 2026-12-31"),
        Case(label: "provider on call, Saturday, with an incident", user: "carol", username: "deploy@web-01",
             at: "2026-12-05T10:00:00+01:00", source: "203.0.113.50", ticket: "INC-1042", allowedBy: 3),
        Case(label: "on call at night with an incident", user: "bob", username: "root@db-01",
             at: "2026-12-06T03:00:00+01:00", ticket: "INC-7", allowedBy: 3),
        Case(label: "on call with a change ticket", user: "carol", username: "root@db-01",
             at: "2026-12-06T03:00:00+01:00", ticket: "CHG-7", denial: "tracegate: ticket does not match ^INC-[0-9]+$"),
        Case(label: "retailer developer on staging", user: "alice", username: "root@stg-web-01",
             at: "2026-12-06T03:00:00+01:00", allowedBy: 1),
        Case(label: "retailer developer not on production", user: "alice", username: "deploy@web-01",
             at: "2026-12-07T10:00:00+01:00", denial: "tracegate: alice may not log in as deploy on web-01"),
        Case(label: "DBA on Saturday morning", user: "rachel", username: "postgres@db-01",
             at: "2026-12-05T10:00:00+01:00", ticket: "CHG-1", allowedBy: 4),
        Case(label: "maintenance campaign before it starts", user: "dave", username: "root@db-01",
             at: "2026-05-30T23:00:00+02:00", ticket: "CHG-1", denial: "tracegate: grant is not valid before 2026-06-01 Europe/Paris"),
        Case(label: "maintenance campaign on a summer Saturday night", user: "dave", username: "root@db-01",
             at: "2026-07-04T23:00:00+02:00", ticket: "CHG-1", allowedBy: 5),
    ])
    func decides(_ example: Case) throws {
        let policy = AccessPolicy(configuration: try ConfigurationLoader.load(path: Self.path))
        let access = AccessRequest(
            request: try TargetRequest.parse(username: example.username), user: policy.user(example.user),
            time: Instant.at(example.at), sourceAddress: example.source, ticket: example.ticket)

        switch policy.authorize(access) {
        case .allowed(_, _, let grant):
            #expect(grant.index == example.allowedBy, "allowed by \(grant.name)")
        case .denied(let reason):
            #expect(reason.message == example.denial)
        }
    }

    @Test func ciTunnelsToTheLegacyHostOnly() throws {
        let policy = AccessPolicy(configuration: try ConfigurationLoader.load(path: Self.path))
        let ci = policy.user("ci-deploy")
        let monday = Instant.at("2026-12-07T10:00:00+01:00")

        #expect(policy.authorizeTunnel(
            user: ci, destinationHost: "legacy-01", destinationPort: 2222, time: monday, sourceAddress: "10.20.3.4", ticket: nil).isAllowed)
        #expect(policy.authorizeTunnel(
            user: ci, destinationHost: "10.0.1.5", destinationPort: 22, time: monday, sourceAddress: "10.20.3.4", ticket: nil)
            == .denied(.tunnelNotGranted("web-01")))
        #expect(policy.authorizeForwarding(grant: policy.grant(4), destinationHost: "10.0.2.5", destinationPort: 5432))
    }
}
