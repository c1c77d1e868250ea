import Foundation

/// A non-blocking pipe that wakes the feed's `poll` from another thread (a write to push, a
/// stop). Closed only when the last reference goes, so a late signal never writes into a
/// reused descriptor number.
final class FeedWakeup: Sendable {
    let descriptor: Int32
    private let writeEnd: Int32

    init() throws(PostgresError) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw .connectionFailed("cannot make a pipe for the shared-state feed: errno \(errno)")
        }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        descriptor = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(descriptor)
        close(writeEnd)
    }

    /// A full pipe already wakes the reader: a failed write loses nothing.
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Empties the pipe after a wake-up, so that the next poll waits again.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(descriptor, &buffer, buffer.count) > 0 {}
    }

    /// Waits until `other` (a PostgreSQL socket, or -1 for none) is readable, this pipe is
    /// signalled, or `timeout` passes. Returns whether `other` is readable.
    func wait(alongside other: Int32, timeout: Duration) -> Bool {
        let milliseconds = Int32(clamping: max(0, timeout.components.seconds * 1000
                                                 + timeout.components.attoseconds / 1_000_000_000_000_000))
        var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
        if other >= 0 { descriptors.append(pollfd(fd: other, events: Int16(POLLIN), revents: 0)) }
        let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
        guard ready > 0 else { return false }
        if descriptors[0].revents != 0 { drain() }
        return descriptors.count > 1 && descriptors[1].revents != 0
    }
}
