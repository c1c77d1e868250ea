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

    init(queue: RecordingQueue, transcript: any SessionTranscript) {
        self.queue = queue
        self.transcript = transcript
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
            let summary = transcript.finish(end, droppedBytes: queue.statistics.droppedBytes)
            queue.written(bytes, stopped: true, truncated: summary.truncated)
            end.waiter?.resolve(summary)
            return
        }
        transcript.flush()
        let writer = transcript.writer
        if let failure = writer.failure {
            // The system's reason only ("No space left on device"): the path is the gateway's business.
            if case .cannotWrite(_, let reason) = failure { queue.failed(reason) } else { queue.failed(failure.description) }
        }
        queue.written(bytes, stopped: writer.isStopped, truncated: writer.truncated)
    }
}
