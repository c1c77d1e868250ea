import Foundation
import Policy
import Testing

@Suite("AccessPolicy.authorize")
struct AccessPolicyTests {
    enum Outcome: Sendable, Equatable {
        case allowed(target: String, login: String, grant: Int)
        case denied(DenialReason)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var user: String
        var username: String
        var outcome: Outcome
        var testDescription: String { label }
    }

    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test(arguments: [
        Case(label: "allowed by a user grant", user: "alice", username: "root@web-01",
             outcome: .allowed(target: "web-01", login: "root", grant: 2)),
        Case(label: "the first matching grant in file order is named", user: "alice", username: "root@web-01",
             outcome: .allowed(target: "web-01", login: "root", grant: 2)),
        Case(label: "allowed by an org grant with a label selector", user: "bob", username: "deploy@web-01",
             outcome: .allowed(target: "web-01", login: "deploy", grant: 1)),
        Case(label: "target alone uses its default login", user: "bob", username: "web-01",
             outcome: .allowed(target: "web-01", login: "deploy", grant: 1)),
        Case(label: "a later grant allows what the first does not", user: "bob", username: "www-data@web-01",
             outcome: .allowed(target: "web-01", login: "www-data", grant: 4)),
        Case(label: "org listed in orgs", user: "dave", username: "www-data@web-01",
             outcome: .allowed(target: "web-01", login: "www-data", grant: 4)),
        Case(label: "selected by name when names and labels are both given", user: "carol", username: "postgres@db-01",
             outcome: .allowed(target: "db-01", login: "postgres", grant: 3)),
        Case(label: "selected by label when names and labels are both given", user: "carol", username: "postgres@web-02",
             outcome: .allowed(target: "web-02", login: "postgres", grant: 3)),
        Case(label: "unknown target", user: "alice", username: "root@web-09",
             outcome: .denied(.unknownTarget("web-09"))),
        Case(label: "unknown target without login", user: "alice", username: "web-09",
             outcome: .denied(.unknownTarget("web-09"))),
        Case(label: "login not granted", user: "bob", username: "root@web-01",
             outcome: .denied(.loginNotGranted(user: "bob", login: "root", target: "web-01"))),
        Case(label: "wrong org: provider grant does not cover a retailer user", user: "dave", username: "deploy@web-01",
             outcome: .denied(.loginNotGranted(user: "dave", login: "deploy", target: "web-01"))),
        Case(label: "wrong org: label match alone is not enough", user: "alice", username: "deploy@db-01",
             outcome: .denied(.loginNotGranted(user: "alice", login: "deploy", target: "db-01"))),
        Case(label: "partial label match is no match", user: "bob", username: "deploy@web-02",
             outcome: .denied(.loginNotGranted(user: "bob", login: "deploy", target: "web-02"))),
        Case(label: "no default login", user: "alice", username: "web-02",
             outcome: .denied(.noDefaultLogin(target: "web-02"))),
    ])
    func authorize(_ example: Case) throws {
        let policy = try PolicyFixture.policy()
        let user = try #require(policy.configuration.users.first { $0.name == example.user })
        let request = try TargetRequest.parse(username: example.username)

        let decision = policy.authorize(request, for: user, at: Self.now)

        switch decision {
        case .allowed(let target, let login, let grant):
            #expect(Outcome.allowed(target: target.name, login: login, grant: grant.index) == example.outcome)
            #expect(target == policy.target(named: target.name))
        case .denied(let reason):
            #expect(Outcome.denied(reason) == example.outcome)
        }
    }

    @Test func allowedDecisionNamesTheGrantAndItsLine() throws {
        let policy = try PolicyFixture.policy()
        let alice = try #require(policy.configuration.users.first { $0.name == "alice" })

        guard case .allowed(_, _, let grant) = policy.authorize(TargetRequest(login: "root", target: "web-01"), for: alice, at: Self.now) else {
            Issue.record("expected an allow")
            return
        }
        #expect(grant.index == 2)
        #expect(grant.line == 13)
        #expect(grant.name == "grant #2 (tracegate.yaml:13)")
    }

    @Test func denialMessagesAreTheOnesShownToEngineers() {
        #expect(DenialReason.unknownTarget("web-09").message == "tracegate: no target named web-09")
        #expect(DenialReason.noDefaultLogin(target: "web-01").message
            == "tracegate: target web-01 has no default login; connect as LOGIN@web-01")
        #expect(DenialReason.loginNotGranted(user: "bob", login: "root", target: "web-01").message
            == "tracegate: bob may not log in as root on web-01")
        #expect(DenialReason.unknownTarget("x").description == DenialReason.unknownTarget("x").message)
    }

    @Test func findsTheOwnerOfEveryKeyBlob() throws {
        let policy = try PolicyFixture.policy()

        #expect(policy.user(forKeyBlob: SyntheticKey.blob(seed: 1))?.name == "alice")
        #expect(policy.user(forKeyBlob: SyntheticKey.blob(seed: 4))?.name == "dave")
        #expect(policy.user(forKeyBlob: SyntheticKey.blob(seed: 5))?.name == "dave")
        #expect(policy.user(forKeyBlob: SyntheticKey.blob(seed: 99)) == nil)
        #expect(policy.user(forKeyBlob: []) == nil)
    }

    @Test func looksUpTargetsByExactName() throws {
        let policy = try PolicyFixture.policy()

        #expect(policy.target(named: "db-01")?.host == "10.0.2.5")
        #expect(policy.target(named: "DB-01") == nil)
    }

    @Test func userUnknownToThisPolicyIsDenied() throws {
        let policy = try PolicyFixture.policy()
        let stranger = User(name: "mallory", organization: "provider", keys: [])

        let decision = policy.authorize(TargetRequest(login: "deploy", target: "web-01"), for: stranger, at: Self.now)

        #expect(decision == .denied(.loginNotGranted(user: "mallory", login: "deploy", target: "web-01")))
    }

    @Test func grantsAreJudgedOnThePolicysRecordOfTheUser() throws {
        let policy = try PolicyFixture.policy()
        // A stale copy claiming bob is in the retailer organisation must not widen his access.
        let staleBob = User(name: "bob", organization: "retailer", keys: [])

        let decision = policy.authorize(TargetRequest(login: "root", target: "web-02"), for: staleBob, at: Self.now)

        #expect(!decision.isAllowed)
    }

    @Test func emptyPolicyDeniesEverything() throws {
        let configuration = GatewayConfiguration(
            sourcePath: "empty.yaml",
            organizations: ["retailer"],
            users: [User(name: "alice", organization: "retailer", keys: [])],
            targets: [Target(name: "web-01", host: "10.0.0.1", defaultLogin: "root")])
        let policy = AccessPolicy(configuration: configuration)

        let decision = policy.authorize(TargetRequest(login: nil, target: "web-01"), for: configuration.users[0], at: Self.now)

        #expect(decision == .denied(.loginNotGranted(user: "alice", login: "root", target: "web-01")))
    }

    @Test func listsReachableTargetsWithTheirLogins() throws {
        let policy = try PolicyFixture.policy()
        let bob = try #require(policy.configuration.users.first { $0.name == "bob" })
        let carol = try #require(policy.configuration.users.first { $0.name == "carol" })

        let forBob = policy.reachableTargets(for: bob, at: Self.now).map { "\($0.target.name):\($0.logins.joined(separator: ","))" }
        let forCarol = policy.reachableTargets(for: carol, at: Self.now).map { "\($0.target.name):\($0.logins.joined(separator: ","))" }

        #expect(forBob == ["web-01:deploy,www-data"])
        #expect(forCarol == ["db-01:postgres", "web-01:deploy", "web-02:postgres"])
    }
}
