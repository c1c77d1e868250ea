import Foundation
import Policy
import Testing

/// Every policy key, read into the model.
@Suite("ConfigurationLoader: policy keys")
struct PolicyLoadingTests {
    static let yaml = """
        organizations: [retailer, provider]
        users:
          - {name: alice, org: retailer, groups: [dev, oncall, dev], keys: ["\(SyntheticKey.line(seed: 1))"]}
          - {name: bob, org: provider, keys: ["\(SyntheticKey.line(seed: 2))"]}
          - {name: carol, org: provider, groups: [oncall], keys: ["\(SyntheticKey.line(seed: 3))"]}
        groups:
          - {name: oncall, members: [bob, bob]}
          - {name: dba, members: [carol, alice]}
          - {name: empty, members: []}
        targets:
          - {name: web-01, address: "10.0.1.5:22", owner: retailer, labels: {env: prod, app: shop}}
        grants:
          - to: {user: alice, users: [bob], group: oncall, groups: [dba], org: provider, orgs: [retailer]}
            targets: {names: [web-01], labels: {env: prod, app: [shop, search]}}
            logins: [deploy]
            mode: record
            from: 2026-06-01
            until: 2026-12-31T18:00:00+01:00
            hours: ["Mon-Fri 08:00-20:00 Europe/Paris", "Sat 22:00-06:00 UTC"]
            require_ticket: '^(INC|CHG)-[0-9]+$'
            max_session: 90m
            source: [10.0.0.0/8, "2001:db8::/32", 192.0.2.7]
            forwarding: ["web-01:8080", "[2001:db8::5]:443", "metrics.example.net:9090"]
          - {to: {org: provider}, targets: {labels: {env: prod}}, mode: tunnel, require_ticket: true}
          - {to: {org: provider}, targets: {names: [web-01]}, logins: [root], require_ticket: false, hours: "Sun 10:00-12:00 UTC", source: 10.0.0.0/8}
        """

    @Test func groupMembershipCombinesBothDeclarations() throws {
        let configuration = try ConfigurationLoader.load(yaml: Self.yaml, sourcePath: "policy.yaml")

        #expect(configuration.users.map(\.groups) == [["dev", "oncall", "dba"], ["oncall"], ["oncall", "dba"]])
        #expect(configuration.groups == [
            UserGroup(name: "oncall", members: ["alice", "bob", "carol"]),
            UserGroup(name: "dba", members: ["alice", "carol"]),
            UserGroup(name: "empty", members: []),
            UserGroup(name: "dev", members: ["alice"]),
        ])
    }

    @Test func everyGrantKeyIsRead() throws {
        let configuration = try ConfigurationLoader.load(yaml: Self.yaml, sourcePath: "policy.yaml")
        let grant = try #require(configuration.grants.first)

        #expect(grant.subjects == GrantSubjects(
            users: ["alice", "bob"], groups: ["oncall", "dba"], organizations: ["provider", "retailer"]))
        #expect(grant.targetSelector == TargetSelector(names: ["web-01"], labels: ["env": ["prod"], "app": ["shop", "search"]]))
        #expect(grant.targetSelector.labels.description == "app in (search, shop), env=prod")
        #expect(grant.logins == ["deploy"])
        #expect(grant.mode == .record)
        #expect(grant.validFrom == Instant.at("2026-06-01T00:00:00Z"))
        #expect(grant.validUntil == Instant.at("2026-12-31T17:00:00Z"))
        #expect(grant.hours.map(\.description) == ["Mon-Fri 08:00-20:00 Europe/Paris", "Sat 22:00-06:00 UTC"])
        #expect(grant.ticketRule == .matching("^(INC|CHG)-[0-9]+$"))
        #expect(grant.maxSession == .seconds(5400))
        #expect(grant.sources.map(\.description) == ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"])
        #expect(grant.forwarding == [
            HostAndPort(host: "web-01", port: 8080), HostAndPort(host: "2001:db8::5", port: 443),
            HostAndPort(host: "metrics.example.net", port: 9090),
        ])
        #expect(grant.line == 13)

        let tunnel = configuration.grants[1]
        #expect(tunnel.mode == .tunnel && tunnel.logins.isEmpty && tunnel.ticketRule == .required)

        let third = configuration.grants[2]
        #expect(third.ticketRule == .notRequired)
        #expect(third.hours.count == 1 && third.sources.count == 1)
    }

    @Test func grantDefaultsAreTheOldBehaviour() throws {
        let configuration = try ConfigurationLoader.load(yaml: """
            organizations: [provider]
            targets:
              - {name: web-01, address: "10.0.1.5:22"}
            grants:
              - {to: {org: provider}, targets: {names: [web-01]}, logins: [deploy]}
            """, sourcePath: "policy.yaml")

        #expect(configuration.grants == [Grant(
            index: 1, line: 5, sourceFile: "policy.yaml", subjects: GrantSubjects(organizations: ["provider"]),
            targetSelector: TargetSelector(names: ["web-01"]), logins: ["deploy"])])
        let grant = configuration.grants[0]
        #expect(grant.mode == .record && grant.validFrom == nil && grant.validUntil == nil && grant.hours.isEmpty)
        #expect(grant.ticketRule == .notRequired && grant.maxSession == nil && grant.sources.isEmpty && grant.forwarding.isEmpty)
    }
}
