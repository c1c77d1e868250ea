import Policy
import Testing

/// `approval:` on a grant and `notify:`: read with the grant's own selector, errors at
/// FILE:LINE:COLUMN, and the four-eyes rule across organisations.
@Suite("Approval: configuration and the four-eyes rule")
struct ApprovalConfigurationTests {
    static let base = """
        organizations: [provider, retailer]
        users:
          - {name: bob, org: provider, keys: ["\(SyntheticKey.line(seed: 1))"]}
          - {name: carol, org: retailer, keys: ["\(SyntheticKey.line(seed: 2))"]}
          - {name: dave, org: provider, keys: ["\(SyntheticKey.line(seed: 3))"]}
        targets:
          - {name: db-01, address: "10.0.1.5:22", owner: retailer}
        grants:
          - to: {user: bob}
            targets: {names: [db-01]}
            logins: [root]

        """

    @Test func approvalIsReadWithItsDefaults() throws {
        let configuration = try ConfigurationLoader.load(yaml: Self.base + "    approval: {by: {org: retailer}}\n", sourcePath: "tracegate.yaml")
        let rule = try #require(configuration.grants.first?.approval)
        #expect(rule.approvers == GrantSubjects(organizations: ["retailer"]))
        #expect(rule.valid == .seconds(3600) && rule.wait == .seconds(600))
        #expect(configuration.grants[0].conditionSummary.contains("approval by retailer (valid 1h, wait 10m)"))
    }

    @Test func validAndWaitAreDurations() throws {
        let configuration = try ConfigurationLoader.load(
            yaml: Self.base + "    approval: {by: {users: [carol], orgs: [retailer]}, valid: 2h, wait: 90s}\n", sourcePath: "tracegate.yaml")
        let rule = try #require(configuration.grants.first?.approval)
        #expect(rule.valid == .seconds(7200) && rule.wait == .seconds(90))
        #expect(rule.approversDescription == "carol or retailer")
    }

    @Test(arguments: [
        ("    approval: {valid: 2h}", ExpectedError(12, 15, #"approval of grant #1 is missing required key "by""#)),
        ("    approval: {by: {org: retailr}}", ExpectedError(12, 26, #"approval of grant #1 names unknown organization "retailr""#)),
        ("    approval: {by: {org: retailer}, wait: soon}", ExpectedError(12, 43, #"invalid wait "soon" of approval of grant #1"#)),
        ("    approval: {by: {org: retailer}, ttl: 1h}", ExpectedError(12, 37, #"unknown key "ttl" in approval of grant #1"#)),
        ("    approval: {by: {}}", ExpectedError(12, 20, #""by" of approval of grant #1 is empty"#)),
    ])
    func errorsPointAtTheKey(_ snippet: String, _ expected: ExpectedError) {
        expectConfigurationErrors(Self.base + snippet + "\n", [expected])
    }

    @Test func notifyNeedsAnAbsoluteCommand() throws {
        let configuration = try ConfigurationLoader.load(
            yaml: "notify: {command: [/usr/local/bin/post, --channel, ops], timeout: 3s}\n" + Self.base, sourcePath: "tracegate.yaml")
        #expect(configuration.notify == NotifySettings(command: ["/usr/local/bin/post", "--channel", "ops"], timeout: .seconds(3)))
        expectConfigurationErrors("notify: {command: [post]}\n" + Self.base, [
            ExpectedError(1, 20, #"notify.command must start with an absolute path, found "post""#),
        ])
    }

    @Test func theRequesterAndHisColleaguesNeverCount() throws {
        let configuration = try ConfigurationLoader.load(yaml: Self.base + "    approval: {by: {orgs: [retailer, provider]}}\n", sourcePath: "tracegate.yaml")
        let rule = try #require(configuration.grants.first?.approval)
        let users = Dictionary(uniqueKeysWithValues: configuration.users.map { ($0.name, $0) })
        #expect(rule.refusal(approver: users["bob"]!, requester: "bob", requesterOrganization: "provider") == .ownRequest)
        #expect(rule.refusal(approver: users["dave"]!, requester: "bob", requesterOrganization: "provider")
                    == .sameOrganization("provider"))
        #expect(rule.refusal(approver: users["carol"]!, requester: "bob", requesterOrganization: "provider") == nil)
        let onlyCarol = ApprovalRule(approvers: GrantSubjects(users: ["carol"]))
        #expect(onlyCarol.refusal(approver: users["dave"]!, requester: "bob", requesterOrganization: "provider") == .notAnApprover)
    }
}

@Suite("Gateway shell: consent commands")
struct ConsentCommandTests {
    private func parse(_ line: String) throws -> Result<ConsentCommand, ConsentCommand.ParseError>? {
        ConsentCommand.parse(try ShellCommandLine.split(line))
    }

    @Test func decisionsParse() throws {
        #expect(try parse("approvals") == .success(.list))
        #expect(try parse("approve r-7f3a --for 1h --note \"INC-99, go\"")
                    == .success(.approve(id: "r-7f3a", validFor: .seconds(3600), note: "INC-99, go")))
        #expect(try parse("deny r-7f3a --reason not during the sale")
                    == .success(.deny(id: "r-7f3a", reason: "not during the sale")))
        #expect(try parse("whoami") == nil)
    }

    @Test(arguments: [
        ("deny r-7f3a", "deny needs --reason TEXT"),
        ("approve", "usage: approve r-ID"),
        ("approve x-1", "is no id; usage: approve r-ID"),
        ("approve r-1 --for forever", "--for \"forever\": expected a duration"),
        ("approve r-1 --force", "unknown option \"--force\""),
        ("approve r-1 --note a --note b", "--note is given twice"),
        ("approve r-1 --note", "--note needs a value"),
    ])
    func mistakesGetOneLine(_ line: String, _ fragment: String) throws {
        guard case .failure(let error)? = try parse(line) else {
            Issue.record("\(line) parsed")
            return
        }
        #expect(error.description.contains(fragment), "\(error)")
    }

    @Test func quotesAreCheckedAndControlCharactersRefused() throws {
        #expect(throws: ShellCommandLine.SplitError.unterminatedQuote) { try ShellCommandLine.split("deny r-1 --reason \"open") }
        #expect(try ShellCommandLine.split(#"a 'b c' "d \"e\"" f\ g"#) == ["a", "b c", "d \"e\"", "f g"])
        guard case .failure(let error)? = try parse("deny r-1 --reason \"a\u{1b}[2Jb\"") else {
            Issue.record("a control character was accepted")
            return
        }
        #expect(error.description.contains("control characters"))
    }
}
