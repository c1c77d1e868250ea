import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// Many engineers at once, and nothing left behind once they are gone.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(3)))
    struct ConcurrencyTests {
        @Test func fiftyConcurrentSessionsSucceedAndThreadsAndDescriptorsReturnToIdle() async throws {
            let fixture = try SharedGateway.current()
            let pid = try #require(fixture.gateway.pid)

            // Idle is measured after a first round of the same load, so that lazily started workers
            // and pools that grow with concurrency (the trail's readers) count as idle; a leak still
            // grows with the second round.
            let warmUp = try await fiftyAtOnce(fixture)
            try #require(warmUp.isEmpty, "warm-up sessions \(warmUp) failed\n\(fixture.gatewayLogTail)")
            try await Task.sleep(for: .seconds(1))
            let idle = try ResourceUsage.of(pid: pid)

            let failures = try await fiftyAtOnce(fixture)
            #expect(failures.isEmpty, "sessions \(failures) failed\n\(fixture.gatewayLogTail)")

            // The trail's SQLite files are counted apart: its reader pool may still grow in the
            // second round (up to GRDB's five readers, each with the database and its WAL), which
            // is bounded, not a leak; every other descriptor must come back.
            let settled = try await ResourceUsage.wait(pid: pid, timeout: .seconds(10)) { usage in
                usage.threads <= idle.threads + 2 && usage.otherDescriptors <= idle.otherDescriptors + 2
            }
            print("ConcurrencyTests: idle \(idle); 10 s after the second round \(settled)")
            #expect(settled.threads <= idle.threads + 2, "threads: idle \(idle), 10 s after the sessions \(settled)")
            #expect(settled.otherDescriptors <= idle.otherDescriptors + 2, "fds: idle \(idle), 10 s after the sessions \(settled)")
            #expect(settled.databaseDescriptors <= 24, "SQLite descriptors beyond the pool's bound: \(settled)")
        }
            /// Fifty exec sessions at once over both targets; the indexes of those that failed.
        private func fiftyAtOnce(_ fixture: GatewayFixture) async throws -> [Int] {
            let results = try await withThrowingTaskGroup(of: (Int, ProcessResult).self) { group in
                for index in 1...50 {
                    let target = index.isMultiple(of: 2) ? "web-02" : "web-01"
                    group.addTask {
                        (index, try await fixture.alice(on: target).ssh("echo $((\(index)*2))", timeout: .seconds(90)))
                    }
                }
                return try await group.reduce(into: [Int: ProcessResult]()) { $0[$1.0] = $1.1 }
            }
            return (1...50).filter { results[$0]?.succeeded != true || results[$0]?.stdout != "\($0 * 2)\n" }
        }
    }
}
