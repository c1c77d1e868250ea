/// How ending a recording went, for a caller that cannot wait on the disk forever.
package enum RecordingFinish: Sendable, Equatable {
    /// Flushed, fsynced and closed; the summary carries its size and SHA-256.
    case closed(RecordingSummary)
    /// The recording had already been ended.
    case alreadyFinished
    /// The writer thread did not close the file in time; it will when the disk lets it.
    case timedOut
}
