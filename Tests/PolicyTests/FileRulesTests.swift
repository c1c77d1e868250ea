import Policy
import Testing

@Suite struct FileRulesTests {
    @Test func defaultAllowsEverythingAndIsNotRestricted() {
        let rules = FileRules()
        #expect(!rules.isRestricted)
        #expect(rules.refusal(writing: true, path: "/etc/passwd") == nil)
        #expect(rules.refusal(writing: false, path: "relative") == nil)
    }

    @Test func directionsAreJudgedApart() {
        let rules = FileRules(download: .deny)
        #expect(rules.isRestricted)
        #expect(rules.refusal(writing: false, path: "/srv/a") == "files.download is deny")
        #expect(rules.refusal(writing: true, path: "/srv/a") == nil)
    }

    @Test func pathsAreMatchedAfterDotDotIsResolved() {
        let rules = FileRules(paths: ["/srv/exchange/*"])
        #expect(rules.refusal(writing: true, path: "/srv/exchange/a/b.csv") == nil)
        #expect(rules.refusal(writing: false, path: "/srv/exchange/../../etc/shadow")
            == "/etc/shadow is outside files.paths (/srv/exchange/*)")
        #expect(rules.refusal(writing: true, path: "srv/exchange/x") != nil, "a relative path never matches an absolute glob")
        #expect(FileRules.normalize("/a/./b//c/../d") == "/a/b/d")
        #expect(FileRules.normalize("/../..") == "/")
        #expect(FileRules.normalize("a/../../b") == "../b")
    }

    @Test func aGrantReadsItsFileRulesAndSummarisesThem() throws {
        let policy = try ConfigurationFixtures.load("""
            organizations: [provider]
            users:
              - {name: bob, org: provider, keys: ["\(SyntheticKey.line(seed: 1))"]}
            targets:
              - {name: web-01, address: "10.0.1.5:22"}
            grants:
              - {to: {user: bob}, targets: {names: [web-01]}, logins: [deploy], files: {download: deny, paths: [/srv/exchange/*]}}
              - {to: {user: bob}, targets: {names: [web-01]}, logins: [root]}
            """)
        let grants = policy.configuration.grants
        #expect(grants[0].files == FileRules(upload: .allow, download: .deny, paths: ["/srv/exchange/*"]))
        #expect(grants[0].conditionSummary.contains("files: upload allow, download deny, paths /srv/exchange/*"))
        #expect(grants[1].files == FileRules())
    }
}
