import Foundation

/// Reads one pipe on a dedicated thread until EOF, so a chatty child never blocks on a full
/// pipe while the test waits for it to exit. Polls instead of blocking in read(2) so that it
/// can give up when a daemonising grandchild keeps the write end open forever.
final class PipeDrain: Sendable {
    private let descriptor: Int32
    private let buffer = LockedValue(Data())
    private let stopRequested = LockedValue(false)
    private let finished = LockedValue(false)

    /// Takes ownership of `descriptor` and closes it when done.
    init(_ descriptor: Int32, name: String) {
        self.descriptor = descriptor
        let thread = Thread { [self] in self.drain() }
        thread.name = name
        thread.start()
    }

    /// Everything read so far.
    var data: Data { buffer.current }

    /// Waits for EOF for at most `grace`, then stops reading and returns what arrived.
    func finish(grace: Duration) async -> Data {
        let deadline = ContinuousClock.now + grace
        while !finished.current && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        stopRequested.withLock { $0 = true }
        while !finished.current {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return buffer.current
    }

    /// The same as `finish`, for teardown paths that cannot await.
    func finishBlocking(grace: Duration) -> Data {
        let deadline = ContinuousClock.now + grace
        while !finished.current && ContinuousClock.now < deadline {
            usleep(5_000)
        }
        stopRequested.withLock { $0 = true }
        while !finished.current {
            usleep(5_000)
        }
        return buffer.current
    }

    private func drain() {
        let chunkSize = 64 * 1024
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 1)
        defer {
            chunk.deallocate()
            close(descriptor)
            finished.withLock { $0 = true }
        }
        while true {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if ready == 0 {
                if stopRequested.current { return }
                continue
            }
            let count = read(descriptor, chunk, chunkSize)
            if count > 0 {
                let bytes = Data(bytes: chunk, count: count)
                buffer.withLock { $0.append(bytes) }
            } else if count == 0 {
                return
            } else if errno != EINTR && errno != EAGAIN {
                return
            }
        }
    }
}
