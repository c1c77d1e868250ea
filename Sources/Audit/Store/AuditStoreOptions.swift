/// Tuning of the store. The defaults are what `serve` and the CLI use; tests shorten the
/// waits so that failure paths run in milliseconds.
package struct AuditStoreOptions: Sendable, Hashable {
    /// How long a write waits for another process's lock (e.g. a `tracegate audit` command
    /// recording its query) before failing with `AuditError.locked`. It bounds how long a
    /// connection thread can block in `recordDurably`; the accept path never waits on it.
    package var busyTimeoutSeconds: Double

    /// The most events committed in one transaction. Bigger batches amortise the fsync; this
    /// cap bounds how long one commit holds the lock and how much a failed one must retry.
    package var maximumBatchSize: Int

    /// After a failed commit, the writer waits this long before retrying events nobody is
    /// waiting for, doubling up to `maximumRetryDelaySeconds`. A durable write retries at once.
    package var initialRetryDelaySeconds: Double
    package var maximumRetryDelaySeconds: Double

    /// How long `AuditWriter.close()` keeps retrying to drain pending events into a failing store.
    package var closeTimeoutSeconds: Double

    /// How often a writer's background checkpoint copies the WAL into the database file.
    package var checkpointIntervalSeconds: Double

    /// Frames (pages) in the log past which the writer's own checkpoint completes it, so that
    /// the next commit starts it over (`AuditStore.setAutomaticCheckpoint`). The default,
    /// 16,384 pages, is 64 MiB: the size the log is truncated back to.
    package var checkpointRestartFrames: Int

    package init(
        busyTimeoutSeconds: Double = 5,
        maximumBatchSize: Int = 2_048,
        initialRetryDelaySeconds: Double = 0.1,
        maximumRetryDelaySeconds: Double = 2,
        closeTimeoutSeconds: Double = 10,
        checkpointIntervalSeconds: Double = 0.5,
        checkpointRestartFrames: Int = 16_384
    ) {
        self.busyTimeoutSeconds = busyTimeoutSeconds
        self.maximumBatchSize = maximumBatchSize
        self.initialRetryDelaySeconds = initialRetryDelaySeconds
        self.maximumRetryDelaySeconds = maximumRetryDelaySeconds
        self.closeTimeoutSeconds = closeTimeoutSeconds
        self.checkpointIntervalSeconds = checkpointIntervalSeconds
        self.checkpointRestartFrames = checkpointRestartFrames
    }
}
