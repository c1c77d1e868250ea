import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// `tracegate serve` runs with glibc's `rep movsb` threshold raised (MemoryCopyTuning):
    /// it starts itself again with GLIBC_TUNABLES set, keeping its PID, and still serves.
    @Suite(.gatewayFixture(), .timeLimit(.minutes(2)))
    struct MemoryCopyTuningTests {
        static let setting = "glibc.cpu.x86_rep_movsb_threshold=1073741824"

        @Test(.enabled(if: Self.isX86_64, "the tunable exists on x86-64 only"))
        func theServingProcessRunsWithTheTunable() async throws {
            let fixture = try SharedGateway.current()
            let pid = try #require(fixture.gateway.pid)
            let environment = try Self.environment(of: pid)
            #expect(environment["GLIBC_TUNABLES"] == Self.setting, "\(environment["GLIBC_TUNABLES"] ?? "unset")")
            // It keeps its name for ps, pgrep and top (an exec of /proc/self/exe made it "exe").
            let name = try String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)
            #expect(name == "tracegate\n", "\(name)")
            // The restarted process is the one that serves.
            let result = try await fixture.alice(on: "web-01").ssh("echo tuned")
            #expect(result.succeeded && result.stdout == "tuned\n", "\(result)\n\(fixture.gatewayLogTail)")
        }

        static var isX86_64: Bool {
            #if arch(x86_64)
            true
            #else
            false
            #endif
        }

        static func environment(of pid: Int32) throws -> [String: String] {
            let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
            var result: [String: String] = [:]
            for entry in data.split(separator: 0) {
                let text = String(decoding: entry, as: UTF8.self)
                guard let equals = text.firstIndex(of: "=") else { continue }
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            return result
        }
    }
}
