import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// `tracegate audit bundle`: an incident worked by two engineers of two organisations under
    /// one ticket, exported and checked file by file, by the recipient's own tools (sha256sum,
    /// an independent implementation of the hash in Python, rsvg-convert, Chromium) and by
    /// `bundle verify`, then tampered with.
    @Suite(
        .policyGateway(
            targets: [
                .init(name: "web-01", owner: "retailer", labels: ["env": "prod"]),
                .init(name: "db-01", owner: "retailer", labels: ["env": "prod"]),
            ],
            grants: { facts in
                [
                    #"{to: {org: provider}, targets: {names: [web-01]}, logins: ["\#(facts.login)"], require_ticket: "^INC-[0-9]+$"}"#,
                    #"{to: {org: provider}, targets: {names: [db-01]}, logins: ["\#(facts.login)"], require_ticket: "^CHG-[0-9]+$"}"#,
                    #"{to: {user: alice}, targets: {names: [web-01, db-01]}, logins: ["\#(facts.login)"], require_ticket: "^INC-[0-9]+$"}"#,
                ]
            }
        ),
        .serialized,
        .timeLimit(.minutes(5))
    )
    struct PostmortemBundleTests {
        @Test func anIncidentsBundleHoldsEveryPartChecksOutAndNamesEachTampering() async throws {
            let gateway = try SharedPolicyGateway.current()
            let ticket = uniqueTicket()
            let withTicket = ["-o", "SetEnv=TRACEGATE_TICKET=\(ticket)"]
            // bob (provider): a command, a failing one, and db-01, which needs a change ticket: denied.
            _ = try await gateway.bob(on: "web-01").ssh("echo provider-$((6*7))", options: withTicket).checked()
            let failing = try await gateway.bob(on: "web-01").ssh("exit 3", options: withTicket)
            #expect(failing.status == 3, "\(failing)")
            let denied = try await gateway.bob(on: "db-01").ssh("echo never", options: withTicket)
            #expect(!denied.succeeded && !denied.stdout.contains("never"), "\(denied)")
            // alice (retailer): a file copied up, and a recorded shell.
            let work = try TemporaryDirectory(prefix: "tracegate-pm")
            let upload = try work.write("evidence \(ticket)\n", to: "upload.txt")
            let alice = gateway.alice(on: "web-01")
            let copy = try await alice.scp([upload], alice.remote("/tmp/pm-\(ticket).txt"), options: withTicket)
            #expect(copy.succeeded, "\(copy)\n\(gateway.logTail)")
            let transcript = try await PseudoTerminal.run(
                "ssh", gateway.alice(on: "web-01").sshArguments(options: ["-tt"] + withTicket),
                steps: [.send("echo SHELL$((40+2))\r"), .expect("SHELL42", timeout: 15), .send("exit 0\r")])
            #expect(transcript.failure == nil, "\(transcript)\n\(gateway.logTail)")
            // Noise: another ticket's work stays out of the bundle.
            _ = try await gateway.alice(on: "web-01").ssh("echo other", options: ["-o", "SetEnv=TRACEGATE_TICKET=\(uniqueTicket())"]).checked()

            let literal = PolicyAuditDatabase.literal(ticket)
            let closed = try await gateway.audit.waitForRows(
                "SELECT id FROM sessions WHERE closed_at IS NOT NULL AND connection_id IN (SELECT id FROM connections WHERE ticket = \(literal))",
                timeout: .seconds(20), until: { $0.count == 4 })
            try #require(closed.count == 4, "sessions of \(ticket) closed: \(closed)\n\(gateway.logTail)")
            _ = try await gateway.audit.waitForRows(
                "SELECT id FROM connections WHERE ticket = \(literal) AND closed_at IS NULL", until: { $0.isEmpty })

            let bundle = work.file("INC-bundle")
            let export = try await gateway.gateway.run(["audit", "bundle", "--ticket", ticket, "-o", bundle, "--zone", "Europe/Paris", "--tar"],
                                                       timeout: .seconds(120))
            try #require(export.succeeded, "\(export)")
            #expect(export.stdout.contains("5 connections, 4 sessions"), "\(export)")

            try await checkFiles(bundle, ticket: ticket, gateway)
            try await checkPictureAndPage(bundle, work)

            // verify, with the head as the recipient's own trail has it, and against that trail.
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle + "/manifest.json"))) as? [String: Any]
            let head = try #require((manifest?["audit_head"] as? [String: Any]))
            let headID = try #require((head["id"] as? NSNumber)?.int64Value)
            let theirs = try await gateway.audit.rows("SELECT hash FROM events WHERE id = \(headID)")
            let good = try await verify(bundle, ["--expect", theirs.first?.first ?? "?", "--against", gateway.audit.path], gateway)
            #expect(good.status == 0 && good.stdout.contains("OK bundle"), "\(good)")
            let packed = try await verify(bundle + ".tar.gz", [], gateway)
            #expect(packed.status == 0, "\(packed)")
            let wrongHead = try await verify(bundle, ["--expect", String(repeating: "ab", count: 32)], gateway)
            #expect(wrongHead.status == 1 && wrongHead.stdout.contains("is not the expected head"), "\(wrongHead)")

            // Tampering: a byte of the recording, an event line, a session row.
            let cast = try #require(try FileManager.default.contentsOfDirectory(atPath: bundle + "/recordings").first { name in
                (try? String(contentsOfFile: bundle + "/recordings/" + name, encoding: .utf8))?.contains("SHELL42") == true
            })
            var bytes = try Data(contentsOf: URL(fileURLWithPath: bundle + "/recordings/" + cast))
            let at = try #require(bytes.firstRange(of: Data("SHELL42".utf8))).lowerBound + 5
            bytes[at] = UInt8(ascii: "7")
            try bytes.write(to: URL(fileURLWithPath: bundle + "/recordings/" + cast))
            var lines = try String(contentsOfFile: bundle + "/events.jsonl", encoding: .utf8).split(separator: "\n")
            let denial = try #require(lines.firstIndex { $0.contains("\"kind\":\"access.decision\"") && $0.contains("\"result\":\"denied\"") })
            let denialID = try #require(Self.id(of: lines[denial]))
            lines.remove(at: denial)
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: bundle + "/events.jsonl"))
            let sessionRows = try String(contentsOfFile: bundle + "/sessions.csv", encoding: .utf8).split(separator: "\n")
            let dropped = try #require(sessionRows.first { $0.contains("exit 3") })
            let droppedSession = String(dropped.prefix { $0 != "," })
            try Data((sessionRows.filter { $0 != dropped }.joined(separator: "\n") + "\n").utf8)
                .write(to: URL(fileURLWithPath: bundle + "/sessions.csv"))

            let broken = try await verify(bundle, ["--against", gateway.audit.path], gateway)
            #expect(broken.status == 1, "\(broken)")
            let failures = broken.stdout.split(separator: "\n").filter { $0.hasPrefix("FAILED ") }
            #expect(failures.contains { $0.contains("recordings/\(cast) does not match the manifest") }, "\(broken)")
            #expect(failures.contains { $0.contains("recording of session") && $0.contains("does not match the SHA-256") }, "\(broken)")
            #expect(failures.contains { $0.contains("event \(denialID) is missing") }, "\(broken)")
            #expect(failures.contains { $0.contains("event \(denialID) matches the selection") }, "\(broken)")
            #expect(failures.contains { $0.contains("sessions.csv has no row for session \(droppedSession)") }, "\(broken)")
            #expect(failures.contains { $0.contains("sessions.csv does not match the manifest") }, "\(broken)")
        }

        /// Every file as the other company would check it, with tools of its own.
        private func checkFiles(_ bundle: String, ticket: String, _ gateway: PolicyGateway) async throws {
            let sums = try await ProcessRunner(workingDirectory: bundle).run("sha256sum", ["--check", "--strict", "SHA256SUMS"])
            #expect(sums.succeeded, "\(sums)")
            let listed = Set(sums.stdout.split(separator: "\n").map { String($0.split(separator: ":").first ?? "") })
            #expect(listed.isSuperset(of: ["index.html", "timeline.svg", "sessions.csv", "connections.csv", "events.jsonl"]), "\(listed)")

            let literal = PolicyAuditDatabase.literal(ticket)
            let connections = try String(contentsOfFile: bundle + "/connections.csv", encoding: .utf8)
            let expectedConnections = try await gateway.audit.rows("SELECT id FROM connections WHERE ticket = \(literal) ORDER BY id")
            #expect(connections.split(separator: "\n").count == 1 + expectedConnections.count && expectedConnections.count == 5)
            for row in expectedConnections { #expect(connections.contains(row[0]), "connections.csv lacks \(row[0])") }
            #expect(connections.contains("bob") && connections.contains("alice") && connections.contains("denied"))

            let sessions = try String(contentsOfFile: bundle + "/sessions.csv", encoding: .utf8)
            let expected = try await gateway.audit.rows(
                "SELECT id, recording_path, recording_sha256 FROM sessions WHERE connection_id IN (SELECT id FROM connections WHERE ticket = \(literal))")
            #expect(sessions.split(separator: "\n").count == 5, "\(sessions)")
            #expect(sessions.contains(",exit 3,") && sessions.contains(",3,"), "the failing exec and its status: \(sessions)")
            // Every recording in the bundle hashes to its session row in the gateway's own trail.
            for row in expected where !row[1].isEmpty {
                let copy = bundle + "/recordings/" + (row[1] as NSString).lastPathComponent
                let digest = try await ProcessRunner().run("sha256sum", [copy]).checked()
                #expect(digest.stdout.hasPrefix(row[2]), "recording of \(row[0]): \(digest.stdout) vs \(row[2])")
            }
            // Event hashes recomputed by a separate implementation of the documented encoding.
            let scripts = try TemporaryDirectory(prefix: "tracegate-pm-py")
            let script = try scripts.write(Self.hashScript, to: "rehash.py")
            let rehash = try await ProcessRunner().run("/usr/bin/python3", [script, bundle + "/events.jsonl"])
            #expect(rehash.succeeded && rehash.stdout.hasPrefix("ok "), "\(rehash)")
            let events = try String(contentsOfFile: bundle + "/events.jsonl", encoding: .utf8)
            #expect(events.contains("\"kind\":\"access.decision\"") && events.contains("\"result\":\"denied\""))
            #expect(events.contains("\"kind\":\"audit.query\""), "the export's own event is in the bundle")
            #expect(!events.contains("echo other"), "another ticket's command leaked into the bundle")
        }

        /// The SVG renders with librsvg at its declared size; the page loads in Chromium with its
        /// table and timeline and no console error.
        private func checkPictureAndPage(_ bundle: String, _ work: TemporaryDirectory) async throws {
            let svg = try String(contentsOfFile: bundle + "/timeline.svg", encoding: .utf8)
            let width = try #require(Self.attribute("width", in: svg)), height = try #require(Self.attribute("height", in: svg))
            let png = work.file("timeline.png")
            let render = try await ProcessRunner().run("rsvg-convert", ["--format", "png", "--output", png, bundle + "/timeline.svg"])
            #expect(render.succeeded, "\(render)")
            let image = try Data(contentsOf: URL(fileURLWithPath: png))
            #expect(image.count > 1_000 && image.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            func bigEndian(_ offset: Int) -> Int { image[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
            #expect(bigEndian(16) == width && bigEndian(20) == height, "PNG \(bigEndian(16))x\(bigEndian(20)), SVG \(width)x\(height)")

            let script = try work.write(Self.browserScript, to: "page.py")
            let page = try await ProcessRunner().run("/usr/bin/python3", [script, bundle + "/index.html"], timeout: .seconds(90))
            #expect(page.succeeded, "\(page)")
            #expect(page.stdout.contains("rows 4"), "\(page)")
            #expect(page.stdout.contains("timeline 1"), "\(page)")
            #expect(page.stdout.contains("links ok"), "\(page)")
            #expect(page.stdout.contains("console 0"), "\(page)")
        }

        private func verify(_ bundle: String, _ options: [String], _ gateway: PolicyGateway) async throws -> ProcessResult {
            try await ProcessRunner().run(gateway.gateway.binary, ["audit", "bundle", "verify", bundle] + options, timeout: .seconds(60))
        }

        static func id(of line: Substring) -> Int64? {
            guard let range = line.range(of: "\"id\":") else { return nil }
            return Int64(line[range.upperBound...].prefix { $0.isNumber })
        }

        static func attribute(_ name: String, in svg: String) -> Int? {
            guard let range = svg.range(of: " \(name)=\"") else { return nil }
            return Int(svg[range.upperBound...].prefix { $0.isNumber })
        }

        /// The hash of docs/audit-schema.md, written from the documentation, not from the Swift code.
        static let hashScript = #"""
            import hashlib, json, sys
            COLUMNS = ["id", "time", "kind", "connection_id", "session_id", "user", "organization", "source_address",
                       "source_port", "client_version", "key_type", "key_fingerprint", "target", "target_owner",
                       "target_labels", "login", "ticket", "result", "reason", "details", "prev_hash"]
            def field(value):
                if value is None:
                    return b"~"
                data = str(value).encode("utf-8")
                return str(len(data)).encode() + b":" + data + b","
            checked = 0
            for number, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
                row = json.loads(line)
                if "link" in row:
                    continue
                encoded = field("tracegate.audit.v1") + b"".join(field(row[c]) for c in COLUMNS)
                if hashlib.sha256(encoded).hexdigest() != row["hash"]:
                    print("line", number, "event", row["id"], "hash mismatch")
                    sys.exit(1)
                checked += 1
            print("ok", checked)
            """#

        static let browserScript = #"""
            import sys
            from selenium import webdriver
            from selenium.webdriver.common.by import By
            options = webdriver.ChromeOptions()
            options.binary_location = "/usr/bin/chromium"
            for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]:
                options.add_argument(argument)
            options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
            service = webdriver.chrome.service.Service(executable_path="/usr/bin/chromedriver")
            driver = webdriver.Chrome(service=service, options=options)
            try:
                driver.get("file://" + sys.argv[1])
                rows = driver.find_elements(By.CSS_SELECTOR, "#session-table tbody tr")
                print("rows", len(rows))
                print("timeline", len(driver.find_elements(By.CSS_SELECTOR, ".timeline svg")))
                broken = []
                for row in rows:
                    target = row.find_element(By.CSS_SELECTOR, "a[href^='#events-']").get_attribute("href").split("#", 1)[1]
                    if not driver.find_elements(By.ID, target):
                        broken.append(target)
                print("links", "ok" if not broken else "broken " + " ".join(broken))
                errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
                for entry in errors:
                    print("console error:", entry["message"])
                print("console", len(errors))
            finally:
                driver.quit()
            """#
    }
}
