import Foundation

/// Phase 1 of the load benchmark: synthetic connections written through the real writer by
/// many threads at once, each writing its decision durably as the gateway does.
package enum WriteBenchmark {
    package struct Report: Sendable {
        package var events: Int
        package var connections: Int
        package var threads: Int
        package var seconds: Double
        package var statistics: WriterStatistics
        /// How long `recordDurably` blocked the connection thread.
        package var durableLatency: LatencySummary

        package var eventsPerSecond: Double { Double(events) / seconds }
    }

    /// Writes at least `eventCount` events from `threadCount` threads and returns when all are
    /// committed. `progress` receives the number of events handed to the writer so far.
    package static func run(
        store: AuditStore, eventCount: Int, threadCount: Int, workload: SyntheticWorkload, totalConnections: Int,
        progress: @escaping @Sendable (Int) -> Void
    ) -> Report {
        let writer = store.makeWriter()
        let dispenser = ConnectionDispenser(eventBudget: eventCount, workload: workload)
        let latencies = LatencyCollector()
        let done = DispatchGroup()
        let started = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<threadCount {
            done.enter()
            Thread {
                var samples: [Double] = []
                while let number = dispenser.next() {
                    let (events, durableIndex) = workload.events(
                        forConnection: number, at: workload.openingTime(number, of: totalConnections))
                    for (index, event) in events.enumerated() {
                        if index == durableIndex {
                            samples.append(measureMilliseconds { try? writer.recordDurably(event) })
                        } else {
                            writer.record(event)
                        }
                    }
                    progress(dispenser.issued(events.count))
                }
                latencies.add(samples)
                done.leave()
            }.start()
        }
        done.wait()
        writer.close()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000_000
        let statistics = writer.statistics
        return Report(
            events: statistics.committedEvents, connections: dispenser.connections, threads: threadCount,
            seconds: seconds, statistics: statistics, durableLatency: LatencySummary(milliseconds: latencies.all))
    }
}

/// Hands out connection numbers until their events cover the budget.
private final class ConnectionDispenser: @unchecked Sendable {
    private let lock = NSLock()
    private let budget: Int
    private let workload: SyntheticWorkload
    private var nextNumber = 0
    private var dispensedEvents = 0
    private var issuedEvents = 0

    init(eventBudget: Int, workload: SyntheticWorkload) {
        budget = eventBudget
        self.workload = workload
    }

    func next() -> Int? {
        lock.withLock {
            guard dispensedEvents < budget else { return nil }
            dispensedEvents += workload.eventCount(forConnection: nextNumber)
            defer { nextNumber += 1 }
            return nextNumber
        }
    }

    func issued(_ count: Int) -> Int { lock.withLock { issuedEvents += count; return issuedEvents } }

    var connections: Int { lock.withLock { nextNumber } }
}

private final class LatencyCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var samples: [Double] = []
    func add(_ more: [Double]) { lock.withLock { samples += more } }
    var all: [Double] { lock.withLock { samples } }
}
