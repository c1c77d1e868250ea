import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// The gateway behind real HAProxy with `send-proxy-v2` (config/examples/haproxy.cfg), real
    /// OpenSSH clients from distinct loopback addresses (`ssh -b`): the engineer's address, not
    /// HAProxy's, is what the trail records and what grants' `source:` and penalties see; a
    /// header is believed only from `proxy_protocol.from` (127.0.0.2 here), required from there,
    /// refused from anywhere else, and what a trusted proxy claims is what is audited.
    @Suite(.proxyScene, .timeLimit(.minutes(4)))
    struct ProxyProtocolTests {
        private func connectionOpen(_ scene: ProxyScene, source: String) async throws -> AuditRow? {
            try await scene.rows("""
                SELECT connection_id, source_address, source_port, details FROM events
                WHERE kind = 'connection.open' AND source_address = '\(source)' ORDER BY id DESC LIMIT 1
                """).first
        }

        private func refusals(_ scene: ProxyScene, from peer: String, reason: String, atLeast count: Int = 1,
                              timeout: Duration = .seconds(10)) async throws -> [AuditRow] {
            try await scene.rows("""
                SELECT source_address, result, reason, details FROM events
                WHERE kind = 'proxy.refused' AND source_address = '\(peer)' AND reason = '\(reason)' ORDER BY id
                """, atLeast: count, timeout: timeout)
        }

        @Test func theExampleAsWrittenIsAValidHAProxyConfiguration() async throws {
            let result = try await ProcessRunner().run(try ExecutableLocator.find("haproxy"), ["-c", "-f", HAProxyProcess.examplePath])
            #expect(result.succeeded && result.stdout.contains("Configuration file is valid"), "\(result)")
        }

        @Test func theHealthCheckOnReadyzKeepsTheReadyNodeAndDropsTheOther() async throws {
            // The scene waited for gw-gone's two failed checks; gw-1's /readyz had as many checks
            // (on its metrics port, without a PROXY header) and passed them all.
            let scene = try SharedProxyScene.current()
            let log = scene.haproxy.log
            #expect(log.contains("tracegate/gw-gone is DOWN"), "\(log)")
            #expect(!log.contains("tracegate/gw-1 is DOWN"), "\(log)")
        }

        @Test func theTrailRecordsTheEngineersAddressNotHAProxys() async throws {
            let scene = try SharedProxyScene.current()
            let result = try await scene.alice.ssh("echo through-haproxy", options: ["-b", ProxyScene.grantedSource])
            #expect(result.stdout == "through-haproxy\n", "\(result)\n\(scene.logs)")
            let opened = try #require(try await connectionOpen(scene, source: ProxyScene.grantedSource), "\(scene.logs)")
            // The proxy that relayed it is kept beside the client: HAProxy's source and port.
            let via = try #require(opened.json("details", "via"), "\(opened)")
            #expect(via.hasPrefix("\(ProxyScene.proxySource):"), "\(opened)")
            // The auditors' connections table says the same.
            let id = try #require(opened["connection_id"])
            let row = try await scene.rows("SELECT source_address FROM connections WHERE id = '\(id)'").first
            #expect(row?["source_address"] == ProxyScene.grantedSource, "\(String(describing: row))")
            #expect(scene.fixture.gateway.log.contains("tg.via=\(ProxyScene.proxySource):"), "\(scene.logs)")
        }

        @Test func aGrantsSourceRuleSeesTheRealAddress() async throws {
            let scene = try SharedProxyScene.current()
            let allowed = try await scene.bob.ssh("echo from-granted-source", options: ["-b", ProxyScene.grantedSource])
            #expect(allowed.stdout == "from-granted-source\n", "\(allowed)\n\(scene.logs)")
            let denied = try await scene.bob.ssh("true", options: refusalOptions + ["-b", "127.0.0.10"])
            expectRefusal(denied, containing: "access from 127.0.0.10 is not allowed", scene.fixture)
        }

        @Test func aPenaltyFallsOnTheRealAddressAndNeverOnHAProxy() async throws {
            let scene = try SharedProxyScene.current()
            // Two failures of 5 s reach min 6 s (a third or fourth on a very slow machine).
            var penalties: [AuditRow] = []
            for _ in 0..<4 where penalties.isEmpty {
                let failed = try await scene.stranger.ssh("true", options: refusalOptions + ["-b", "127.0.0.11"])
                #expect(!failed.succeeded, "\(failed)")
                penalties = try await scene.rows(
                    "SELECT source_address, details FROM events WHERE kind = 'penalty.start' AND json_extract(details, '$.source') = '127.0.0.11'",
                    timeout: .seconds(2))
            }
            try #require(penalties.count == 1, "\(scene.logs)")
            // alice from the penalised address is closed at accept, behind the same HAProxy…
            let closed = try await scene.alice.ssh("echo no", options: refusalOptions + ["-b", "127.0.0.11"])
            #expect(!closed.succeeded && !closed.stdout.contains("no"), "\(closed)")
            #expect(!closed.stderr.contains("Permission denied"), "closed before authentication: \(closed)")
            // …while she gets in from elsewhere through it: HAProxy's address is not penalised.
            let elsewhere = try await scene.alice.ssh("echo still-in", options: ["-b", "127.0.0.12"])
            #expect(elsewhere.stdout == "still-in\n", "\(elsewhere)\n\(scene.logs)")
            let proxyPenalties = try await scene.rows(
                "SELECT id FROM events WHERE kind = 'penalty.start' AND json_extract(details, '$.source') = '\(ProxyScene.proxySource)'",
                atLeast: 0, timeout: .zero)
            #expect(proxyPenalties.isEmpty, "\(proxyPenalties)")
        }

        @Test func aHeaderFromOutsideTheTrustedAddressesIsRefusedAndAudited() async throws {
            let scene = try SharedProxyScene.current()
            let fixture = scene.fixture
            // sshpiper's GHSA-4w53-6jvp-gg52: a client claiming to be someone else.
            let options = scene.headers.sshOptions(from: "127.0.0.3", to: fixture.gateway.port,
                                                   header: .proxy(source: "198.51.100.23", port: 40000))
            let result = try await fixture.alice(on: "web-01").ssh("echo spoofed", options: refusalOptions + options)
            #expect(!result.succeeded && !result.stdout.contains("spoofed"), "\(result)")
            let rows = try await refusals(scene, from: "127.0.0.3", reason: "untrusted_proxy_header")
            #expect(rows.count == 1, "\(rows)\n\(scene.logs)")
            #expect(rows.first?["result"] == "refused", "\(rows)")
            #expect(rows.first?.json("details", "claimed_source") == "198.51.100.23:40000", "\(rows)")
            let believed = try await scene.rows(
                "SELECT id FROM events WHERE source_address = '198.51.100.23'", atLeast: 0, timeout: .zero)
            #expect(believed.isEmpty, "the claimed source is never the event's source: \(believed)")
            #expect(fixture.gateway.log.contains("PROXY header from an untrusted address refused"), "\(scene.logs)")
            try await expectGatewayStillServes(fixture)
        }

        @Test func aConnectionFromTheProxyWithoutAHeaderIsRefusedAndAudited() async throws {
            let scene = try SharedProxyScene.current()
            let fixture = scene.fixture
            let before = try await refusals(scene, from: ProxyScene.proxySource, reason: "missing_proxy_header", atLeast: 0,
                                            timeout: .zero).count
            let direct = try await fixture.alice(on: "web-01").ssh("echo no-header", options: refusalOptions + ["-b", ProxyScene.proxySource])
            #expect(!direct.succeeded && !direct.stdout.contains("no-header"), "\(direct)")
            let rows = try await refusals(scene, from: ProxyScene.proxySource, reason: "missing_proxy_header", atLeast: before + 1)
            #expect(rows.count == before + 1, "\(rows)\n\(scene.logs)")
            #expect(rows.last?.json("details", "error") == "the connection started without a PROXY v2 header", "\(rows)")
        }

        @Test func aSilentOrTruncatedHeaderFromTheProxyIsCutAtItsTimeout() async throws {
            let scene = try SharedProxyScene.current()
            let port = scene.fixture.gateway.port
            let before = try await refusals(scene, from: ProxyScene.proxySource, reason: "missing_proxy_header", atLeast: 0,
                                            timeout: .zero).count
            for header in [ProxyHeaderClient.Header.none, .truncated] {
                let held = try await scene.headers.holdOpen(from: ProxyScene.proxySource, to: port, header: header)
                let seconds = Double(held.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
                // proxy_protocol.timeout is 2s here: closed at it, neither at once nor much later.
                #expect(seconds >= 1.5 && seconds < 6, "\(header): \(held)")
            }
            let rows = try await refusals(scene, from: ProxyScene.proxySource, reason: "missing_proxy_header", atLeast: before + 2)
            #expect(rows.count == before + 2, "\(rows)")
            #expect(rows.last?.json("details", "error") == "no complete PROXY v2 header within the timeout", "\(rows)")
        }

        @Test func aSpoofedSourceFromTheTrustedProxyIsWhatIsAudited() async throws {
            // The contract: a trusted proxy's header is believed. Whoever controls the proxy's
            // address decides the audited source, which is why `from` must name only proxies.
            let scene = try SharedProxyScene.current()
            let fixture = scene.fixture
            let options = scene.headers.sshOptions(from: ProxyScene.proxySource, to: fixture.gateway.port,
                                                   header: .proxy(source: "203.0.113.50", port: 41000))
            let result = try await fixture.alice(on: "web-01").ssh("echo believed", options: options)
            #expect(result.stdout == "believed\n", "\(result)\n\(scene.logs)")
            let opened = try #require(try await connectionOpen(scene, source: "203.0.113.50"), "\(scene.logs)")
            #expect(opened["source_port"] == "41000", "\(opened)")
            #expect(opened.json("details", "via")?.hasPrefix("\(ProxyScene.proxySource):") == true, "\(opened)")
        }

        @Test func localFromTheProxyIsTheProxyItself() async throws {
            let scene = try SharedProxyScene.current()
            let fixture = scene.fixture
            let options = scene.headers.sshOptions(from: ProxyScene.proxySource, to: fixture.gateway.port, header: .local)
            let result = try await fixture.alice(on: "web-01").ssh("echo local", options: options)
            #expect(result.stdout == "local\n", "\(result)\n\(scene.logs)")
            let opened = try #require(try await connectionOpen(scene, source: ProxyScene.proxySource), "\(scene.logs)")
            #expect(opened.json("details", "via") == nil, "\(opened)")
        }

        @Test func aDirectConnectionFromElsewhereIsServedAsItself() async throws {
            let scene = try SharedProxyScene.current()
            let result = try await scene.fixture.alice(on: "web-01").ssh("echo direct", options: ["-b", "127.0.0.13"])
            #expect(result.stdout == "direct\n", "\(result)\n\(scene.logs)")
            let opened = try #require(try await connectionOpen(scene, source: "127.0.0.13"), "\(scene.logs)")
            #expect(opened.json("details", "via") == nil, "\(opened)")
        }
    }
}
