import Foundation
import Policy
import Testing

/// One test per loader rule: each YAML snippet breaks the rule and the test names the exact
/// `line:column` the operator is sent to.
@Suite("ConfigurationLoader: errors")
struct ConfigurationErrorTests {
    static let k1 = SyntheticKey.line(seed: 1)
    static let k2 = SyntheticKey.line(seed: 2)
    static let rsaBlobAsEd25519 = "ssh-ed25519 " + Data(SyntheticKey.blob(type: "ssh-rsa", seed: 9)).base64EncodedString()

    struct Case: Sendable, CustomTestStringConvertible {
        var rule: String
        var yaml: String
        var expected: [ExpectedError]
        var testDescription: String { rule }
    }

    static let cases: [Case] = [
        Case(rule: "root must be a mapping", yaml: "- listen\n- users\n", expected: [
            ExpectedError(1, 1, "expected a mapping for the configuration, found a list"),
        ]),
        Case(rule: "unknown top-level key", yaml: """
            listen: 127.0.0.1:2222
            listne: 0.0.0.0:22
            """, expected: [
            ExpectedError(2, 1, #"unknown key "listne" in the configuration; allowed keys: listen, state_dir, log_level, limits"#),
        ]),
        Case(rule: "unknown key in a user", yaml: """
            organizations: [retailer]
            users:
              - {name: alice, org: retailer, key: ["\(k1)"]}
            """, expected: [
            ExpectedError(3, 5, #"user alice is missing required key "keys" or "keys_file""#),
            ExpectedError(3, 34, #"unknown key "key" in user; allowed keys: name, org, groups, keys, keys_file"#),
        ]),
        Case(rule: "unknown keys in nested mappings", yaml: """
            organizations: [provider]
            targets:
              - {name: web-01, address: "10.0.1.5:22"}
            grants:
              - {to: {team: provider}, targets: {name: web-01}, logins: [deploy]}
            limits: {auth_timeout: 5s, idle_timeout: 5m}
            """, expected: [
            ExpectedError(5, 11, #"unknown key "team" in "to" of grant #1; allowed keys: user, users, group, groups, org, orgs"#),
            ExpectedError(5, 10, #""to" of grant #1 is empty"#),
            ExpectedError(5, 38, #"unknown key "name" in "targets" of grant #1; allowed keys: names, labels"#),
            ExpectedError(5, 37, #""targets" of grant #1 is empty"#),
            ExpectedError(6, 28, #"unknown key "idle_timeout" in limits"#),
        ].sortedByPosition()),
        Case(rule: "wrong types", yaml: """
            listen: [a, b]
            limits: 5
            organizations: {retailer: yes}
            users: alice
            env_allow: LANG
            """, expected: [
            ExpectedError(1, 9, "expected a string for listen, found a list"),
            ExpectedError(2, 9, #"expected a mapping for limits, found the scalar "5""#),
            ExpectedError(3, 16, "expected a list for organizations, found a mapping"),
            ExpectedError(4, 8, #"expected a list for users, found the scalar "alice""#),
            ExpectedError(5, 12, "expected a list for env_allow"),
        ]),
        Case(rule: "null where a value is required", yaml: """
            organizations: [retailer]
            users:
              - name: ~
                org: retailer
                keys: ["\(k1)"]
            """, expected: [
            ExpectedError(3, 11, "expected a string for user name, found nothing"),
        ]),
        Case(rule: "missing required user fields", yaml: """
            organizations: [retailer]
            users:
              - {org: retailer, keys: ["\(k1)"]}
              - {name: bob, keys: ["\(k2)"]}
              - {name: carol, org: retailer}
            """, expected: [
            ExpectedError(3, 5, #"user is missing required key "name""#),
            ExpectedError(4, 5, #"user is missing required key "org""#),
            ExpectedError(5, 5, #"user carol is missing required key "keys" or "keys_file""#),
        ]),
        Case(rule: "a user needs at least one key", yaml: """
            organizations: [retailer]
            users:
              - {name: alice, org: retailer, keys: []}
            """, expected: [
            ExpectedError(3, 5, "user alice has no keys"),
        ]),
        Case(rule: "missing required target fields", yaml: """
            targets:
              - {address: "10.0.1.5:22"}
              - {name: web-02}
            """, expected: [
            ExpectedError(2, 5, #"target is missing required key "name""#),
            ExpectedError(3, 5, #"target is missing required key "address""#),
        ]),
        Case(rule: "missing required grant fields", yaml: """
            organizations: [provider]
            targets:
              - {name: web-01, address: "10.0.1.5:22"}
            grants:
              - {targets: {names: [web-01]}, logins: [deploy]}
              - {to: {org: provider}, logins: [deploy]}
              - {to: {org: provider}, targets: {names: [web-01]}}
            """, expected: [
            ExpectedError(5, 5, #"grant #1 is missing required key "to""#),
            ExpectedError(6, 5, #"grant #2 is missing required key "targets""#),
            ExpectedError(7, 5, #"grant #3 is missing required key "logins""#),
        ]),
        Case(rule: "duplicate user names", yaml: """
            organizations: [retailer]
            users:
              - {name: alice, org: retailer, keys: ["\(k1)"]}
              - {name: alice, org: retailer, keys: ["\(k2)"]}
            """, expected: [
            ExpectedError(4, 12, #"duplicate user name "alice" (first defined on line 3)"#),
        ]),
        Case(rule: "duplicate target names", yaml: """
            targets:
              - {name: web-01, address: "10.0.1.5:22"}
              - {name: web-01, address: "10.0.1.6:22"}
            """, expected: [
            ExpectedError(3, 12, #"duplicate target name "web-01" (first defined on line 2)"#),
        ]),
        Case(rule: "duplicate organizations", yaml: "organizations: [retailer, provider, retailer]\n", expected: [
            ExpectedError(1, 37, #"duplicate organization "retailer" (first declared on line 1)"#),
        ]),
        Case(rule: "user org must be declared", yaml: """
            organizations: [retailer]
            users:
              - {name: bob, org: provder, keys: ["\(k1)"]}
            """, expected: [
            ExpectedError(3, 22, #"user bob names unknown organization "provder" (declared: retailer)"#),
        ]),
        Case(rule: "target owner must be declared", yaml: """
            organizations: [retailer]
            targets:
              - {name: web-01, address: "10.0.1.5:22", owner: retialer}
            """, expected: [
            ExpectedError(3, 51, #"target web-01 names unknown organization "retialer""#),
        ]),
        Case(rule: "grant references must be declared", yaml: """
            organizations: [provider]
            users:
              - {name: bob, org: provider, keys: ["\(k1)"]}
            targets:
              - {name: web-01, address: "10.0.1.5:22"}
            grants:
              - to: {users: [bob, carol], org: retailer}
                targets: {names: [web-01, web-09]}
                logins: [deploy]
            """, expected: [
            ExpectedError(7, 23, #"grant #1 names unknown user "carol" (declared: bob)"#),
            ExpectedError(7, 36, #"grant #1 names unknown organization "retailer" (declared: provider)"#),
            ExpectedError(8, 31, #"grant #1 names unknown target "web-09" (declared: web-01)"#),
        ]),
        Case(rule: "empty to, targets and logins", yaml: """
            organizations: [provider]
            targets:
              - {name: web-01, address: "10.0.1.5:22"}
            grants:
              - {to: {}, targets: {names: [web-01]}, logins: [deploy]}
              - {to: {users: []}, targets: {labels: {}}, logins: [deploy]}
              - {to: {org: provider}, targets: {names: [web-01]}, logins: []}
            """, expected: [
            ExpectedError(5, 10, #""to" of grant #1 is empty; name at least one user, group or org"#),
            ExpectedError(6, 10, #""to" of grant #2 is empty"#),
            ExpectedError(6, 32, #""targets" of grant #2 is empty; give target names or labels"#),
            ExpectedError(7, 63, "logins of grant #3 is empty"),
        ]),
        Case(rule: "name syntax for orgs, users, targets and label keys", yaml: """
            organizations: [retailer, "retail er"]
            users:
              - {name: alice smith, org: retailer, keys: ["\(k1)"]}
            targets:
              - {name: -web, address: "10.0.1.5:22", labels: {env!: prod}}
            """, expected: [
            ExpectedError(1, 27, #"invalid organization name "retail er": expected 1 to 63 characters"#),
            ExpectedError(3, 12, #"invalid user name "alice smith""#),
            ExpectedError(5, 12, #"invalid target name "-web""#),
            ExpectedError(5, 51, #"invalid label key in labels of target "env!""#),
        ]),
        Case(rule: "names longer than 63 characters", yaml: "organizations: [\(String(repeating: "o", count: 64))]\n", expected: [
            ExpectedError(1, 17, "invalid organization name"),
        ]),
        Case(rule: "login syntax and no wildcard login", yaml: """
            organizations: [provider]
            targets:
              - {name: web-01, address: "10.0.1.5:22", default_login: Deploy}
            grants:
              - {to: {org: provider}, targets: {names: [web-01]}, logins: [root, "*", -x, ""]}
            """, expected: [
            ExpectedError(3, 59, #"invalid default_login of target web-01 "Deploy": expected 1 to 32 characters of a-z"#),
            ExpectedError(5, 70, #"logins of grant #1: "*" is not allowed; list each login explicitly"#),
            ExpectedError(5, 75, #"invalid login in logins of grant #1 "-x""#),
            ExpectedError(5, 79, #"invalid login in logins of grant #1 """#),
        ]),
        Case(rule: "label values without control characters", yaml: """
            targets:
              - {name: web-01, address: "10.0.1.5:22", labels: {env: "pr\\u001bod", app: ""}}
            """, expected: [
            ExpectedError(2, 58, #"invalid value "pr\x1bod" for label env"#),
            ExpectedError(2, 77, #"invalid value "" for label app"#),
        ]),
        Case(rule: "target address is host:port", yaml: """
            targets:
              - {name: a, address: "10.0.0.1"}
              - {name: b, address: "host:0"}
              - {name: c, address: "host:65536"}
              - {name: d, address: ":22"}
              - {name: e, address: "::1:22"}
              - {name: f, address: "[::1]:22"}
              - {name: g, address: "[]:22"}
              - {name: h, address: 10.0.1.5:22}
              - {name: i, address: "web 01:22"}
            """, expected: [
            ExpectedError(2, 24, #"invalid address "10.0.0.1" for target a: expected HOST:PORT"#),
            ExpectedError(3, 24, "port must be a number from 1 to 65535"),
            ExpectedError(4, 24, "port must be a number from 1 to 65535"),
            ExpectedError(5, 24, "host must be a name, an IPv4 address or a bracketed IPv6 address"),
            ExpectedError(6, 24, "host must be"),
            ExpectedError(8, 24, "host must be"),
            ExpectedError(10, 24, "host must be"),
        ]),
        Case(rule: "listen address is host:port", yaml: "listen: localhost\n", expected: [
            ExpectedError(1, 9, #"invalid listen address "localhost": expected HOST:PORT"#),
        ]),
        Case(rule: "keys must parse", yaml: """
            organizations: [retailer]
            users:
              - name: alice
                org: retailer
                keys:
                  - "ssh-dss AAAA"
                  - not a key at all
                  - "\(rsaBlobAsEd25519)"
            """, expected: [
            ExpectedError(6, 9, #"invalid key for user alice: unsupported key type "ssh-dss""#),
            ExpectedError(7, 9, #"invalid key for user alice: unsupported key type "not""#),
            ExpectedError(8, 9, #"key is declared as ssh-ed25519 but its data holds a "ssh-rsa" key"#),
        ]),
        Case(rule: "a key belongs to one user", yaml: """
            organizations: [retailer, provider]
            users:
              - {name: alice, org: retailer, keys: ["\(k1)"]}
              - name: bob
                org: provider
                keys: ["\(k2)", "\(k1) bob-copy"]
            """, expected: [
            ExpectedError(6, nil, "is given to both alice and bob; a key must belong to exactly one user"),
        ]),
        Case(rule: "host_key is a fingerprint or a key", yaml: """
            targets:
              - {name: a, address: "h:22", host_key: "SHA256:abc"}
              - {name: b, address: "h:22", host_key: "ssh-ed25519"}
              - {name: c, address: "h:22", host_key: "\(k1)"}
              - {name: d, address: "h:22", host_key: "SHA256:\(String(repeating: "A", count: 43))"}
              - {name: e, address: "h:22", host_key: "md5:00:11"}
            """, expected: [
            ExpectedError(2, 42, "invalid host_key for target a: host_key fingerprint must be SHA256: followed by 43 characters"),
            ExpectedError(3, 42, #"host_key must be a SHA256: fingerprint or a "TYPE BASE64" public key: missing base64 key data"#),
            ExpectedError(6, 42, #"unsupported key type "md5:00:11""#),
        ]),
        Case(rule: "durations and integers are positive", yaml: """
            limits:
              auth_timeout: 0s
              kex_timeout: -5
              upstream_timeout: 5d
              close_grace: soon
              max_auth_attempts: 0
              max_unauthenticated: six
            """, expected: [
            ExpectedError(2, 17, #"invalid duration "0s" for limits.auth_timeout: expected a positive number of seconds"#),
            ExpectedError(3, 16, #"invalid duration "-5" for limits.kex_timeout"#),
            ExpectedError(4, 21, #"invalid duration "5d" for limits.upstream_timeout"#),
            ExpectedError(5, 16, #"invalid duration "soon" for limits.close_grace"#),
            ExpectedError(6, 22, #"invalid limits.max_auth_attempts "0": expected a positive integer"#),
            ExpectedError(7, 24, #"invalid limits.max_unauthenticated "six": expected a positive integer"#),
        ]),
        Case(rule: "recording sizes are positive, with a binary unit", yaml: """
            recording:
              max_session_size: 10MB
              max_exec_output: -1
              min_free_space: 99999999999TiB
              max_size: 1GiB
            """, expected: [
            ExpectedError(2, 21, #"invalid size "10MB" for recording.max_session_size: expected a number of bytes or e.g. 512KiB"#),
            ExpectedError(3, 20, #"invalid size "-1" for recording.max_exec_output"#),
            ExpectedError(4, 19, #"invalid size "99999999999TiB" for recording.min_free_space"#),
            ExpectedError(5, 3, #"unknown key "max_size" in recording; allowed keys: max_session_size, max_exec_output, min_free_space"#),
        ]),
        Case(rule: "a session cap too small to hold a recording", yaml: "recording: {max_session_size: 4KiB}\n", expected: [
            ExpectedError(1, 31, "recording.max_session_size must be at least 64KiB"),
        ]),
        Case(rule: "unknown log level", yaml: "log_level: verbose\n", expected: [
            ExpectedError(1, 12, #"unknown log_level "verbose"; expected one of: trace, debug, info, notice, warning, error, critical"#),
        ]),
        Case(rule: "empty state_dir", yaml: "state_dir: \"\"\n", expected: [
            ExpectedError(1, 12, "state_dir must not be empty"),
        ]),
        Case(rule: "env_allow entries and algorithm lists", yaml: """
            env_allow: [LANG, "*", "LC-*"]
            algorithms:
              kex: []
              ciphers: ["aes 128"]
              mac: [x]
            """, expected: [
            ExpectedError(1, 19, #"invalid env_allow entry "*": expected a variable name, optionally ending in *"#),
            ExpectedError(1, 24, #"invalid env_allow entry "LC-*""#),
            ExpectedError(3, 8, "algorithms.kex must list at least one algorithm"),
            ExpectedError(4, 13, #"invalid algorithm name "aes 128" in algorithms.ciphers"#),
            ExpectedError(5, 3, #"unknown key "mac" in algorithms; allowed keys: kex, upstream_kex, ciphers, macs, host_keys, public_keys"#),
        ]),
    ]

    @Test(arguments: cases)
    func reportsRuleViolation(_ example: Case) {
        expectConfigurationErrors(example.yaml, example.expected)
    }

    @Test func collectsErrorsFromEverySectionInFileOrder() throws {
        let yaml = """
            grants:
              - {to: {user: nobody}, targets: {names: [web-01]}, logins: [root]}
            listen: "nowhere"
            organizations: [retailer]
            users:
              - {name: alice, org: elsewhere, keys: ["\(Self.k1)"]}
            targets:
              - {name: web-01, address: "10.0.1.5:22"}
            """
        let errors = try #require(throws: ConfigurationErrors.self) {
            try ConfigurationLoader.load(yaml: yaml, sourcePath: "conf/tracegate.yaml")
        }

        #expect(errors.errors.map { "\($0.line):\($0.column)" } == ["2:17", "3:9", "6:24"])
        #expect(errors.description.split(separator: "\n").count == 3)
        #expect(errors.description.hasPrefix(#"conf/tracegate.yaml:2:17: grant #1 names unknown user "nobody""#))
    }

    @Test func yamlSyntaxErrorHasItsLine() throws {
        let yaml = """
            listen: 127.0.0.1:2222
            organizations: [retailer
            users: []
            """
        let errors = try #require(throws: ConfigurationErrors.self) { try ConfigurationLoader.load(yaml: yaml, sourcePath: "t.yaml") }

        let error = try #require(errors.errors.first)
        #expect(errors.errors.count == 1)
        #expect(error.file == "t.yaml")
        #expect(error.line == 3)
        #expect(error.message.hasPrefix("YAML syntax error: did not find expected ',' or ']'"))
        #expect(error.message.contains("while parsing a flow sequence at line 2, column 16"))
    }

    @Test func duplicateMappingKeyIsReported() throws {
        let yaml = """
            listen: 127.0.0.1:2222
            state_dir: var
            listen: 0.0.0.0:2222
            """
        let errors = try #require(throws: ConfigurationErrors.self) { try ConfigurationLoader.load(yaml: yaml, sourcePath: "t.yaml") }

        #expect(errors.errors.count == 1)
        #expect(errors.errors.first?.message == #"key "listen" appears more than once in the same mapping"#)
        #expect([1, 3].contains(errors.errors.first?.line ?? 0))
    }
}

extension Array where Element == ExpectedError {
    func sortedByPosition() -> [ExpectedError] {
        sorted { ($0.line, $0.column ?? 0) < ($1.line, $1.column ?? 0) }
    }
}
