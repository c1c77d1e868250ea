/// The bounds that keep recording from filling a disk or stalling a relay.
///
/// Recordings that grow without bound are the most common complaint about bastions
/// (a single never-ending session filling 1.5 TB, jumpserver#9605), so every byte a
/// recorder keeps is counted against one of these.
package struct RecordingLimits: Sendable, Equatable {
    /// A terminal recording stops growing at this size (file bytes), with a marker; the
    /// session itself goes on.
    package var maxSessionBytes: Int

    /// An exec session keeps this many bytes of its stdout and stderr; the rest is only
    /// counted, and the count is written in a closing marker.
    package var maxExecCaptureBytes: Int

    /// Bytes handed over by the relay but not yet written. Above this the recorder drops
    /// data and says so with a gap marker, because blocking the relay on a slow disk would
    /// stall the engineer's typing.
    package var maxPendingBytes: Int

    package init(maxSessionBytes: Int = 100 << 20, maxExecCaptureBytes: Int = 1 << 20, maxPendingBytes: Int = 8 << 20) {
        self.maxSessionBytes = maxSessionBytes
        self.maxExecCaptureBytes = maxExecCaptureBytes
        self.maxPendingBytes = maxPendingBytes
    }
}
