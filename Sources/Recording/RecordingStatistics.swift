/// How hard the recorder had to work to keep up; for tests and metrics.
package struct RecordingStatistics: Sendable, Equatable {
    /// The most bytes ever queued or being written at once.
    package var pendingHighWaterBytes: Int
    package var droppedBytes: Int
}
