import Glibc

/// Event times come from the monotonic clock, so a wall-clock step (NTP, an operator
/// fixing the date) cannot make a recording's timing jump or run backwards.
struct MonotonicClock: Sendable {
    private let start: UInt64

    init() {
        start = Self.nanoseconds()
    }

    /// Seconds since this clock was made.
    var elapsed: Double {
        Double(Self.nanoseconds() &- start) / 1_000_000_000
    }

    private static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
