import Foundation
import SSH
import Testing
import TestSupport

/// What the gateway says about its key exchange at start.
enum ExpectedKeyExchange {
    /// `msg="post-quantum key exchange available"` or `… unavailable`: the start line.
    static var startLine: String {
        LibSSHCapabilities.hasPostQuantumKeyExchange
            ? #"msg="post-quantum key exchange available""# : #"msg="post-quantum key exchange unavailable""#
    }
}

extension IntegrationSuite {
    /// Post-quantum key exchange on both legs with stock OpenSSH 9.2 client and target, as
    /// `ssh -v` and the `upstream.connect` event see it.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct PostQuantumKeyExchangeTests {
        @Test func bothLegsNegotiateTheSameKeyExchangeAsOpenSSHDoesDirectly() async throws {
            let fixture = try SharedGateway.current()
            // What OpenSSH negotiates with the target on its own: the gateway must cost no
            // strength on either leg. (Debian 12's OpenSSH 9.2p1 knows sntrup761x25519 under
            // both names and picks "sntrup761x25519-sha512"; upstream 9.2 only the @openssh.com one.)
            let direct = try await fixture.direct(to: "web-01").ssh("true", options: ["-v"])
            let expected = try #require(Self.negotiatedKeyExchange(in: direct.stderr), "\(direct)")
            #expect(LibSSHCapabilities.isPostQuantum(expected), "OpenSSH 9.2 on its own: \(expected)")
            let (result, _, events) = try await fixture.observeConnection {
                try await fixture.alice(on: "web-01").ssh("echo negotiated", options: ["-v"])
            }
            #expect(result.stdout == "negotiated\n", "\(result)\n\(fixture.gatewayLogTail)")
            let upstream = try #require(events.first { $0["kind"] == "upstream.connect" }, "\(events)")
            #expect(upstream["result"] == "ok", "\(upstream)")
            // The engineer's client (ssh -v) and the trail agree on the engineer's leg.
            let clientLeg = Self.negotiatedKeyExchange(in: result.stderr)
            #expect(clientLeg != nil && upstream.json("details", "client_kex") == clientLeg, "\(result.stderr)\n\(upstream)")
            if LibSSHCapabilities.hasPostQuantumKeyExchange {
                #expect(clientLeg == expected, "\(result.stderr)")
                #expect(upstream.json("details", "target_kex") == expected, "\(upstream)")
            } else {
                // libssh 0.10: curve25519 on both legs, as before.
                #expect(clientLeg == "curve25519-sha256", "\(result.stderr)")
                #expect(upstream.json("details", "target_kex") == "curve25519-sha256", "\(upstream)")
            }
            // AES-GCM only faces clients; towards targets the gateway prefers aes128-gcm.
            for key in ["client_cipher_in", "client_cipher_out", "target_cipher_in", "target_cipher_out"] {
                #expect(upstream.json("details", key) == "aes128-gcm@openssh.com", "\(key): \(upstream)")
            }
            // The log line of the connection says it too.
            #expect(fixture.gateway.log.contains("tg.target_kex=\(expected)") || !LibSSHCapabilities.hasPostQuantumKeyExchange,
                    "\(fixture.gatewayLogTail)")
        }

        /// "debug1: kex: algorithm: NAME" from `ssh -v`.
        static func negotiatedKeyExchange(in verboseOutput: String) -> String? {
            // ssh -v ends its lines with "\r\n", one Character in Swift: cut at any space or newline.
            guard let range = verboseOutput.range(of: "kex: algorithm: ") else { return nil }
            let name = verboseOutput.unicodeScalars[range.upperBound...]
                .prefix { !CharacterSet.whitespacesAndNewlines.contains($0) }
            return name.isEmpty ? nil : String(String.UnicodeScalarView(name))
        }

        @Test func theStartLogSaysWhetherPostQuantumKeyExchangeIsAvailable() throws {
            let fixture = try SharedGateway.current()
            #expect(fixture.gateway.log.contains(ExpectedKeyExchange.startLine), "\(fixture.gatewayLogTail)")
            #expect(fixture.gateway.log.contains("tg.libssh=\(LibSSHCapabilities.version)"), "\(fixture.gatewayLogTail)")
        }

        /// scripts/test.sh sets PKG_CONFIG_PATH to the libssh of scripts/build-libssh.sh: the
        /// binaries under test must carry that one, not a build cached against another.
        @Test func theGatewayCarriesTheLibSSHThatPkgConfigNames() async throws {
            let pkgConfig = try await ProcessRunner().run("pkg-config", ["--modversion", "libssh"])
            try #require(pkgConfig.succeeded, "\(pkgConfig)")
            let named = pkgConfig.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(named == LibSSHCapabilities.version,
                    """
                    built with libssh \(LibSSHCapabilities.version) but pkg-config names \(named) \
                    (PKG_CONFIG_PATH=\(ProcessInfo.processInfo.environment["PKG_CONFIG_PATH"] ?? "unset")): \
                    build and test with the same PKG_CONFIG_PATH, e.g. PKG_CONFIG_PATH=$(scripts/build-libssh.sh)
                    """)
            #expect(LibSSHCapabilities.headerVersion == LibSSHCapabilities.version)
            // From 0.12 on libssh has post-quantum key exchange; its detection must see it.
            let parts = LibSSHCapabilities.version.split(separator: ".").compactMap { Int($0) }
            if parts.count >= 2 && (parts[0], parts[1]) >= (0, 12) {
                #expect(LibSSHCapabilities.hasPostQuantumKeyExchange)
                #expect(LibSSHCapabilities.postQuantumKeyExchanges == LibSSHCapabilities.postQuantumKeyExchangeNames)
            }
        }
    }

    /// `algorithms.kex` (and `upstream_kex`) restricted to post-quantum key exchange.
    @Suite(.timeLimit(.minutes(3)))
    struct PostQuantumOnlyTests {
        static let onlyPostQuantum = "[mlkem768x25519-sha256, sntrup761x25519-sha512, sntrup761x25519-sha512@openssh.com]"
        static let configurationLine = "algorithms: {kex: \(onlyPostQuantum), upstream_kex: \(onlyPostQuantum)}"

        @Test(.enabled(if: LibSSHCapabilities.hasPostQuantumKeyExchange, "needs a libssh with post-quantum key exchange"))
        func aClientOfferingOnlyCurve25519IsRefusedWithAClearLogLine() async throws {
            var options = GatewayFixture.Options()
            options.configurationLines = [Self.configurationLine]
            try await Self.withGateway(options) { fixture in

            // LogLevel INFO: OpenSSH reports a failed negotiation at that level.
            let refused = try await fixture.alice(on: "web-01").ssh(
                "echo classical",
                options: ["-o", "KexAlgorithms=curve25519-sha256,curve25519-sha256@libssh.org", "-o", "LogLevel=INFO"])
            #expect(!refused.succeeded && refused.stdout.isEmpty, "\(refused)")
            #expect(refused.stderr.contains("no matching key exchange method found"), "\(refused)")
            let logged = await waitFor(timeout: .seconds(10)) {
                fixture.gateway.log.contains("key exchange refused: the peer offers none of the allowed key exchanges")
            }
            #expect(logged, "\(fixture.gatewayLogTail)")
            // The line names both sides, so an operator sees at once what the client lacked.
            let line = fixture.gateway.log.split(separator: "\n").first { $0.contains("key exchange refused") } ?? ""
            #expect(line.contains("offered: curve25519-sha256,curve25519-sha256@libssh.org"), "\(line)")
            #expect(line.contains("allowed: mlkem768x25519-sha256,sntrup761x25519-sha512,"), "\(line)")
            // And in the trail: the connection's close names the refusal.
            let closes = try await fixture.auditDatabase.waitForRows(
                "SELECT * FROM events WHERE kind = 'connection.close' AND reason = 'kex_failed'")
            #expect(closes.contains { $0.json("details", "error")?.contains("offered: curve25519-sha256") == true },
                    "\(closes)")

            // OpenSSH 9.2's defaults do include sntrup761x25519: that client gets through, and
            // so does the gateway to the target, on post-quantum key exchange only.
            let (result, _, events) = try await fixture.observeConnection {
                try await fixture.alice(on: "web-01").ssh("echo quantum")
            }
            #expect(result.stdout == "quantum\n", "\(result)\n\(fixture.gatewayLogTail)")
            let upstream = try #require(events.first { $0["kind"] == "upstream.connect" }, "\(events)")
            for key in ["client_kex", "target_kex"] {
                let name = upstream.json("details", key) ?? "none"
                #expect(LibSSHCapabilities.isPostQuantum(name), "\(key): \(upstream)")
            }
            }
        }

        @Test(.enabled(if: LibSSHCapabilities.hasPostQuantumKeyExchange, "needs a libssh with post-quantum key exchange"))
        func aTargetWithoutPostQuantumKeyExchangeIsUnreachableWhenItIsRequired() async throws {
            var options = GatewayFixture.Options()
            options.configurationLines = [Self.configurationLine]
            options.targetConfiguration = ["KexAlgorithms curve25519-sha256"]
            try await Self.withGateway(options) { fixture in

            let result = try await fixture.alice(on: "web-01").ssh("true")
            #expect(!result.succeeded && result.stderr.contains("tracegate: target web-01 is unreachable"), "\(result)")
            let logged = await waitFor(timeout: .seconds(10)) {
                fixture.gateway.log.contains("key exchange refused: the peer offers none of the allowed key exchanges")
            }
            #expect(logged, "\(fixture.gatewayLogTail)")
            }
        }

        private static func withGateway(_ options: GatewayFixture.Options,
                                        _ body: (GatewayFixture) async throws -> Void) async throws {
            let fixture = try await GatewayFixture.start(options)
            do {
                try await body(fixture)
            } catch {
                await fixture.stop()
                throw error
            }
            await fixture.stop()
        }

        /// On a libssh without post-quantum key exchange the restricted list cannot be served:
        /// `config check` says so, instead of the gateway silently falling back to curve25519.
        @Test func theConfigurationIsRefusedWithoutPostQuantumSupport() async throws {
            let directory = try TemporaryDirectory(prefix: "tracegate-pqonly")
            let path = try directory.write("metrics: {listen: off}\n\(Self.configurationLine)\n", to: "tracegate.yaml")
            let result = try await GatewayProcess(configPath: path, workingDirectory: directory.path, port: 0,
                                                  stateDirectory: directory.file("state")).run(["config", "check"])
            if LibSSHCapabilities.hasPostQuantumKeyExchange {
                #expect(result.succeeded, "\(result)")
                #expect(result.stdout.contains("kex: mlkem768x25519-sha256, sntrup761x25519-sha512, "
                                               + "sntrup761x25519-sha512@openssh.com (post-quantum only)\n"), "\(result)")
            } else {
                #expect(!result.succeeded, "\(result)")
                #expect(result.stderr.contains("algorithms.kex: libssh \(LibSSHCapabilities.version) implements none of the key exchanges"),
                        "\(result)")
                #expect(result.stderr.contains("post-quantum key exchange needs the libssh 0.12"), "\(result)")
            }
            let defaults = try directory.write("metrics: {listen: off}\n", to: "defaults.yaml")
            let summary = try await GatewayProcess(configPath: defaults, workingDirectory: directory.path, port: 0,
                                                   stateDirectory: directory.file("state")).run(["config", "check"])
            #expect(summary.succeeded, "\(summary)")
            if LibSSHCapabilities.hasPostQuantumKeyExchange {
                #expect(summary.stdout.contains("kex: mlkem768x25519-sha256, sntrup761x25519-sha512, "
                                                + "sntrup761x25519-sha512@openssh.com, curve25519-sha256, "), "\(summary)")
                #expect(summary.stdout.contains("(post-quantum first)\n"), "\(summary)")
                #expect(!summary.stdout.contains("unavailable"), "\(summary)")
            } else {
                #expect(summary.stdout.contains("post-quantum key exchange: unavailable (libssh \(LibSSHCapabilities.version)"),
                        "\(summary)")
                #expect(summary.stdout.contains("kex: curve25519-sha256, curve25519-sha256@libssh.org, "), "\(summary)")
            }
        }
    }
}
