import Foundation
import Policy
import Testing

@Suite("AccessPolicy: tunnels and forwarding")
struct TunnelAndForwardingTests {
    enum Outcome: Sendable, Equatable {
        case allowed(target: String, grant: Int)
        case denied(DenialReason)
    }

    struct TunnelCase: Sendable, CustomTestStringConvertible {
        var label: String
        var user: String = "alice"
        var host: String
        var port: Int
        var source: String? = "10.20.1.1"
        var outcome: Outcome
        var testDescription: String { label }
    }

    @Test(arguments: [
        TunnelCase(label: "by target name and its SSH port", host: "legacy-01", port: 2222, outcome: .allowed(target: "legacy-01", grant: 6)),
        TunnelCase(label: "by the target's address; of two targets there, the granted one", host: "10.0.9.9", port: 2222,
                   outcome: .allowed(target: "legacy-01", grant: 6)),
        TunnelCase(label: "by an IPv6 address", host: "2001:db8::9", port: 22, outcome: .allowed(target: "legacy-02", grant: 6)),
        TunnelCase(label: "by another spelling of the IPv6 address", host: "2001:DB8:0::9", port: 22,
                   outcome: .allowed(target: "legacy-02", grant: 6)),
        TunnelCase(label: "a target, but not its SSH port", host: "legacy-01", port: 22,
                   outcome: .denied(.notATunnelDestination("legacy-01:22"))),
        TunnelCase(label: "an address that is no target", host: "10.9.9.9", port: 22,
                   outcome: .denied(.notATunnelDestination("10.9.9.9:22"))),
        TunnelCase(label: "a hostile destination is quoted", host: "evil\u{1b}[2J", port: 22,
                   outcome: .denied(.notATunnelDestination(#""evil\x1b[2J":22"#))),
        TunnelCase(label: "a record grant does not open a tunnel", host: "web-01", port: 22,
                   outcome: .denied(.tunnelNotGranted("web-01"))),
        TunnelCase(label: "another user has no tunnel grant", user: "bob", host: "legacy-01", port: 2222,
                   outcome: .denied(.tunnelNotGranted("legacy-01"))),
        TunnelCase(label: "the grant's source applies", host: "legacy-01", port: 2222, source: "192.0.2.1",
                   outcome: .denied(.sourceNotAllowed("192.0.2.1"))),
        TunnelCase(label: "an unknown source is refused", host: "legacy-01", port: 2222, source: nil,
                   outcome: .denied(.sourceNotAllowed(nil))),
        TunnelCase(label: "the shared address does not extend the grant to legacy-03", user: "bob", host: "10.0.9.9", port: 2222,
                   outcome: .denied(.tunnelNotGranted("legacy-01"))),
    ])
    func authorizeTunnel(_ example: TunnelCase) throws {
        let policy = try ConditionsFixture.policy()
        let user = policy.user(example.user)

        let decision = policy.authorizeTunnel(
            user: user, destinationHost: example.host, destinationPort: example.port,
            time: Instant.at("2026-12-07T10:00:00+01:00"), sourceAddress: example.source, ticket: nil)

        switch decision {
        case .allowed(let target, let grant): #expect(Outcome.allowed(target: target.name, grant: grant.index) == example.outcome)
        case .denied(let reason): #expect(Outcome.denied(reason) == example.outcome)
        }
    }

    @Test func aUserUnknownToThePolicyGetsNoTunnel() throws {
        let policy = try ConditionsFixture.policy()
        let mallory = User(name: "mallory", organization: "retailer", keys: [])

        let decision = policy.authorizeTunnel(
            user: mallory, destinationHost: "legacy-01", destinationPort: 2222, time: Instant.at("2026-12-07T10:00:00+01:00"),
            sourceAddress: "10.20.1.1", ticket: nil)

        #expect(decision == .denied(.tunnelNotGranted("legacy-01")))
    }

    @Test func tunnelConditionsUseTheSameOrderAndTickets() throws {
        let policy = try ConfigurationFixtures.load("""
            organizations: [retailer]
            users:
              - {name: ci, org: retailer, keys: ["\(SyntheticKey.line(seed: 1))"]}
            targets:
              - {name: legacy-01, address: "10.0.9.9:22"}
            grants:
              - {to: {user: ci}, targets: {names: [legacy-01]}, mode: tunnel, require_ticket: '^CHG-', hours: "Mon-Fri 08:00-20:00 UTC"}
            """)
        func decide(_ at: String, _ ticket: String?) -> TunnelDecision {
            policy.authorizeTunnel(
                user: policy.user("ci"), destinationHost: "legacy-01", destinationPort: 22, time: Instant.at(at),
                sourceAddress: nil, ticket: ticket)
        }

        #expect(decide("2026-12-07T10:00:00Z", nil) == .denied(.ticketRequired))
        #expect(decide("2026-12-07T10:00:00Z", "INC-1") == .denied(.ticketMismatch("^CHG-")))
        #expect(decide("2026-12-05T10:00:00Z", "CHG-1") == .denied(.outsideHours("Mon-Fri 08:00-20:00 UTC")))
        #expect(decide("2026-12-07T10:00:00Z", "CHG-1").isAllowed)
    }

    @Test(arguments: [
        ("db-01", 5432, "10.0.2.5:5432"),
        ("10.0.2.5", 5432, "10.0.2.5:5432"),
        ("10.0.3.7", 9100, "10.0.3.7:9100"),
        ("2001:db8::7", 443, "[2001:db8::7]:443"),
        ("2001:DB8:0:0::7", 443, "[2001:db8::7]:443"),
        ("metrics.example.net", 9090, "metrics.example.net:9090"),
        ("METRICS.example.net", 9090, "METRICS.example.net:9090"),
    ])
    func forwardingToAListedDestination(host: String, port: Int, dialed: String) throws {
        let policy = try ConditionsFixture.policy()
        let grant = policy.grant(7)

        #expect(policy.authorizeForwarding(grant: grant, destinationHost: host, destinationPort: port))
        #expect(policy.forwardingDestination(grant: grant, destinationHost: host, destinationPort: port)?.description == dialed)
    }

    @Test(arguments: [
        ("db-01", 5433),
        ("10.0.2.5", 22),
        ("10.0.3.8", 9100),
        ("2001:db8::8", 443),
        ("web-01", 22),
        ("localhost", 5432),
        ("127.0.0.1", 5432),
        ("metrics.example.net.evil.org", 9090),
        ("*", 5432),
    ])
    func forwardingToAnUnlistedDestination(host: String, port: Int) throws {
        let policy = try ConditionsFixture.policy()
        #expect(!policy.authorizeForwarding(grant: policy.grant(7), destinationHost: host, destinationPort: port))
    }

    @Test func forwardingNeedsARecordGrantThatListsIt() throws {
        let policy = try ConditionsFixture.policy()

        #expect(!policy.authorizeForwarding(grant: policy.grant(1), destinationHost: "db-01", destinationPort: 5432))
        var tunnel = policy.grant(7)
        tunnel.mode = .tunnel
        #expect(!policy.authorizeForwarding(grant: tunnel, destinationHost: "db-01", destinationPort: 5432))
        #expect(policy.forwardingDenial(destinationHost: "db-02", destinationPort: 5432).message
            == "tracegate: forwarding to db-02:5432 is not granted")
    }
}
