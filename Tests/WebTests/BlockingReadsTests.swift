import Foundation
import Testing
@testable import Web

struct BlockingReadsTests {
    @Test func aSlowReadIsAnsweredAtItsTimeAndTheNextOneStillRuns() async throws {
        let reads = BlockingReads(concurrency: 1, timeout: .milliseconds(200))
        let started = ContinuousClock.now
        await #expect(throws: BlockingReads.TimedOut.self) {
            try await reads.run { Thread.sleep(forTimeInterval: 1.0); return 1 }
        }
        #expect(ContinuousClock.now - started < .milliseconds(900))
        // The one slot is freed once the slow read ends; the next read then runs.
        let value = try await BlockingReads(concurrency: 1, timeout: .seconds(5)).run { 42 }
        #expect(value == 42)
    }
}
