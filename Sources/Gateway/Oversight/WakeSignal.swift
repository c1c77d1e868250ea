import Foundation

/// A non-blocking pipe another thread writes a byte to, to wake a connection's poll (see
/// `EventPoller.addSignalDescriptor`, which drains it). Closed only when the last reference
/// goes, so a late signal can never write into a reused descriptor number.
final class WakeSignal: Sendable {
    let descriptor: Int32
    private let writeEnd: Int32

    init?() {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
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
}
