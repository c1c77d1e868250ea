import Foundation
import Policy
import Testing

@Suite("ConfigurationLoader: valid files")
struct ConfigurationLoaderTests {
    @Test func emptyFileGivesDefaults() throws {
        let configuration = try ConfigurationLoader.load(yaml: "", sourcePath: "empty.yaml")

        #expect(configuration == GatewayConfiguration(sourcePath: "empty.yaml"))
        #expect(configuration.listen == ListenAddress(host: "127.0.0.1", port: 2222))
        #expect(configuration.stateDirectory == "var")
        #expect(configuration.logLevel == "info")
        #expect(configuration.limits == ConnectionLimits(
            authTimeout: .seconds(30), maxAuthAttempts: 6, keyExchangeTimeout: .seconds(10),
            maxUnauthenticated: 256, upstreamTimeout: .seconds(10), closeGrace: .seconds(5)))
        #expect(configuration.penalties == Defaults.penalties)
        #expect(configuration.environmentAllowList == ["LANG", "LC_*", "TERM"])
        // Post-quantum hybrids first (a libssh 0.10 build leaves them out, in the SSH module).
        #expect(configuration.algorithms.kex == [
            "mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com",
            "curve25519-sha256", "curve25519-sha256@libssh.org", "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512",
        ])
        #expect(configuration.algorithms.upstreamKex == configuration.algorithms.kex + [
            "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
        ])
        #expect(configuration.algorithms.hostKeys == ["ssh-ed25519"])
        #expect(configuration.algorithms.publicKeys.first == "ssh-ed25519")
        #expect(configuration.algorithms.upstreamHostKeys.contains("rsa-sha2-512"))
        #expect(configuration.organizations.isEmpty && configuration.users.isEmpty)
        #expect(configuration.targets.isEmpty && configuration.grants.isEmpty)
    }

    @Test func nullSectionsMeanEmpty() throws {
        let configuration = try ConfigurationLoader.load(yaml: "organizations:\nusers:\ntargets: ~\ngrants:\nlimits:\n", sourcePath: "c.yaml")
        #expect(configuration == GatewayConfiguration(sourcePath: "c.yaml"))
    }

    @Test func fullConfigurationRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let aliceKey = try SSHKeygen.publicKeyLine(type: "ed25519", comment: "alice@laptop", in: directory)
        let bobRSA = try SSHKeygen.publicKeyLine(type: "rsa", bits: 2048, comment: "bob@desk", in: directory)
        let bobECDSA = try SSHKeygen.publicKeyLine(type: "ecdsa", bits: 256, comment: "bob@phone", in: directory)
        let hostKey = try SSHKeygen.publicKeyLine(type: "ed25519", comment: "root@db-01", in: directory)
        let fingerprint = try SSHKeygen.fingerprint(of: hostKey, in: directory)
        let keysFile = try directory.write("bob.pub", """
            # bob's keys, rotated 2026-05
            \(bobRSA)

              \(bobECDSA)
            """)
        let yaml = """
            listen: "[::1]:2200"
            state_dir: /var/lib/tracegate
            log_level: debug
            limits:
              auth_timeout: 1m
              max_auth_attempts: 3
              kex_timeout: 15
              max_unauthenticated: 10
              upstream_timeout: 20s
              close_grace: 1h
            env_allow: [LANG, "LC_*", TERM, TZ]
            algorithms:
              kex: [curve25519-sha256]
              ciphers: [chacha20-poly1305@openssh.com]
              macs: [hmac-sha2-512-etm@openssh.com]
              host_keys: [ssh-ed25519, rsa-sha2-512]
              public_keys: [ssh-ed25519]
            organizations: [retailer, provider]
            users:
              - {name: alice, org: retailer, keys: ["\(aliceKey)"]}
              - name: bob
                org: provider
                keys_file: \(keysFile)
            targets:
              - {name: web-01, address: "10.0.1.5:22", host_key: "\(fingerprint)", default_login: deploy, owner: retailer, labels: {env: prod, app: shop}}
              - name: db-01
                address: db-01.internal:2222
                host_key: \(hostKey)
                labels:
                  env: prod
                  "no": "yes"
            grants:
              - {to: {org: provider}, targets: {labels: {env: prod}}, logins: [deploy]}
              - to: {user: alice, orgs: [provider]}
                targets: {names: [web-01], labels: {app: shop}}
                logins: [root, deploy]
            """

        let configuration = try ConfigurationLoader.load(yaml: yaml, sourcePath: "/etc/tracegate/tracegate.yaml")

        #expect(configuration.sourcePath == "/etc/tracegate/tracegate.yaml")
        #expect(configuration.listen == ListenAddress(host: "::1", port: 2200))
        #expect(configuration.listen.description == "[::1]:2200")
        #expect(configuration.stateDirectory == "/var/lib/tracegate")
        #expect(configuration.logLevel == "debug")
        #expect(configuration.limits == ConnectionLimits(
            authTimeout: .seconds(60), maxAuthAttempts: 3, keyExchangeTimeout: .seconds(15),
            maxUnauthenticated: 10, upstreamTimeout: .seconds(20), closeGrace: .seconds(3600)))
        #expect(configuration.environmentAllowList == ["LANG", "LC_*", "TERM", "TZ"])
        #expect(configuration.algorithms == AlgorithmPreferences(
            kex: ["curve25519-sha256"], ciphers: ["chacha20-poly1305@openssh.com"], macs: ["hmac-sha2-512-etm@openssh.com"],
            hostKeys: ["ssh-ed25519", "rsa-sha2-512"], publicKeys: ["ssh-ed25519"]))
        #expect(configuration.organizations == ["retailer", "provider"])

        #expect(configuration.users == [
            User(name: "alice", organization: "retailer", keys: [try AuthorizedKey(line: aliceKey)]),
            User(name: "bob", organization: "provider", keys: [try AuthorizedKey(line: bobRSA), try AuthorizedKey(line: bobECDSA)]),
        ])
        #expect(configuration.users[1].keys.map(\.authorizedKeysLine) == [bobRSA, bobECDSA])

        #expect(configuration.targets == [
            Target(name: "web-01", host: "10.0.1.5", port: 22, hostKey: .fingerprint(fingerprint),
                   defaultLogin: "deploy", owner: "retailer", labels: ["env": "prod", "app": "shop"]),
            Target(name: "db-01", host: "db-01.internal", port: 2222, hostKey: .key(try AuthorizedKey(line: hostKey)),
                   labels: ["env": "prod", "no": "yes"]),
        ])
        #expect(configuration.targets[0].address == "10.0.1.5:22")

        #expect(configuration.grants == [
            Grant(index: 1, line: 33, sourceFile: "/etc/tracegate/tracegate.yaml",
                  subjects: GrantSubjects(organizations: ["provider"]),
                  targetSelector: TargetSelector(labels: ["env": ["prod"]]), logins: ["deploy"]),
            Grant(index: 2, line: 34, sourceFile: "/etc/tracegate/tracegate.yaml",
                  subjects: GrantSubjects(users: ["alice"], organizations: ["provider"]),
                  targetSelector: TargetSelector(names: ["web-01"], labels: ["app": ["shop"]]), logins: ["root", "deploy"]),
        ])
        #expect(configuration.grants[1].name == "grant #2 (tracegate.yaml:34)")
    }

    /// `algorithms.upstream_kex` is the list towards targets, read apart from `kex` (which
    /// alone leaves the upstream default as it is): requiring post-quantum key exchange
    /// towards targets too takes both.
    @Test func upstreamKeyExchangeIsConfiguredApart() throws {
        let onlyKex = try ConfigurationLoader.load(yaml: "algorithms:\n  kex: [sntrup761x25519-sha512]\n", sourcePath: "k.yaml")
        #expect(onlyKex.algorithms.kex == ["sntrup761x25519-sha512"])
        #expect(onlyKex.algorithms.upstreamKex == Defaults.upstreamKex)
        let both = try ConfigurationLoader.load(
            yaml: "algorithms:\n  kex: [mlkem768x25519-sha256]\n  upstream_kex: [mlkem768x25519-sha256, sntrup761x25519-sha512]\n",
            sourcePath: "b.yaml")
        #expect(both.algorithms.kex == ["mlkem768x25519-sha256"])
        #expect(both.algorithms.upstreamKex == ["mlkem768x25519-sha256", "sntrup761x25519-sha512"])
    }

    @Test func loadsFromAFile() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("tracegate.yaml", "listen: 0.0.0.0:22\norganizations: [retailer]\n")

        let configuration = try ConfigurationLoader.load(path: path)

        #expect(configuration.sourcePath == path)
        #expect(configuration.listen == ListenAddress(host: "0.0.0.0", port: 22))
        #expect(configuration.organizations == ["retailer"])
    }

    @Test func missingFileIsAPositionedError() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("absent.yaml")

        let errors = try #require(throws: ConfigurationErrors.self) { try ConfigurationLoader.load(path: path) }

        #expect(errors.description == "\(path):1:1: cannot read configuration: no such file")
    }

    @Test(arguments: [
        ("LANG", true), ("LC_ALL", true), ("LC_", true), ("TERM", true),
        ("LANGUAGE", false), ("TERMINFO", false), ("LD_PRELOAD", false), ("lang", false),
    ])
    func environmentAllowListMatchesNamesAndPrefixes(name: String, allowed: Bool) {
        #expect(GatewayConfiguration(sourcePath: "c.yaml").allowsEnvironmentVariable(name) == allowed)
    }

    @Test func errorsRenderOnePerLine() {
        let errors = ConfigurationErrors([
            ConfigurationError(file: "a.yaml", line: 3, column: 5, message: "first"),
            ConfigurationError(file: "keys/bob.pub", line: 2, column: 1, message: "second"),
        ])
        #expect(errors.description == "a.yaml:3:5: first\nkeys/bob.pub:2:1: second")
    }
}

@Suite("ConfigurationLoader: recording bounds")
struct RecordingBoundsLoaderTests {
    @Test func defaultsBoundEveryRecording() throws {
        let configuration = try ConfigurationLoader.load(yaml: "", sourcePath: "c.yaml")
        #expect(configuration.recording == RecordingBounds(
            maxSessionBytes: 100 << 20, maxExecOutputBytes: 1 << 20, minFreeBytes: 256 << 20))
    }

    @Test(arguments: [
        ("512KiB", 512 << 10), ("100MiB", 100 << 20), ("2GiB", 2 << 30), ("3G", 3 << 30), ("70000", 70_000),
        ("1TiB", 1 << 40), ("65536B", 65_536),
    ])
    func sizesTakeBinaryUnits(text: String, bytes: Int) throws {
        let configuration = try ConfigurationLoader.load(
            yaml: "recording: {max_session_size: \(text), max_exec_output: \(text), min_free_space: \(text)}\n",
            sourcePath: "c.yaml")
        #expect(configuration.recording == RecordingBounds(maxSessionBytes: bytes, maxExecOutputBytes: bytes, minFreeBytes: bytes))
    }
}
