import Foundation
import Policy

/// A policy that uses every grant feature: groups declared both ways, label sets, hours
/// (including a window across midnight), validity dates, tickets, sources, tunnels and
/// forwarding. Grant numbers in the tests refer to the comments below.
///
/// Calendar notes for the cases: 2026-12-07 is a Monday and 2026-12-05 a Saturday; Paris is
/// at +01:00 in winter and +02:00 in summer, and changes on 2026-03-29 and 2026-10-25.
enum ConditionsFixture {
    static let yaml = """
        organizations: [retailer, provider]
        users:
          - {name: alice, org: retailer, groups: [dev], keys: ["\(SyntheticKey.line(seed: 11))"]}
          - {name: bob, org: provider, keys: ["\(SyntheticKey.line(seed: 12))"]}
          - {name: carol, org: provider, groups: [oncall], keys: ["\(SyntheticKey.line(seed: 13))"]}
          - {name: dave, org: provider, keys: ["\(SyntheticKey.line(seed: 14))"]}
          - {name: erin, org: retailer, keys: ["\(SyntheticKey.line(seed: 15))"]}
        groups:
          - {name: oncall, members: [dave]}
          - {name: dba, members: [erin, bob]}
        targets:
          - {name: web-01, address: "10.0.1.5:22", default_login: deploy, owner: retailer, labels: {env: prod, app: shop}}
          - {name: search-01, address: "10.0.1.20:22", owner: retailer, labels: {env: prod, app: search}}
          - {name: pay-01, address: "10.0.1.30:22", owner: retailer, labels: {env: prod, app: payments}}
          - {name: db-01, address: "10.0.2.5:22", owner: provider, labels: {env: prod, app: db}}
          - {name: stg-01, address: "10.0.5.1:22", owner: retailer, labels: {env: staging, app: shop}}
          - {name: legacy-01, address: "10.0.9.9:2222", owner: retailer}
          - {name: legacy-02, address: "[2001:db8::9]:22", owner: retailer}
          - {name: legacy-03, address: "10.0.9.9:2222", owner: retailer}
        grants:
          # 1: the provider on the shop and the search, office hours, incident tickets
          - to: {org: provider}
            targets: {labels: {env: prod, app: [shop, search]}}
            logins: [deploy]
            hours: "Mon-Fri 08:00-20:00 Europe/Paris"
            require_ticket: '^INC-[0-9]+$'
          # 2: on call, root on all of prod, any ticket, from the provider's networks
          - to: {group: oncall}
            targets: {labels: {env: prod}}
            logins: [root]
            require_ticket: true
            source: [198.51.100.0/24, "2001:db8:100::/48"]
          # 3: developers on staging
          - to: {groups: [dev]}
            targets: {labels: {env: staging}}
            logins: [deploy]
          # 4: bob as postgres on db-01 for the second half of 2026
          - to: {user: bob}
            targets: {names: [db-01]}
            logins: [postgres]
            from: 2026-06-01
            until: 2026-12-31
          # 5: DBAs as root on db-01 on weekend nights
          - to: {group: dba}
            targets: {names: [db-01]}
            logins: [root]
            hours: "Sat,Sun 22:00-06:00 Europe/Paris"
          # 6: alice tunnels to the legacy hosts from CI
          - to: {user: alice}
            targets: {names: [legacy-01, legacy-02]}
            mode: tunnel
            source: 10.20.0.0/16
          # 7: alice on web-01 with port forwards
          - to: {user: alice}
            targets: {names: [web-01]}
            logins: [deploy]
            forwarding: ["db-01:5432", "10.0.3.7:9100", "[2001:db8::7]:443", "metrics.example.net:9090"]
            max_session: 8h
          # 8, 9, 10: three near misses for dave on pay-01
          - to: {user: dave}
            targets: {names: [pay-01]}
            logins: [deploy, admin]
            source: 198.51.100.0/24
          - to: {user: dave}
            targets: {names: [pay-01]}
            logins: [deploy]
            hours: "Mon-Fri 08:00-20:00 Europe/Paris"
            require_ticket: true
          - to: {user: dave}
            targets: {names: [pay-01]}
            logins: [deploy, admin]
            until: 2026-01-31
        """

    static func policy(yaml: String = yaml) throws -> AccessPolicy {
        AccessPolicy(configuration: try ConfigurationLoader.load(yaml: yaml, sourcePath: "policy.yaml"))
    }
}

extension AccessPolicy {
    func user(_ name: String) -> User {
        guard let user = configuration.users.first(where: { $0.name == name }) else { fatalError("no user \(name) in the fixture") }
        return user
    }

    func grant(_ index: Int) -> Grant {
        guard let grant = configuration.grants.first(where: { $0.index == index }) else { fatalError("no grant #\(index) in the fixture") }
        return grant
    }
}
