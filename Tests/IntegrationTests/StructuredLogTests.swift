import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// The gateway's stderr is one structured line per event, carrying the connection id, and
    /// the level in the configuration applies to running code when a reload changes it.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct StructuredLogTests {
        @Test func reloadChangesTheLogLevelOfTheRunningGateway() async throws {
            let fixture = try SharedGateway.current()
            #expect(try await fixture.alice(on: "web-01").ssh("echo at-info").succeeded, "\(fixture.gatewayLogTail)")
            let opened = openedCount(fixture)
            #expect(opened >= 1, "\(fixture.gatewayLogTail)")

            // notice hides the info line of every new connection, but not the reload's own notice.
            try await reload(fixture, level: "notice")
            #expect(try await fixture.alice(on: "web-01").ssh("echo at-notice").succeeded, "\(fixture.gatewayLogTail)")
            // The connection's notice-level or higher lines would appear within this time too.
            try await Task.sleep(for: .milliseconds(300))
            #expect(openedCount(fixture) == opened, "info lines after the level went to notice\n\(fixture.gatewayLogTail)")

            try await reload(fixture, level: "info")
            #expect(try await fixture.alice(on: "web-01").ssh("echo at-info-again").succeeded, "\(fixture.gatewayLogTail)")
            let back = await waitFor(timeout: .seconds(5)) { openedCount(fixture) == opened + 1 }
            #expect(back, "no info line after the level went back to info\n\(fixture.gatewayLogTail)")
        }

        @Test func everyLineIsLogfmtWithTimeLevelAndMessageAndConnectionLinesCarryTheID() async throws {
            let fixture = try SharedGateway.current()
            #expect(try await fixture.alice(on: "web-02").ssh("echo fields").succeeded, "\(fixture.gatewayLogTail)")
            let lines = fixture.gateway.log.split(separator: "\n")
            #expect(!lines.isEmpty)
            let shape = /^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=(trace|debug|info|notice|warning|error|critical) msg=("([^"\\]|\\.)*"|[^ "=]+)( [A-Za-z0-9_.\/-]+=("([^"\\]|\\.)*"|[^ "=]+))*$/
            for line in lines {
                #expect(line.wholeMatch(of: shape) != nil, "not a logfmt line: \(line)")
            }
            let sessionLines = lines.filter { $0.contains(#"msg="session started""#) }
            #expect(!sessionLines.isEmpty && sessionLines.allSatisfy { $0.contains(/tg\.connection=c-[0-9a-f]{16}/) },
                    "\(fixture.gatewayLogTail)")
        }

        private func openedCount(_ fixture: GatewayFixture) -> Int {
            fixture.gateway.log.components(separatedBy: #"msg="connection opened""#).count - 1
        }

        private func reload(_ fixture: GatewayFixture, level: String) async throws {
            var configuration = fixture.configuration
            configuration.extraLines = ["log_level: \(level)"]
            try Data(configuration.yaml().utf8).write(to: URL(fileURLWithPath: fixture.gateway.configPath), options: .atomic)
            let before = fixture.gateway.log.components(separatedBy: "configuration reloaded").count
            try await fixture.gateway.run(["reload"]).checked("tracegate reload")
            let applied = await waitFor(timeout: .seconds(10)) {
                fixture.gateway.log.components(separatedBy: "configuration reloaded").count > before
            }
            try #require(applied, "the reload to \(level) was not applied\n\(fixture.gatewayLogTail)")
        }
    }

    /// `log_format: json`: every line of the running gateway is one JSON object.
    @Suite(.gatewayFixture { $0.configurationLines = ["log_format: json"] }, .timeLimit(.minutes(2)))
    struct JSONLogTests {
        @Test func everyLineIsAJSONObjectWithTheConnectionID() async throws {
            let fixture = try SharedGateway.current()
            #expect(try await fixture.alice(on: "web-01").ssh("echo json").succeeded, "\(fixture.gatewayLogTail)")
            let lines = fixture.gateway.log.split(separator: "\n")
            var sessionStarted = 0
            for line in lines {
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object != nil, "not a JSON object: \(line)")
                guard let object else { continue }
                #expect(object["ts"] is String && object["level"] is String && object["msg"] is String, "\(line)")
                if object["msg"] as? String == "session started" {
                    sessionStarted += 1
                    #expect((object["tg.connection"] as? String)?.hasPrefix("c-") == true, "\(line)")
                    #expect(object["tg.command"] as? String == "echo json", "\(line)")
                }
            }
            #expect(sessionStarted == 1, "\(fixture.gatewayLogTail)")
        }
    }
}
