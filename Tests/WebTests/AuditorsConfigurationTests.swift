import Policy
import Testing

struct AuditorsConfigurationTests {
    static let base = """
        organizations: [retailer, provider]
        users:
          - {name: alice, org: retailer, keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIXXPLUeWEED5e6AoVPLfaDV/nx1ynVXNuOGCIzi2/iP"]}
          - {name: bob, org: provider, keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFI5n7XkZSDBaW9pNCFtAoU5tLAACHSPSwOZtP5rLFMF"]}
          - {name: ada, org: provider, keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGshTwXzppLWZ+zS/s/greoIBPZ55QlUBfLmFV+ck70s"]}
        targets:
          - {name: shop-1, address: "10.0.0.1:22", owner: retailer, labels: {env: prod}}
          - {name: db-1, address: "10.0.0.2:22", owner: provider, labels: {env: prod}}

        """

    @Test func webAndAuditorsAreReadAndResolvedPerUser() throws {
        let yaml = Self.base + """
            web: {listen: 127.0.0.1:9223, session: 4h, link: 30s}
            auditors:
              - {to: {org: retailer}, sees: {org: retailer}}
              - {to: {user: bob}, sees: {targets: {names: [shop-1]}}}
              - {to: {user: ada}, sees: all}
            """
        let configuration = try ConfigurationLoader.load(yaml: yaml, sourcePath: "t.yaml")
        let web = try #require(configuration.web)
        #expect(web.listen.port == 9223 && web.session == .seconds(4 * 3600) && web.linkLifetime == .seconds(30))
        #expect(web.baseURL == "http://127.0.0.1:9223")
        func view(_ name: String) -> ResolvedAuditorView? {
            ResolvedAuditorView.resolve(for: configuration.users.first { $0.name == name }!, rules: configuration.auditors,
                                        targets: configuration.targets)
        }
        #expect(view("alice") == ResolvedAuditorView(everything: false, organizations: ["retailer"], targetNames: []))
        #expect(view("bob") == ResolvedAuditorView(everything: false, organizations: [], targetNames: ["shop-1"]))
        #expect(view("ada")?.everything == true)
    }

    @Test func noAuditorsEntryMeansNoView() throws {
        let configuration = try ConfigurationLoader.load(yaml: Self.base + "web: {listen: 127.0.0.1:9223}\n", sourcePath: "t.yaml")
        #expect(configuration.auditors.isEmpty)
        #expect(ResolvedAuditorView.resolve(for: configuration.users[0], rules: [], targets: configuration.targets) == nil)
    }

    @Test(arguments: [
        ("auditors:\n  - {to: {org: nobody}, sees: all}\n", "t.yaml:10:"),
        ("auditors:\n  - {to: {user: alice}, sees: {org: martians}}\n", "t.yaml:10:"),
        ("auditors:\n  - {to: {user: alice}, sees: everything}\n", "t.yaml:10:"),
        ("auditors:\n  - {to: {user: alice}, sees: {}}\n", "t.yaml:10:"),
        ("auditors:\n  - {to: {user: alice}}\n", "t.yaml:10:"),
        ("web: {listen: 127.0.0.1:9223, tls_cert: /x.pem}\n", "t.yaml:9:"),
        ("web: {listen: nowhere}\n", "t.yaml:9:"),
        ("web: {listen: 127.0.0.1:9223, link: 1h}\n", "t.yaml:9:"),
        ("web: {session: 8h}\n", "t.yaml:9:"),
    ])
    func mistakesAreReportedWithTheirPlace(extra: String, place: String) throws {
        let errors = try #require(throws: ConfigurationErrors.self) {
            try ConfigurationLoader.load(yaml: Self.base + extra, sourcePath: "t.yaml")
        }
        #expect(errors.description.contains(place), "\(errors)")
    }
}
