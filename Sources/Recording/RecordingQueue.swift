import Glibc
import Synchronization

/// The bounded hand-off between one session's relay thread and the writer thread.
///
/// The relay only copies bytes in here under a short lock. Bytes count against
/// `maxPendingBytes` from the moment they are queued until the writer has written them;
/// above that bound new data is dropped and counted, and the next item that fits is
/// preceded by a gap marker, so a slow disk costs recording fidelity, never typing latency.
final class RecordingQueue: Sendable {
    private struct State {
        var items: [RecordingItem] = []
        /// Queued or being written.
        var pendingBytes = 0
        var highWaterBytes = 0
        /// Dropped since the last gap marker.
        var droppedSinceGap = 0
        var droppedTotal = 0
        /// The writer thread has this session in its ready list or is draining it.
        var scheduled = false
        /// Cleared when the recording stops (cap, write failure, finish): the relay then
        /// skips even the copy.
        var accepting = true
        var truncated = false
        /// Why the file could not be written (disk full): the gateway ends the session.
        var writeFailure: String?
        var finished = false
        /// Exec capture only: output seen and output kept, against `captureLimit`.
        var seenBytes = 0
        var capturedBytes = 0
        var captureCapMarked = false
    }

    private let state = Mutex(State())
    private let maxPendingBytes: Int
    /// Non-nil for exec capture: the relay keeps only this many bytes of output.
    private let captureLimit: Int?

    init(maxPendingBytes: Int, captureLimit: Int?) {
        self.maxPendingBytes = maxPendingBytes
        self.captureLimit = captureLimit
    }

    var isTruncated: Bool { state.withLock { $0.truncated } }
    var writeFailure: String? { state.withLock { $0.writeFailure } }

    /// Writer thread: the file can no longer be written. Nothing more is queued.
    func failed(_ reason: String) {
        state.withLock { state in
            if state.writeFailure == nil { state.writeFailure = reason }
        }
    }
    var statistics: RecordingStatistics {
        state.withLock { RecordingStatistics(pendingHighWaterBytes: $0.highWaterBytes, droppedBytes: $0.droppedTotal) }
    }

    /// Queues a copy of `bytes`; returns true when the writer thread must be woken.
    func enqueueOutput(_ bytes: UnsafeRawBufferPointer, at time: Double) -> Bool {
        state.withLock { state in
            guard let captureLimit else {
                return append(bytes, input: false, at: time, to: &state).wake
            }
            guard state.accepting else { return false }
            state.seenBytes += bytes.count
            var wake = false
            let room = captureLimit - state.capturedBytes
            if room > 0 {
                let kept = UnsafeRawBufferPointer(rebasing: bytes[..<min(room, bytes.count)])
                let result = append(kept, input: false, at: time, to: &state)
                if result.queued { state.capturedBytes += kept.count }
                wake = result.wake
            }
            if state.capturedBytes == captureLimit && state.seenBytes > captureLimit && !state.captureCapMarked {
                state.captureCapMarked = true
                state.items.append(.marker(time: time, text: RecordingMarker.execCaptureCapped(atBytes: captureLimit)))
                wake = schedule(&state) || wake
            }
            return wake
        }
    }

    func enqueueInput(_ bytes: UnsafeRawBufferPointer, at time: Double) -> Bool {
        state.withLock { queued in append(bytes, input: true, at: time, to: &queued).wake }
    }

    /// A flood of window changes while the disk stalls must not grow memory, so a resize
    /// replaces one still waiting at the end of the queue: only the latest size matters.
    func enqueueResize(columns: Int, rows: Int, at time: Double) -> Bool {
        state.withLock { state in
            guard state.accepting else { return false }
            if case .resize = state.items.last {
                state.items[state.items.count - 1] = .resize(time: time, columns: columns, rows: rows)
                return false
            }
            state.items.append(.resize(time: time, columns: columns, rows: rows))
            return schedule(&state)
        }
    }

    /// Queues the end of the session, regardless of the bound; false if it was already
    /// ended. `wake` says whether the writer must be woken.
    func enqueueFinish(_ end: RecordingEnd) -> (accepted: Bool, wake: Bool) {
        state.withLock { state in
            guard !state.finished else { return (false, false) }
            state.finished = true
            state.accepting = false
            flushGap(at: end.time, into: &state)
            var end = end
            if captureLimit != nil { end.execOutput = (state.seenBytes, state.capturedBytes) }
            state.items.append(.finish(end))
            return (true, schedule(&state))
        }
    }

    /// Writer thread: takes everything queued. The bytes stay counted until `written`.
    func take() -> (items: [RecordingItem], bytes: Int) {
        state.withLock { state in
            let items = state.items
            state.items.removeAll()
            state.scheduled = false
            var bytes = 0
            for item in items {
                switch item {
                case .output(_, let data), .input(_, let data): bytes += data.count
                default: break
                }
            }
            return (items, bytes)
        }
    }

    /// Writer thread: `bytes` taken earlier are on their way to disk; `stopped` when the
    /// recording will accept nothing more.
    func written(_ bytes: Int, stopped: Bool, truncated: Bool) {
        state.withLock { state in
            state.pendingBytes -= bytes
            if stopped {
                state.accepting = false
                state.items.removeAll { item in
                    if case .finish = item { return false }
                    return true
                }
                state.pendingBytes = 0
            }
            if truncated { state.truncated = true }
        }
    }

    private func append(_ bytes: UnsafeRawBufferPointer, input: Bool, at time: Double,
                        to state: inout State) -> (queued: Bool, wake: Bool) {
        guard state.accepting, bytes.count > 0 else { return (false, false) }
        guard state.pendingBytes + bytes.count <= maxPendingBytes else {
            state.droppedSinceGap += bytes.count
            state.droppedTotal += bytes.count
            return (false, false)
        }
        flushGap(at: time, into: &state)
        // Initialised by memcpy: the relay's hot path must not pay per byte, in debug
        // builds included.
        let copy = [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
            memcpy(buffer.baseAddress!, bytes.baseAddress!, bytes.count)
            count = bytes.count
        }
        state.items.append(input ? .input(time: time, bytes: copy) : .output(time: time, bytes: copy))
        state.pendingBytes += bytes.count
        state.highWaterBytes = max(state.highWaterBytes, state.pendingBytes)
        return (true, schedule(&state))
    }

    private func flushGap(at time: Double, into state: inout State) {
        guard state.droppedSinceGap > 0 else { return }
        state.items.append(.gap(time: time, droppedBytes: state.droppedSinceGap))
        state.droppedSinceGap = 0
    }

    /// True the first time something is queued since the writer last took the queue.
    private func schedule(_ state: inout State) -> Bool {
        guard !state.scheduled else { return false }
        state.scheduled = true
        return true
    }
}
