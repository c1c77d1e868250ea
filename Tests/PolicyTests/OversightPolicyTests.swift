import Foundation
import Policy
import Testing

@Suite("oversight: who may list, watch, terminate and lock")
struct OversightPolicyTests {
    private static let base = """
        organizations: [retailer, provider]
        groups:
          - {name: secops, members: [carol]}
        users:
          - {name: alice, org: retailer, keys: ["\(SyntheticKey.line(seed: 1))"]}
          - {name: carol, org: retailer, keys: ["\(SyntheticKey.line(seed: 2))"]}
          - {name: bob, org: provider, keys: ["\(SyntheticKey.line(seed: 3))"]}
          - {name: dave, org: provider, keys: ["\(SyntheticKey.line(seed: 4))"]}
        targets:
          - {name: db-01, address: "10.0.0.1:22", owner: retailer, labels: {env: prod}}
          - {name: build-01, address: "10.0.0.2:22", owner: provider, labels: {env: ci}}
        grants: []

        """

    private func policy(_ oversight: String) throws -> AccessPolicy {
        AccessPolicy(configuration: try ConfigurationLoader.load(yaml: Self.base + oversight, sourcePath: "t.yaml"))
    }

    private func user(_ name: String, _ policy: AccessPolicy) throws -> User {
        try #require(policy.user(named: name))
    }

    @Test func nobodyHasAnyRightWithoutAnEntry() throws {
        let policy = try policy("")
        for right in OversightRight.allCases {
            #expect(policy.oversightRule(right, holder: try user("alice", policy), sessionOwner: "bob",
                                         target: policy.target(named: "db-01")) == nil)
        }
        #expect(policy.lockRule(holder: try user("alice", policy), user: "bob") == nil)
    }

    @Test func secopsMayWatchAndTerminateOnTheRetailersTargetsOnly() throws {
        let policy = try policy("""
            oversight:
              - {to: {group: secops}, sessions: {targets: {owner: retailer}}, may: [list, watch, terminate]}
            """)
        let carol = try user("carol", policy)
        let db = policy.target(named: "db-01")
        let build = policy.target(named: "build-01")
        let rule = try #require(policy.oversightRule(.watch, holder: carol, sessionOwner: "bob", target: db))
        #expect(rule.name == "oversight #1 (t.yaml:14)")
        #expect(policy.oversightRule(.terminate, holder: carol, sessionOwner: "bob", target: db) != nil)
        #expect(policy.oversightRule(.lock, holder: carol, sessionOwner: "bob", target: db) == nil)
        #expect(policy.oversightRule(.watch, holder: carol, sessionOwner: "bob", target: build) == nil)
        #expect(policy.oversightRule(.watch, holder: try user("alice", policy), sessionOwner: "bob", target: db) == nil)
        // A target lock needs an entry that leaves users open and has the lock right.
        #expect(policy.lockRule(holder: carol, target: "db-01") == nil)
    }

    @Test func locksNeedTheOtherDimensionLeftOpen() throws {
        let policy = try policy("""
            oversight:
              - {to: {org: provider}, sessions: {of: {org: provider}}, may: [lock]}
              - {to: {org: retailer}, sessions: {targets: {names: [db-01]}}, may: [lock]}
              - {to: {user: alice}, sessions: {of: {user: bob}, targets: {owner: retailer}}, may: [lock]}
            """)
        #expect(policy.lockRule(holder: try user("dave", policy), user: "bob")?.index == 1)
        #expect(policy.lockRule(holder: try user("dave", policy), user: "alice") == nil)
        #expect(policy.lockRule(holder: try user("carol", policy), target: "db-01")?.index == 2)
        #expect(policy.lockRule(holder: try user("carol", policy), target: "build-01") == nil)
        // Entry 3 is scoped by user and target: locking bob would reach beyond the retailer's targets.
        #expect(policy.lockRule(holder: try user("alice", policy), user: "bob") == nil)
    }

    @Test func mistakesAreReportedAtTheirLine() throws {
        let yaml = Self.base + """
            oversight:
              - {to: {group: secops}, sessions: {}, may: [watch]}
              - {to: {user: nobody}, sessions: {of: {org: provider}}, may: [watch, stare]}
              - {to: {org: retailer}, sessions: {targets: {owner: acme}}, may: [list], extra: 1}
            """
        let errors = try #require(throws: ConfigurationErrors.self) { try ConfigurationLoader.load(yaml: yaml, sourcePath: "t.yaml") }
        let text = errors.description
        #expect(text.contains("t.yaml:14:37: \"sessions\" of oversight #1 is empty"), "\(text)")
        #expect(text.contains("t.yaml:15:17: oversight #2 names unknown user \"nobody\""), "\(text)")
        #expect(text.contains("unknown right \"stare\" in \"may\" of oversight #2"), "\(text)")
        #expect(text.contains("oversight #3 names unknown organization \"acme\""), "\(text)")
        #expect(text.contains("unknown key \"extra\" in oversight #3"), "\(text)")
    }

    @Test func watchNoticeIsOnByDefaultAndCanBeTurnedOff() throws {
        #expect(try ConfigurationLoader.load(yaml: Self.base, sourcePath: "t.yaml").watchNotice)
        #expect(try !ConfigurationLoader.load(yaml: Self.base + "watch_notice: false\n", sourcePath: "t.yaml").watchNotice)
    }
}

@Suite("grants: require_watcher and max_wait")
struct ModeratedGrantTests {
    private static let base = """
        organizations: [retailer, provider]
        users:
          - {name: bob, org: provider, keys: ["\(SyntheticKey.line(seed: 3))"]}
        targets:
          - {name: pay-01, address: "10.0.0.1:22", owner: retailer}

        """

    @Test func aModeratedGrantCarriesItsWatchersAndWait() throws {
        let configuration = try ConfigurationLoader.load(yaml: Self.base + """
            grants:
              - {to: {user: bob}, targets: {names: [pay-01]}, logins: [deploy], require_watcher: {org: retailer}, max_wait: 15m}
              - {to: {user: bob}, targets: {names: [pay-01]}, logins: [root]}
            """, sourcePath: "t.yaml")
        #expect(configuration.grants[0].requireWatcher == GrantSubjects(organizations: ["retailer"]))
        #expect(configuration.grants[0].maxWait == .seconds(900))
        #expect(configuration.grants[1].requireWatcher == nil)
    }

    @Test func mistakesAreReported() throws {
        let yaml = Self.base + """
            grants:
              - {to: {user: bob}, targets: {names: [pay-01]}, logins: [deploy], max_wait: 15m}
              - {to: {user: bob}, targets: {names: [pay-01]}, mode: tunnel, require_watcher: {org: retailer}}
              - {to: {user: bob}, targets: {names: [pay-01]}, logins: [deploy], require_watcher: {org: acme}}
            """
        let errors = try #require(throws: ConfigurationErrors.self) { try ConfigurationLoader.load(yaml: yaml, sourcePath: "t.yaml") }
        #expect(errors.description.contains("max_wait of grant #1 needs require_watcher"), "\(errors)")
        #expect(errors.description.contains("grant #2 is a tunnel grant: the gateway cannot hold"), "\(errors)")
        #expect(errors.description.contains("names unknown organization \"acme\""), "\(errors)")
    }
}
