import Gateway
import Testing

@Suite("ConnectionCheckSchedule: periodic checks of a busy connection")
struct ConnectionCheckScheduleTests {
    private let start = ContinuousClock.now

    private func at(_ milliseconds: Int64) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    /// Asks `schedule` at each time in turn; returns which trips ran the checks.
    private func dueTrips(_ schedule: inout ConnectionCheckSchedule, at times: [Int64]) -> [Int64] {
        times.filter { schedule.isDue(at: at($0)) }
    }

    @Test func firstTripChecksThenAtMostOncePerInterval() {
        var schedule = ConnectionCheckSchedule(start: start)
        let due = dueTrips(&schedule, at: [0, 1, 19, 20, 39, 45, 64, 65])
        #expect(due == [0, 20, 45, 65])
    }

    @Test func checksThatRanDoNotShortenTheWait() {
        // An idle connection must go on sleeping as long as its deadlines allow.
        var schedule = ConnectionCheckSchedule(start: start)
        #expect(dueTrips(&schedule, at: [0]) == [0])
        #expect(schedule.pollLimit(at: at(0)) == nil)
        #expect(schedule.pollLimit(at: at(500)) == nil)
    }

    @Test func skippedChecksBoundTheNextPoll() {
        var schedule = ConnectionCheckSchedule(start: start)
        #expect(dueTrips(&schedule, at: [0, 5]) == [0])
        // Due at 20 ms: the poll wakes by then (rounded up to whole milliseconds).
        let limit = schedule.pollLimit(at: at(5))
        #expect(limit.map { $0 >= 15 && $0 <= 16 } == true, "\(String(describing: limit))")
        #expect(schedule.pollLimit(at: at(25)) == 0)
        #expect(dueTrips(&schedule, at: [25]) == [25])
        #expect(schedule.pollLimit(at: at(25)) == nil)
    }

    @Test func intervalIsShortAgainstEveryPromisedLatency() {
        // Deadlines are polled at a 50 ms granularity and a reload must be seen within 2 s.
        #expect(ConnectionCheckSchedule.interval < .milliseconds(50))
    }
}
