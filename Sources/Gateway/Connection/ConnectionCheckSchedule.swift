import Foundation

/// When the connection loop runs its periodic checks (grant deadlines, drain deadline,
/// recording failures, policy reload) while sessions are authorized.
///
/// During a bulk transfer the loop turns once per 4 KiB that libssh reads from a socket
/// (libssh 0.10.6 and 0.12.2 read that much per POLLIN), hundreds of thousands of times per GiB.
/// The checks take two locks, read the wall clock and copy the phase's payload; running
/// them on every such trip cost a measurable share of the gateway's CPU per relayed byte
/// while none of them can have changed in microseconds. They run at most every
/// `interval` instead, and the poll never sleeps past the moment they are next due, so a
/// reload, a failed recording or a passed deadline is still seen within `interval` of the
/// loop's former timing (deadlines are already rounded to at least 50 ms by the poll).
package struct ConnectionCheckSchedule {
    /// Short against every latency the checks promise (2 s for a reload, 50 ms deadline
    /// granularity); long against a loop trip (a few microseconds).
    package static let interval: Duration = .milliseconds(20)

    private var nextDue: ContinuousClock.Instant
    /// A trip passed over the checks since they last ran: the poll must not sleep past
    /// `nextDue`. Once they have run, the poll sleeps as long as the deadlines allow.
    private var skipped = false

    /// The first trip at or after `start` runs the checks.
    package init(start: ContinuousClock.Instant = .now) {
        nextDue = start
    }

    /// Whether the checks should run now; if so, the next run is scheduled.
    package mutating func isDue(at now: ContinuousClock.Instant) -> Bool {
        guard now >= nextDue else {
            skipped = true
            return false
        }
        nextDue = now + Self.interval
        skipped = false
        return true
    }

    /// The longest the poll may sleep so that skipped checks run on time, in
    /// milliseconds; nil when no check waits.
    package func pollLimit(at now: ContinuousClock.Instant) -> Int32? {
        guard skipped else { return nil }
        guard nextDue > now else { return 0 }
        let remaining = (nextDue - now).components
        let milliseconds = remaining.seconds * 1000 + remaining.attoseconds / 1_000_000_000_000_000
        return Int32(clamping: milliseconds + 1)
    }
}
