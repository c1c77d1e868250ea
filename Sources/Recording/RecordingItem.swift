/// What the relay hands to the writer thread, in the order it happened. Times are
/// seconds since the recording started, read on the relay thread.
enum RecordingItem: Sendable {
    case output(time: Double, bytes: [UInt8])
    case input(time: Double, bytes: [UInt8])
    case resize(time: Double, columns: Int, rows: Int)
    case marker(time: Double, text: String)
    /// Data the queue dropped because the writer fell behind.
    case gap(time: Double, droppedBytes: Int)
    case finish(RecordingEnd)
}

/// The last item of a session.
struct RecordingEnd: Sendable {
    var time: Double
    var exitStatus: Int?
    /// Exec sessions: bytes of output the session produced, and how many were kept.
    var execOutput: (seen: Int, captured: Int)?
    /// Set when someone waits for the file to be on disk.
    var waiter: FinishWaiter?
}
