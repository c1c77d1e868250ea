import Foundation
import Policy
import Testing

/// `stillAllows`: a running session checked against a reloaded policy.
@Suite("AccessPolicy.stillAllows")
struct ReloadTests {
    static let monday = Instant.at("2026-12-07T10:00:00+01:00")

    static func yaml(grants: String) -> String {
        """
        organizations: [retailer, provider]
        users:
          - {name: alice, org: retailer, keys: ["\(SyntheticKey.line(seed: 1))"]}
          - {name: bob, org: provider, keys: ["\(SyntheticKey.line(seed: 2))"]}
        targets:
          - {name: web-01, address: "10.0.1.5:22", labels: {env: prod}}
          - {name: legacy-01, address: "10.0.9.9:22"}
        grants:
        \(grants)
        """
    }

    static let before = yaml(grants: """
          - {to: {user: alice}, targets: {names: [web-01]}, logins: [deploy]}
          - {to: {org: provider}, targets: {labels: {env: prod}}, logins: [deploy], require_ticket: true}
          - {to: {user: bob}, targets: {names: [legacy-01]}, mode: tunnel}
        """)

    func session(_ policy: AccessPolicy, _ user: String, ticket: String? = nil) -> AccessRequest {
        AccessRequest(
            request: TargetRequest(login: "deploy", target: "web-01"), user: policy.user(user),
            time: Self.monday, sourceAddress: "192.0.2.1", ticket: ticket)
    }

    @Test func anUnchangedPolicyKeepsTheSessionsGrant() throws {
        let old = try ConfigurationFixtures.load(Self.before)
        let reloaded = try ConfigurationFixtures.load(Self.before)
        guard case .allowed(_, _, let grant) = old.authorize(session(old, "alice")) else {
            Issue.record("expected an allow")
            return
        }

        #expect(reloaded.stillAllows(session(reloaded, "alice"), grantName: grant.name) == old.authorize(session(old, "alice")))
    }

    @Test func aRevokedGrantEndsTheSessionWithTheReason() throws {
        let reloaded = try ConfigurationFixtures.load(Self.yaml(grants: """
              - {to: {org: provider}, targets: {labels: {env: prod}}, logins: [deploy], require_ticket: true}
            """))

        let decision = reloaded.stillAllows(session(reloaded, "alice"), grantName: "grant #1 (policy.yaml:9)")

        #expect(decision == .denied(.revoked(.loginNotGranted(user: "alice", login: "deploy", target: "web-01"))))
        #expect(decision.deniedMessage == "tracegate: access revoked by a policy reload: alice may not log in as deploy on web-01")
    }

    @Test func aNewConditionIsCheckedWithTheSessionsTicket() throws {
        let reloaded = try ConfigurationFixtures.load(Self.yaml(grants: """
              - {to: {org: provider}, targets: {labels: {env: prod}}, logins: [deploy], require_ticket: '^INC-'}
            """))

        #expect(reloaded.stillAllows(session(reloaded, "bob", ticket: "INC-4")).isAllowed)
        #expect(reloaded.stillAllows(session(reloaded, "bob", ticket: "fixing")) == .denied(.revoked(.ticketMismatch("^INC-"))))
    }

    @Test func aMovedGrantStillCoversTheSession() throws {
        let old = try ConfigurationFixtures.load(Self.before)
        let reloaded = try ConfigurationFixtures.load(Self.yaml(grants: """
              - {to: {user: bob}, targets: {names: [legacy-01]}, mode: tunnel}
              - {to: {users: [alice, bob]}, targets: {names: [web-01]}, logins: [deploy]}
            """))
        let oldGrant = old.grant(1).name

        guard case .allowed(_, _, let grant) = reloaded.stillAllows(session(reloaded, "alice"), grantName: oldGrant) else {
            Issue.record("expected the session to stay allowed")
            return
        }
        #expect(grant.index == 2)
    }

    @Test func theSessionsGrantIsPreferredWhenItStillAllows() throws {
        let reloaded = try ConfigurationFixtures.load(Self.yaml(grants: """
              - {to: {user: bob}, targets: {names: [web-01]}, logins: [deploy]}
              - {to: {org: provider}, targets: {labels: {env: prod}}, logins: [deploy], max_session: 1h}
            """))
        let second = reloaded.grant(2).name

        guard case .allowed(_, _, let grant) = reloaded.stillAllows(session(reloaded, "bob"), grantName: second) else {
            Issue.record("expected the session to stay allowed")
            return
        }
        #expect(grant.index == 2)
        #expect(grant.maxSession == .seconds(3600))
    }

    @Test func aUserRemovedFromThePolicyIsRevoked() throws {
        let old = try ConfigurationFixtures.load(Self.before)
        let reloaded = try ConfigurationFixtures.load("""
            organizations: [retailer]
            targets:
              - {name: web-01, address: "10.0.1.5:22", labels: {env: prod}}
            """)

        #expect(reloaded.stillAllows(session(old, "alice"))
            == .denied(.revoked(.loginNotGranted(user: "alice", login: "deploy", target: "web-01"))))
    }

    @Test func aTunnelIsCheckedAgainstItsTarget() throws {
        let old = try ConfigurationFixtures.load(Self.before)
        let reloaded = try ConfigurationFixtures.load(Self.yaml(grants: """
              - {to: {user: alice}, targets: {names: [web-01]}, logins: [deploy]}
            """))
        let bob = old.user("bob")
        let target = try #require(old.target(named: "legacy-01"))

        #expect(old.stillAllowsTunnel(user: bob, target: target, time: Self.monday, sourceAddress: nil, ticket: nil).isAllowed)
        #expect(reloaded.stillAllowsTunnel(user: bob, target: target, time: Self.monday, sourceAddress: nil, ticket: nil)
            == .denied(.revoked(.tunnelNotGranted("legacy-01"))))
    }
}

extension Decision {
    var deniedMessage: String? {
        if case .denied(let reason) = self { return reason.message }
        return nil
    }
}
