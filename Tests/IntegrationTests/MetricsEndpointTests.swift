import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// The operations listener of a running gateway: Prometheus metrics that a real promtool
    /// accepts and that move with real sessions, `/healthz`, and `/readyz` that fails while
    /// the audit trail cannot be written.
    @Suite(.gatewayFixture { $0.servesMetrics = true; $0.unreachableTargetNames = ["down-01"] }, .timeLimit(.minutes(3)))
    struct MetricsEndpointTests {
        @Test func healthAndReadinessAnswerAndOtherRequestsAreRefused() async throws {
            let (fixture, client) = try operations()
            let health = try await client.request("/healthz")
            #expect(health.status == 200 && health.body == "ok\n", "\(health)")
            let ready = try await client.request("/readyz")
            #expect(ready.status == 200, "\(ready)\n\(fixture.gatewayLogTail)")
            #expect(ready.body.contains("ok listening") && ready.body.contains("ok audit") && ready.body.contains("ok free_space"), "\(ready)")
            #expect(try await client.request("/nowhere").status == 404)
            #expect(try await client.request("/metrics", method: "POST").status == 405)
            #expect(try await client.request("/healthz", method: "DELETE").status == 405)
        }

        @Test func scrapeOfARunningGatewayPassesPromtool() async throws {
            let (fixture, client) = try operations()
            // A session first, so that labelled series (by organisation, target, result) exist.
            #expect(try await fixture.alice(on: "web-01").ssh("echo for-promtool").succeeded, "\(fixture.gatewayLogTail)")
            let scrape = try await client.scrape()
            let file = fixture.directory.file("scrape.prom")
            try Data(scrape.text.utf8).write(to: URL(fileURLWithPath: file))
            let promtool = try ExecutableLocator.find("promtool")
            let checked = try await ProcessRunner().run(promtool, ["check", "metrics"], input: .file(file), timeout: .seconds(30))
            #expect(checked.succeeded, "promtool rejected the scrape:\n\(checked)\n--- scrape ---\n\(scrape.text)")
            for family in ["tracegate_connections_accepted_total", "tracegate_authentications_total", "tracegate_sessions_active",
                           "tracegate_session_setup_duration_seconds", "tracegate_relayed_bytes_total",
                           "tracegate_audit_queue_depth", "tracegate_audit_commit_duration_seconds",
                           "tracegate_recording_bytes_total", "tracegate_state_filesystem_free_bytes",
                           "tracegate_break_glass_unreviewed"] {
                #expect(scrape.text.contains("# TYPE \(family) "), "no \(family) in the scrape:\n\(scrape.text)")
            }
        }

        @Test func countersMoveWithASession() async throws {
            let (fixture, client) = try operations()
            let before = try await client.scrape()
            let result = try await fixture.alice(on: "web-02").ssh("head -c 5000 /dev/zero")
            #expect(result.succeeded && result.standardOutput.count == 5000, "\(result)")
            let failed = try await fixture.alice(on: "down-01").ssh("true")
            #expect(!failed.succeeded)
            // bob may reach web-01 only: a policy refusal, counted by its reason code.
            let denied = try await fixture.bob(on: "web-02").ssh("true")
            #expect(!denied.succeeded)
            // The session's end is reported by the connection thread just after the client exits.
            var after = try await client.scrape()
            let settled = await waitForScrape(client, &after) { $0.value("tracegate_sessions_active") == 0 }
            #expect(settled, "a session still counts as active:\n\(after.text)")

            #expect(after.value("tracegate_connections_accepted_total") >= before.value("tracegate_connections_accepted_total") + 2)
            #expect(after.value("tracegate_authentications_total", ["result": "accepted"])
                    >= before.value("tracegate_authentications_total", ["result": "accepted"]) + 2)
            let started = ["organization": "retailer", "target": "web-02"]
            #expect(after.value("tracegate_sessions_started_total", started) == before.value("tracegate_sessions_started_total", started) + 1,
                    "\(after.text)")
            #expect(after.value("tracegate_session_setup_duration_seconds_count")
                    == before.value("tracegate_session_setup_duration_seconds_count") + 1, "\(after.text)")
            #expect(after.value("tracegate_relayed_bytes_total", ["direction": "from_target"])
                    >= before.value("tracegate_relayed_bytes_total", ["direction": "from_target"]) + 5000, "\(after.text)")
            #expect(after.value("tracegate_upstream_failures_total", ["target": "down-01", "reason": "target_unreachable"])
                    == before.value("tracegate_upstream_failures_total", ["target": "down-01", "reason": "target_unreachable"]) + 1,
                    "\(after.text)")
            #expect(after.value("tracegate_recording_bytes_total") > before.value("tracegate_recording_bytes_total"), "\(after.text)")
            #expect(after.value("tracegate_connections_refused_total") == before.value("tracegate_connections_refused_total") + 1,
                    "\(after.text)")
            #expect(after.text.contains("tracegate_connections_refused_total{reason=\""), "\(after.text)")
            #expect(after.value("tracegate_audit_events_committed_total") > before.value("tracegate_audit_events_committed_total"))
            #expect(after.value("tracegate_audit_commit_duration_seconds_count") > before.value("tracegate_audit_commit_duration_seconds_count"))
        }

        @Test func readinessFailsWhileTheAuditStoreIsReadOnly() async throws {
            let (fixture, client) = try operations()
            let database = fixture.gateway.stateDirectory + "/audit.db"
            #expect(try await client.request("/readyz").status == 200)
            // The owner's write bit is what the gateway honours (root ignores file modes).
            #expect(chmod(database, 0o444) == 0)
            var restored = false
            defer { if !restored { chmod(database, 0o600) } }
            let failing = try await client.request("/readyz")
            #expect(failing.status == 503, "\(failing)")
            #expect(failing.body.contains("fail audit") && failing.body.contains("read-only"), "\(failing)")
            // Alive all the same: a supervisor must not restart a gateway for a full or read-only disk.
            #expect(try await client.request("/healthz").status == 200)
            #expect(chmod(database, 0o600) == 0)
            restored = true
            let recovered = try await client.request("/readyz")
            #expect(recovered.status == 200, "\(recovered)\n\(fixture.gatewayLogTail)")
        }

        private func operations() throws -> (GatewayFixture, OperationsClient) {
            let fixture = try SharedGateway.current()
            let port = try #require(fixture.metricsPort)
            return (fixture, OperationsClient(port: port, directory: fixture.directory.path))
        }

        private func waitForScrape(_ client: OperationsClient, _ scrape: inout MetricsScrape,
                                   _ condition: (MetricsScrape) -> Bool) async -> Bool {
            let deadline = ContinuousClock.now + .seconds(10)
            while !condition(scrape) && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(100))
                if let next = try? await client.scrape() { scrape = next }
            }
            return condition(scrape)
        }
    }
}

extension IntegrationSuite.MetricsEndpointTests {
    /// A request head over the bound gets 431 and a client that sends nothing is cut off after
    /// the read timeout with 408; neither stops the next scrape.
    @Test func oversizedAndSilentClientsAreBounded() async throws {
        let fixture = try SharedGateway.current()
        let port = try #require(fixture.metricsPort)
        let script = """
            import socket, sys, time
            def ask(payload, wait):
                s = socket.create_connection(("127.0.0.1", \(port)))
                s.settimeout(10)
                if payload: s.sendall(payload)
                start = time.time()
                data = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk: break
                    data += chunk
                return data.split(b"\\r\\n")[0].decode(), time.time() - start
            big, _ = ask(b"GET /metrics HTTP/1.1\\r\\nX-Big: " + b"a" * 9000 + b"\\r\\n\\r\\n", 0)
            silent, waited = ask(b"", 0)
            print(big); print(silent); print(round(waited, 1))
            """
        let result = try await ProcessRunner().run("/usr/bin/env", ["python3", "-c", script], timeout: .seconds(30))
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(result)")
        #expect(lines.first == "HTTP/1.1 431 Request Header Fields Too Large", "\(result)")
        #expect(lines.dropFirst().first == "HTTP/1.1 408 Request Timeout", "\(result)")
        if let waited = lines.last.flatMap(Double.init) { #expect(waited >= 1.5 && waited < 5, "\(result)") }
        let client = OperationsClient(port: port, directory: fixture.directory.path)
        #expect(try await client.request("/healthz").status == 200)
    }
}

extension IntegrationSuite.MetricsEndpointTests {
    /// A metrics port already taken stops a second gateway at start with a clear error, like a
    /// taken SSH port, rather than leaving it running unobserved.
    @Test func aTakenMetricsPortStopsTheStartWithAClearError() async throws {
        let fixture = try SharedGateway.current()
        let port = try #require(fixture.metricsPort)
        var configuration = TestSupport.GatewayConfiguration(listenPort: try LoopbackPort.free(),
                                                             stateDirectory: fixture.directory.file("second-state"))
        configuration.metricsListen = "127.0.0.1:\(port)"
        let directory = try fixture.directory.subdirectory("second")
        let second = try GatewayProcess(configuration: configuration, directory: directory)
        do {
            try await second.start(timeout: .seconds(15))
            await second.kill()
            Issue.record("a second gateway started on a taken metrics port")
        } catch {
            #expect("\(error)".contains("tracegate: cannot listen for metrics on 127.0.0.1:\(port): address already in use"), "\(error)")
        }
        let health = try await OperationsClient(port: port, directory: fixture.directory.path).request("/healthz")
        #expect(health.status == 200, "the first gateway's listener must be unharmed")
    }
}
