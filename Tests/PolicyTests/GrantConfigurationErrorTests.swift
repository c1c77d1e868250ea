import Policy
import Testing

/// One case per new policy key: a YAML snippet that breaks its rule and the exact
/// `line:column` the operator is sent to.
@Suite("ConfigurationLoader: policy key errors")
struct GrantConfigurationErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var rule: String
        /// Lines appended to the one grant of `base`, from line 10 on.
        var grantLines: String
        var expected: [ExpectedError]
        var testDescription: String { rule }
    }

    static let base = """
        organizations: [provider]
        users:
          - {name: bob, org: provider, keys: ["\(SyntheticKey.line(seed: 1))"]}
        targets:
          - {name: web-01, address: "10.0.1.5:22"}
        grants:
          - to: {user: bob}
            targets: {names: [web-01]}
            logins: [deploy]

        """

    static let cases: [Case] = [
        Case(rule: "unknown grant key", grantLines: "    ttl: 1h", expected: [
            ExpectedError(10, 5, #"unknown key "ttl" in grant #1; allowed keys: to, targets, logins, mode, from, until, hours, require_ticket, max_session, source, forwarding, require_mfa, approval, files"#),
        ]),
        Case(rule: "files.upload is allow or deny", grantLines: "    files: {upload: no}", expected: [
            ExpectedError(10, 21, #"invalid files.upload "no" in grant #1: expected allow or deny"#),
        ]),
        Case(rule: "files takes upload, download and paths only", grantLines: "    files: {delete: deny}", expected: [
            ExpectedError(10, 13, #"unknown key "delete" in files of grant #1; allowed keys: upload, download, paths"#),
        ]),
        Case(rule: "files.paths are absolute globs", grantLines: "    files: {paths: [srv/*]}", expected: [
            ExpectedError(10, 21, #"invalid files.paths entry "srv/*" in grant #1: expected an absolute glob such as /srv/exchange/*"#),
        ]),
        Case(rule: "mode is record or tunnel", grantLines: "    mode: recorded", expected: [
            ExpectedError(10, 11, #"unknown mode "recorded" in grant #1; expected record or tunnel"#),
        ]),
        Case(rule: "mode is a string", grantLines: "    mode: [record]", expected: [
            ExpectedError(10, 11, "expected a string for mode of grant #1, found a list"),
        ]),
        Case(rule: "from must be a real date", grantLines: "    from: 2026-13-01", expected: [
            ExpectedError(10, 11, #"invalid from "2026-13-01" of grant #1: no such date"#),
        ]),
        Case(rule: "until must be a date or a date and time", grantLines: "    until: 31/12/2026", expected: [
            ExpectedError(10, 12, #"invalid until "31/12/2026" of grant #1: expected a date (2026-12-31), a date and a time zone"#),
        ]),
        Case(rule: "a time needs an offset or a zone", grantLines: "    until: 2026-12-31T18:00", expected: [
            ExpectedError(10, 12, "a time needs an offset (2026-12-31T18:00:00+01:00, or Z for UTC) or a time zone"),
        ]),
        Case(rule: "until's zone must exist", grantLines: #"    until: "2026-12-31 Europe/Pariss""#, expected: [
            ExpectedError(10, 12, #"unknown time zone "Europe/Pariss"; expected a tz database name"#),
        ]),
        Case(rule: "until must be after from", grantLines: "    from: 2027-01-01\n    until: 2026-12-31", expected: [
            ExpectedError(11, 12, "until 2026-12-31 of grant #1 is not after its from 2027-01-01; the grant could never apply"),
        ]),
        Case(rule: "hours: unknown day", grantLines: #"    hours: "Mon-Fry 08:00-20:00 Europe/Paris""#, expected: [
            ExpectedError(10, 12, #"invalid hours "Mon-Fry 08:00-20:00 Europe/Paris" of grant #1: unknown day "Fry""#),
        ]),
        Case(rule: "hours: each window of a list is checked",
             grantLines: #"    hours: ["Mon-Fri 08:00-25:00 UTC", "Sat 10:00-10:00 UTC", "Sun 10:00-12:00 Mars/Olympus", "Mon-Fri 08:00-20:00"]"#,
             expected: [
                ExpectedError(10, 13, #"invalid time "25:00"; expected HH:MM from 00:00 to 24:00"#),
                ExpectedError(10, 40, "the window starts when it ends; for a whole day write 00:00-24:00"),
                ExpectedError(10, 63, #"unknown time zone "Mars/Olympus""#),
                ExpectedError(10, 95, "a time zone must follow the times"),
             ]),
        Case(rule: "hours: an empty list", grantLines: "    hours: []", expected: [
            ExpectedError(10, 12, "hours of grant #1 is empty; omit the key for no restriction"),
        ]),
        Case(rule: "require_ticket: ambiguous YAML boolean", grantLines: "    require_ticket: yes", expected: [
            ExpectedError(10, 21, #"require_ticket of grant #1 is "yes"; write true, false, or a quoted pattern"#),
        ]),
        Case(rule: "require_ticket: invalid pattern", grantLines: "    require_ticket: '^(INC|CHG-[0-9]+$'", expected: [
            ExpectedError(10, 21, #"invalid require_ticket pattern "^(INC|CHG-[0-9]+$" of grant #1: "#),
        ]),
        Case(rule: "require_ticket: empty pattern", grantLines: #"    require_ticket: """#, expected: [
            ExpectedError(10, 21, #"invalid require_ticket pattern "" of grant #1: expected a non-empty pattern"#),
        ]),
        Case(rule: "max_session is a positive duration", grantLines: "    max_session: 2d", expected: [
            ExpectedError(10, 18, #"invalid max_session "2d" of grant #1: expected a positive duration such as 30m or 8h"#),
        ]),
        Case(rule: "source entries are CIDRs",
             grantLines: #"    source: [10.0.0.1/8, 300.1.1.1, "2001:db8::/129", "fe80::1%eth0"]"#, expected: [
                ExpectedError(10, 14, #"invalid source "10.0.0.1/8" of grant #1: host bits are set; the network is 10.0.0.0/8"#),
                ExpectedError(10, 26, #"invalid source "300.1.1.1" of grant #1: expected an IPv4 or IPv6 address"#),
                ExpectedError(10, 37, #"invalid source "2001:db8::/129" of grant #1: the prefix length must be a number from 0 to 128"#),
                ExpectedError(10, 55, #"invalid source "fe80::1%eth0" of grant #1: expected an IPv4 or IPv6 address"#),
             ]),
        Case(rule: "source: an empty list", grantLines: "    source: []", expected: [
            ExpectedError(10, 13, "source of grant #1 is empty; omit the key for no restriction"),
        ]),
        Case(rule: "forwarding destinations",
             grantLines: #"    forwarding: ["db-10:5432", "web-01:*", "10.0.0.5", "*", "[2001:db8::1]:0", "10.0.0:80"]"#, expected: [
                ExpectedError(10, 18, #"invalid forwarding destination "db-10:5432" of grant #1: "db-10" is neither a declared target, an IP address nor a fully qualified host name"#),
                ExpectedError(10, 32, #"invalid forwarding destination "web-01:*" of grant #1: wildcards are not allowed; list each HOST:PORT"#),
                ExpectedError(10, 44, #"invalid forwarding destination "10.0.0.5" of grant #1: expected HOST:PORT"#),
                ExpectedError(10, 56, #"invalid forwarding destination "*" of grant #1: wildcards are not allowed"#),
                ExpectedError(10, 61, #"invalid forwarding destination "[2001:db8::1]:0" of grant #1: port must be a number from 1 to 65535"#),
                ExpectedError(10, 80, #"invalid forwarding destination "10.0.0:80" of grant #1: "10.0.0" is not a valid IPv4 address"#),
             ]),
        Case(rule: "a tunnel grant has no logins and no forwarding",
             grantLines: "    mode: tunnel\n    forwarding: [\"web-01:80\"]", expected: [
                ExpectedError(9, 13, "grant #1 is a tunnel grant: the client logs in to the target itself, so the gateway cannot enforce logins; remove them"),
                ExpectedError(11, 17, "grant #1 is a tunnel grant: forwarding inside a tunnel is end to end and cannot be restricted; remove forwarding"),
             ]),
    ]

    @Test(arguments: cases)
    func reportsRuleViolation(_ example: Case) {
        expectConfigurationErrors(Self.base + example.grantLines + "\n", example.expected)
    }

    @Test func aTunnelGrantNeedsNoLogins() throws {
        let configuration = try ConfigurationLoader.load(yaml: """
            organizations: [provider]
            targets:
              - {name: web-01, address: "10.0.1.5:22"}
            grants:
              - {to: {org: provider}, targets: {names: [web-01]}, mode: tunnel}
            """, sourcePath: "t.yaml")

        #expect(configuration.grants.first?.mode == .tunnel)
        #expect(configuration.grants.first?.logins == [])
    }

    @Test func aRecordGrantStillNeedsLogins() {
        expectConfigurationErrors("""
            organizations: [provider]
            targets:
              - {name: web-01, address: "10.0.1.5:22"}
            grants:
              - {to: {org: provider}, targets: {names: [web-01]}, mode: record}
            """, [ExpectedError(5, 5, #"grant #1 is missing required key "logins""#)])
    }

    @Test func groupsSection() {
        expectConfigurationErrors("""
            organizations: [provider]
            users:
              - {name: bob, org: provider, groups: [db a], keys: ["\(SyntheticKey.line(seed: 1))"]}
            groups:
              - {name: oncall, members: [bob, carol]}
              - {name: oncall, members: []}
              - {name: dba}
              - {name: "on call", members: [bob]}
              - {name: sre, members: bob}
              - {name: ops, members: [bob], lead: bob}
            """, [
            ExpectedError(3, 41, #"invalid group name in groups of user bob "db a""#),
            ExpectedError(5, 35, #"group oncall names unknown user "carol" (declared: bob)"#),
            ExpectedError(6, 12, #"duplicate group name "oncall" (first defined on line 5)"#),
            ExpectedError(7, 5, #"group dba is missing required key "members""#),
            ExpectedError(8, 12, #"invalid group name "on call""#),
            ExpectedError(9, 26, #"expected a list for members of group sre, found the scalar "bob""#),
            ExpectedError(10, 33, #"unknown key "lead" in group; allowed keys: name, members"#),
        ])
    }

    @Test func grantsNameDeclaredGroupsOnly() {
        expectConfigurationErrors("""
            organizations: [provider]
            users:
              - {name: bob, org: provider, groups: [dba], keys: ["\(SyntheticKey.line(seed: 1))"]}
            groups:
              - {name: oncall, members: []}
            targets:
              - {name: web-01, address: "10.0.1.5:22"}
            grants:
              - {to: {group: oncal, groups: [dba, sre]}, targets: {names: [web-01]}, logins: [deploy]}
            """, [
            ExpectedError(9, 18, #"grant #1 names unknown group "oncal" (declared: dba, oncall)"#),
            ExpectedError(9, 39, #"grant #1 names unknown group "sre""#),
        ])
    }

    @Test func labelSelectors() {
        expectConfigurationErrors(Self.base.replacingOccurrences(
            of: "    targets: {names: [web-01]}",
            with: #"    targets: {labels: {app: {in: [shop]}, env: [], tier: [web, "a\u001bb"]}}"#), [
            ExpectedError(8, 14, #""targets" of grant #1 is empty; give target names or labels"#),
            ExpectedError(8, 29, "label app in labels in \"targets\" of grant #1: write a value (app: prod) or a list of values (app: [shop, search])"),
            ExpectedError(8, 48, #"label env in labels in "targets" of grant #1 lists no values"#),
            ExpectedError(8, 64, #"invalid value "a\x1bb" for label tier"#),
        ])
    }
}
