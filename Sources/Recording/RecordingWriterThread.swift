import TapThreads

/// The one thread that writes recordings, shared by every session (see `DrainThread`: file
/// writes and fsync must neither stall a relay thread nor sit on Swift's cooperative pool).
package final class RecordingWriterThread: Sendable {
    /// The writer every gateway session uses.
    package static let shared = RecordingWriterThread(name: "tg-recorder")

    private let thread: DrainThread

    /// `simulatedWriteDelay` (seconds per drained batch) makes this writer behave like a
    /// slow disk, so tests can show that a lagging writer never blocks the relay.
    package init(name: String, simulatedWriteDelay: Double = 0) {
        thread = DrainThread(name: name, simulatedDelay: simulatedWriteDelay)
    }

    /// Lets the thread end once it has drained what is ready. For writers made by tests;
    /// the shared writer lives as long as the process.
    package func stop() {
        thread.stop()
    }

    func schedule(_ session: RecordingSession) {
        thread.schedule(session)
    }
}

extension RecordingSession: Drainable {}
