import Glibc

/// Records one SSH session channel: the gateway's relay hands it the bytes it forwards,
/// and a shared writer thread turns them into an asciicast v2 file.
///
/// The relay-facing calls only read the clock and copy bytes into a bounded queue, so they
/// never wait on a disk. Call `input` and `output` from the thread that relays the channel,
/// in the order the bytes crossed the gateway (typed bytes before the echo they cause),
/// because input is recorded only when the output that follows echoes it.
package final class SessionRecorder: Sendable {
    /// `DIR/<connection-id>-<session-id>.cast`.
    package let path: String
    private let session: RecordingSession
    private let writerThread: RecordingWriterThread
    private let clock = MonotonicClock()
    private let isTerminal: Bool

    private init(path: String, session: RecordingSession, writerThread: RecordingWriterThread, isTerminal: Bool) {
        self.path = path
        self.session = session
        self.writerThread = writerThread
        self.isTerminal = isTerminal
    }

    /// Starts recording a pty session. Creates the file and writes its header before
    /// returning, so a session whose recording cannot be written fails before it starts.
    package static func startTerminal(
        directory: String, connectionID: String, sessionID: String, width: Int, height: Int, term: String,
        title: String, limits: RecordingLimits = RecordingLimits(), onTextLines: TextLinesHandler? = nil,
        onStop: RecordingStopHandler? = nil, writerThread: RecordingWriterThread = .shared
    ) throws(RecordingError) -> SessionRecorder {
        let path = try RecordingLocator.preparePath(directory: directory, connectionID: connectionID, sessionID: sessionID)
        let header = AsciicastHeader(width: max(1, width), height: max(1, height), timestamp: time(nil),
                                     term: term.isEmpty ? nil : term, title: title)
        let writer = try AsciicastWriter(path: path, header: header, maximumBytes: limits.maxSessionBytes)
        let queue = RecordingQueue(maxPendingBytes: limits.maxPendingBytes, captureLimit: nil)
        let session = RecordingSession(queue: queue, transcript: TerminalCapture(writer: writer, onTextLines: onTextLines),
                                       onStop: onStop)
        return SessionRecorder(path: path, session: session, writerThread: writerThread, isTerminal: true)
    }

    /// Starts capturing the output of an exec session (no pty) up to
    /// `limits.maxExecCaptureBytes`; the header names the command.
    package static func startExecCapture(
        directory: String, connectionID: String, sessionID: String, command: String, title: String,
        limits: RecordingLimits = RecordingLimits(), onTextLines: TextLinesHandler? = nil,
        onStop: RecordingStopHandler? = nil, writerThread: RecordingWriterThread = .shared
    ) throws(RecordingError) -> SessionRecorder {
        let path = try RecordingLocator.preparePath(directory: directory, connectionID: connectionID, sessionID: sessionID)
        let header = AsciicastHeader(width: 80, height: 24, timestamp: time(nil), title: title, command: command)
        let writer = try AsciicastWriter(path: path, header: header, maximumBytes: limits.maxSessionBytes)
        let queue = RecordingQueue(maxPendingBytes: limits.maxPendingBytes,
                                   captureLimit: max(0, limits.maxExecCaptureBytes))
        let session = RecordingSession(queue: queue, transcript: ExecCapture(writer: writer, onTextLines: onTextLines),
                                       onStop: onStop)
        return SessionRecorder(path: path, session: session, writerThread: writerThread, isTerminal: false)
    }

    deinit {
        // A recorder dropped without `finish` still closes its file; nobody waits for it.
        let end = session.queue.enqueueFinish(RecordingEnd(time: clock.elapsed, exitStatus: nil))
        if end.wake { writerThread.schedule(session) }
    }

    /// Bytes from the target to the engineer: stdout and stderr.
    package func output(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        if session.queue.enqueueOutput(bytes, at: clock.elapsed) { writerThread.schedule(session) }
    }

    /// Bytes from the engineer to the target. Held until the terminal echoes them; never
    /// recorded for exec sessions.
    package func input(_ bytes: UnsafeRawBufferPointer) {
        guard isTerminal, !bytes.isEmpty else { return }
        if session.queue.enqueueInput(bytes, at: clock.elapsed) { writerThread.schedule(session) }
    }

    /// The engineer's terminal changed size.
    package func resize(columns: Int, rows: Int) {
        guard isTerminal, columns > 0, rows > 0 else { return }
        if session.queue.enqueueResize(columns: columns, rows: rows, at: clock.elapsed) {
            writerThread.schedule(session)
        }
    }

    /// Ends the recording and blocks until its file is flushed, fsynced and closed. Returns
    /// nil when the recording was already finished.
    package func finish(exitStatus: Int?) -> RecordingSummary? {
        let waiter = FinishWaiter()
        let end = session.queue.enqueueFinish(RecordingEnd(time: clock.elapsed, exitStatus: exitStatus, waiter: waiter))
        guard end.accepted else { return nil }
        if end.wake { writerThread.schedule(session) }
        return waiter.wait()
    }

    /// Like `finish(exitStatus:)`, but a session's thread never waits more than `timeout`
    /// for the disk: a hung filesystem must not hold a relay thread (and its engineer's
    /// connection) forever. The writer still closes the file when it can.
    package func finish(exitStatus: Int?, waitingAtMost timeout: Duration) -> RecordingFinish {
        let waiter = FinishWaiter()
        let end = session.queue.enqueueFinish(RecordingEnd(time: clock.elapsed, exitStatus: exitStatus, waiter: waiter))
        guard end.accepted else { return .alreadyFinished }
        if end.wake { writerThread.schedule(session) }
        guard let summary = waiter.wait(atMost: timeout) else { return .timedOut }
        return .closed(summary)
    }

    /// True once the session cap stopped the recording; the gateway writes an audit event.
    package var isTruncated: Bool { session.queue.isTruncated }

    package var statistics: RecordingStatistics { session.queue.statistics }
}
