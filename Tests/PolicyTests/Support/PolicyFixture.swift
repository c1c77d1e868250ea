import Foundation
import Policy

/// A small two-organisation policy used by the authorisation tests, loaded through the real
/// loader so that the tests exercise what operators write.
enum PolicyFixture {
    static let yaml = """
        organizations: [retailer, provider]
        users:
          - {name: alice, org: retailer, keys: ["\(SyntheticKey.line(seed: 1, comment: "alice@laptop"))"]}
          - {name: bob, org: provider, keys: ["\(SyntheticKey.line(seed: 2))"]}
          - {name: carol, org: provider, keys: ["\(SyntheticKey.line(seed: 3))"]}
          - {name: dave, org: retailer, keys: ["\(SyntheticKey.line(seed: 4))", "\(SyntheticKey.line(seed: 5))"]}
        targets:
          - {name: web-01, address: "10.0.1.5:22", default_login: deploy, owner: retailer, labels: {env: prod, app: shop}}
          - {name: web-02, address: "10.0.1.6:22", owner: retailer, labels: {env: staging, app: shop}}
          - {name: db-01, address: "10.0.2.5:22", owner: provider, labels: {env: prod, app: db}}
        grants:
          - {to: {org: provider}, targets: {labels: {env: prod, app: shop}}, logins: [deploy]}
          - {to: {user: alice}, targets: {names: [web-01, web-02]}, logins: [root, deploy]}
          - {to: {users: [carol]}, targets: {names: [db-01], labels: {env: staging}}, logins: [postgres]}
          - {to: {users: [bob], orgs: [retailer]}, targets: {names: [web-01]}, logins: [www-data]}
          - {to: {user: alice}, targets: {names: [web-01]}, logins: [root]}
        """

    static func policy() throws -> AccessPolicy {
        AccessPolicy(configuration: try ConfigurationLoader.load(yaml: yaml, sourcePath: "config/tracegate.yaml"))
    }
}
