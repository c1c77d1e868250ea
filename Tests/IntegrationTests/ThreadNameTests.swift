import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// An operator reading `top -H` or a profile tells the gateway's threads apart: each
    /// carries its name (Linux drops a name longer than 15 bytes, and the thread then shows
    /// the process's name).
    @Suite(.gatewayFixture(), .timeLimit(.minutes(2)))
    struct ThreadNameTests {
        @Test func aSessionsConnectionRecorderAndAuditThreadsAreNamed() async throws {
            let fixture = try SharedGateway.current()
            let pid = try #require(fixture.gateway.pid)
            let session = try fixture.alice(on: "web-01").spawnSSH("echo named; sleep 5", options: ["-tt"])
            defer { session.terminate() }
            var names: Set<String> = []
            let seen = await waitFor(timeout: .seconds(10)) {
                names = Self.threadNames(of: pid)
                return names.isSuperset(of: ["tg-connection", "tg-recorder", "tg-audit-writer", "tg-audit-sync"])
            }
            #expect(seen, "threads: \(names.sorted())\n\(fixture.gatewayLogTail)")
        }

        static func threadNames(of pid: Int32) -> Set<String> {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            return Set(tasks.compactMap { task in
                (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            })
        }
    }
}
