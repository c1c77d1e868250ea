import Foundation
import Synchronization
import TapThreads
import Testing

@Suite("DrainThread: taps' queues drained in batches, a sleeping thread woken at once")
struct DrainThreadTests {
    /// Records when it was drained.
    final class Probe: Drainable {
        private let times = Mutex<[ContinuousClock.Instant]>([])
        var drains: [ContinuousClock.Instant] { times.withLock { $0 } }
        func drain() { times.withLock { $0.append(.now) } }

        func waitForDrains(_ count: Int, within limit: Duration) -> Bool {
            let deadline = ContinuousClock.now + limit
            while drains.count < count {
                guard ContinuousClock.now < deadline else { return false }
                Thread.sleep(forTimeInterval: 0.002)
            }
            return true
        }
    }

    @Test func everythingScheduledFromSeveralThreadsIsDrained() async {
        let thread = DrainThread(name: "test-drain-all")
        defer { thread.stop() }
        let probes = (0..<8).map { _ in Probe() }
        await withTaskGroup(of: Void.self) { group in
            for probe in probes {
                group.addTask {
                    for _ in 0..<50 {
                        thread.schedule(probe)
                        try? await Task.sleep(for: .microseconds(300))
                    }
                }
            }
        }
        for probe in probes {
            #expect(probe.waitForDrains(50, within: .seconds(10)), "each schedule gets its drain")
        }
    }

    /// Right after a round with work, a new schedule waits for the linger (no wake-up per
    /// chunk); once the thread has gone to sleep, a schedule is drained at once.
    @Test func aScheduleDuringTheLingerWaitsForItAndOneAfterItWakesTheThreadAtOnce() {
        let thread = DrainThread(name: "test-drain-linger", linger: .milliseconds(600))
        defer { thread.stop() }
        let probe = Probe()
        thread.schedule(probe)
        #expect(probe.waitForDrains(1, within: .seconds(2)))
        let scheduled = ContinuousClock.now
        thread.schedule(probe)
        #expect(probe.waitForDrains(2, within: .seconds(5)))
        #expect(probe.drains[1] - scheduled >= .milliseconds(300), "taken when the linger ends, not on a signal")
        // The linger after that round ends with nothing ready: the thread sleeps.
        Thread.sleep(forTimeInterval: 0.9)
        let woken = ContinuousClock.now
        thread.schedule(probe)
        #expect(probe.waitForDrains(3, within: .seconds(5)))
        #expect(probe.drains[2] - woken < .milliseconds(300), "a sleeping thread is signalled")
    }
}
