import Dispatch
import Foundation
import Testing
@testable import Web

struct BlockingReadsTests {
    /// A read that outlasts its timeout is answered as timed out while it is still running, and
    /// its slot is freed once it ends. The read is held by a semaphore rather than a sleep, so
    /// the check needs no clock bound (a loaded machine delays the answer, not the order).
    @Test func aSlowReadIsAnsweredAtItsTimeAndTheNextOneStillRuns() async throws {
        let reads = BlockingReads(concurrency: 1, timeout: .milliseconds(200))
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        await #expect(throws: BlockingReads.TimedOut.self) {
            try await reads.run {
                release.wait()
                finished.signal()
                return 1
            }
        }
        // The timeout was answered while the read still held its slot.
        #expect(finished.wait(timeout: .now()) == .timedOut)
        release.signal()
        finished.wait()
        // A read that ends in time is answered with its value.
        let value = try await BlockingReads(concurrency: 1, timeout: .seconds(60)).run { 42 }
        #expect(value == 42)
    }
}
