import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// Recordings seen from `tracegate audit`: found by what was typed, checked against their hash.
    @Suite(.gatewayFixture(), .serialized, .timeLimit(.minutes(3)))
    struct RecordingAuditTests {
        @Test func searchFindsACommandTypedInOneOfSeveralSessionsAndNamesIt() async throws {
            let fixture = try SharedGateway.current()
            let before = try await RecordedSession.all(in: fixture, sealedAtLeast: 0)
            for marker in ["alpha", "bravo", "charlie"] {
                let transcript = try await InteractiveScenarios.shell(
                    fixture.alice(on: "web-01"),
                    InteractiveScenarios.ready + [
                        .send("echo needle-\(marker)-$((2+3))\r"), .expect("needle-\(marker)-5"),
                    ] + InteractiveScenarios.exit(0))
                #expect(transcript.failure == nil, "\(transcript)")
            }
            let sessions = try await RecordedSession.new(in: fixture, since: before, count: 3)
            let bravo = try #require(try sessions.first { try $0.contents().contains("needle-bravo") })

            let search = try await fixture.gateway.run(["audit", "search", "needle-bravo-5", "--format", "json"]).checked()
            let hits = search.stdout.split(separator: "\n")
            #expect(hits.count == 1, "\(search)")
            #expect(hits.first?.contains(bravo.sessionID) == true, "\(search)")
            #expect(hits.first?.contains("alice") == true, "\(search)")

            // The typed command line (echoed by the terminal) is found too, with its session.
            let typed = try await fixture.gateway.run(["audit", "search", "echo needle-bravo"]).checked()
            #expect(typed.stdout.contains(bravo.sessionID), "\(typed)")
            #expect(!typed.stdout.contains("needle-alpha"), "\(typed)")
        }

        @Test func searchFindsAnExecCommandLine() async throws {
            let fixture = try SharedGateway.current()
            _ = try await fixture.alice(on: "web-01").ssh("true unusual-exec-word").checked()
            let search = try await waitForSearch(fixture, "unusual-exec-word")
            #expect(search.contains("$ true unusual-exec-word"), "\(search)")
        }

        @Test func verifyFailsAndNamesARecordingWithOneChangedByte() async throws {
            let fixture = try SharedGateway.current()
            let before = try await RecordedSession.all(in: fixture, sealedAtLeast: 0)
            _ = try await fixture.alice(on: "web-01").ssh("echo tamper-$((9*9))").checked()
            let recording = try #require(try await RecordedSession.new(in: fixture, since: before, count: 1).first)
            let intact = try await fixture.gateway.run(["audit", "verify"])
            #expect(intact.succeeded, "\(intact)")

            var bytes = try Data(contentsOf: URL(fileURLWithPath: recording.path))
            let index = try #require(bytes.firstRange(of: Data("81".utf8))).lowerBound
            bytes[index] = UInt8(ascii: "7")
            try bytes.write(to: URL(fileURLWithPath: recording.path))

            let broken = try await fixture.gateway.run(["audit", "verify"])
            #expect(broken.status == 1, "\(broken)")
            #expect(broken.stdout.contains(recording.sessionID), "\(broken)")
            #expect(broken.stdout.contains(recording.path), "\(broken)")
        }

        /// Lines are indexed by the writer a moment after the session printed them.
        private func waitForSearch(_ fixture: GatewayFixture, _ text: String) async throws -> String {
            var output = ""
            for _ in 0..<50 {
                output = try await fixture.gateway.run(["audit", "search", text]).checked().stdout
                if !output.isEmpty { return output }
                try await Task.sleep(for: .milliseconds(200))
            }
            return output
        }
    }
}
