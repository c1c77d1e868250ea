/// One recording as the writer thread sees it: the queue the relay fills, and the
/// transcript that turns it into a file.
///
/// `@unchecked Sendable`: `transcript` is created before the session is first scheduled
/// and from then on touched only by its writer thread (the writer's lock orders the
/// hand-off); everything the relay touches is in `queue`, which locks.
final class RecordingSession: @unchecked Sendable {
    let queue: RecordingQueue
    private var transcript: any SessionTranscript
    private var ended = false
    private let onStop: RecordingStopHandler?
    private var stopReported = false

    init(queue: RecordingQueue, transcript: any SessionTranscript, onStop: RecordingStopHandler?) {
        self.queue = queue
        self.transcript = transcript
        self.onStop = onStop
    }

    /// Writer thread: writes everything queued so far.
    func drain() {
        guard !ended else { return }
        let (items, bytes) = queue.take()
        var end: RecordingEnd?
        for item in items {
            if case .finish(let finish) = item {
                end = finish
                continue
            }
            transcript.process(item)
        }
        if let end {
            ended = true
            reportStop()
            let summary = transcript.finish(end, droppedBytes: queue.statistics.droppedBytes)
            if let failure = summary.writeError { report(.writeFailed(failure)) }
            queue.written(bytes, stopped: true, truncated: summary.truncated)
            end.waiter?.resolve(summary)
            return
        }
        transcript.flush()
        let writer = transcript.writer
        reportStop()
        queue.written(bytes, stopped: writer.isStopped, truncated: writer.truncated)
    }

    /// Tells the gateway the first time the file stops growing for a reason other than the
    /// session's end.
    private func reportStop() {
        let writer = transcript.writer
        if let failure = writer.failure {
            report(.writeFailed(failure.description))
        } else if writer.truncated {
            report(.sizeCap(bytes: writer.truncatedAtSize ?? writer.size))
        }
    }

    private func report(_ stop: RecordingStop) {
        guard !stopReported else { return }
        stopReported = true
        onStop?(stop)
    }
}
