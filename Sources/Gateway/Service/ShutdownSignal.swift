import Foundation
import Synchronization

/// A process-wide "stop now" that threads blocked in libssh's poll can see: a pipe whose
/// read end every connection's event loop watches. Writing one byte wakes them all, and
/// the byte is never consumed, so the pipe stays readable for late arrivals too.
package final class ShutdownSignal: Sendable {
    private let readEnd: Int32
    private let writeEnd: Int32
    private let requested = Atomic<Bool>(false)
    /// When running sessions are closed: set once, by the first request, so that every
    /// connection tells its engineers the same time and closes them at the same moment.
    private let drainEnd = Mutex<ContinuousClock.Instant?>(nil)

    package init() {
        var ends: [Int32] = [0, 0]
        precondition(pipe(&ends) == 0, "cannot create the shutdown pipe")
        readEnd = ends[0]
        writeEnd = ends[1]
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
    }

    var descriptor: Int32 { readEnd }
    package var isRequested: Bool { requested.load(ordering: .acquiring) }

    /// The moment running sessions are closed; nil until a stop is requested.
    var drainDeadline: ContinuousClock.Instant? { drainEnd.withLock { $0 } }

    /// Asks every connection to stop. Sessions may go on for `drainTimeout` (zero: end
    /// them now). A second request (an operator pressing Ctrl-C again) ends the drain at once.
    package func request(drainTimeout: Duration = .zero) {
        drainEnd.withLock { $0 = $0 == nil ? .now + drainTimeout : min($0!, .now) }
        guard !requested.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }
}
