import Foundation
import Policy
import Testing

/// `mfa: required` on users, groups and organisations, `require_mfa` on grants, `mfa.reuse`.
@Suite("Second factor in the policy")
struct SecondFactorPolicyTests {
    static let k1 = SyntheticKey.line(seed: 1)
    static let k2 = SyntheticKey.line(seed: 2)
    static let k3 = SyntheticKey.line(seed: 3)
    static let k4 = SyntheticKey.line(seed: 4)

    static let yaml = """
        mfa: {reuse: 8h}
        organizations: [retailer, {name: provider, mfa: required}]
        users:
          - {name: alice, org: retailer, mfa: required, keys: ["\(k1)"]}
          - {name: bob, org: provider, keys: ["\(k2)"]}
          - {name: carol, org: retailer, groups: [oncall], keys: ["\(k3)"]}
          - {name: dave, org: retailer, mfa: optional, keys: ["\(k4)"]}
        groups:
          - {name: oncall, members: [], mfa: required}
        targets:
          - {name: web-01, address: "10.0.0.1:22", host_key: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", owner: retailer}
        grants:
          - {to: {user: dave}, targets: {names: [web-01]}, logins: [deploy], require_mfa: true}
          - {to: {user: dave}, targets: {names: [web-01]}, logins: [root]}
        """

    @Test func requirementsComeFromUserGroupAndOrganisation() throws {
        let configuration = try ConfigurationLoader.load(yaml: Self.yaml, sourcePath: "t.yaml")
        let policy = AccessPolicy(configuration: configuration)
        let required = configuration.users.filter { policy.requiresSecondFactor($0) }.map(\.name)
        #expect(required == ["alice", "bob", "carol"])
        #expect(policy.secondFactorReuse == .seconds(8 * 3600))
        #expect(configuration.grants.map(\.requireSecondFactor) == [true, false])
        let dave = try #require(configuration.users.first { $0.name == "dave" })
        #expect(policy.targetMayRequireSecondFactor(dave, target: "web-01"))
    }

    @Test func reuseZeroAndAbsentMeanEveryConnectionAsks() throws {
        for text in ["mfa: {reuse: 0}\n", ""] {
            let configuration = try ConfigurationLoader.load(yaml: text, sourcePath: "t.yaml")
            #expect(configuration.secondFactor.reuse == nil)
        }
    }

    @Test(arguments: [
        ("organizations: [retailer]\nusers:\n  - {name: a, org: retailer, mfa: requierd, keys: [\"\(k1)\"]}\n",
         "invalid mfa of user a \"requierd\": expected required or optional"),
        ("mfa: {reuse: soon}\n", "invalid duration \"soon\" for mfa.reuse"),
        ("mfa: {remember: 8h}\n", "unknown key \"remember\" in mfa"),
        ("organizations: [{name: x, mfa: yes}]\n", "invalid mfa of organization \"yes\""),
    ])
    func mistakesAreReportedNotIgnored(yaml: String, fragment: String) throws {
        let errors = try #require(throws: ConfigurationErrors.self) { try ConfigurationLoader.load(yaml: yaml, sourcePath: "t.yaml") }
        #expect(errors.description.contains(fragment), "\(errors)")
    }

    @Test func requireMFAMustBeTrueOrFalse() throws {
        let yaml = Self.yaml.replacingOccurrences(of: "require_mfa: true", with: "require_mfa: yes")
        let errors = try #require(throws: ConfigurationErrors.self) { try ConfigurationLoader.load(yaml: yaml, sourcePath: "t.yaml") }
        #expect(errors.description.contains("invalid require_mfa of grant #1 \"yes\": expected true or false"), "\(errors)")
    }
}
