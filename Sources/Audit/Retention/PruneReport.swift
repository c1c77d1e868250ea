/// What one prune did.
package struct PruneReport: Sendable, Hashable, CustomStringConvertible {
    package var cutoff: String
    package var removedEvents: Int64 = 0
    package var removedConnections = 0
    package var removedSessions = 0
    package var removedRecordings = 0
    /// Recording files that could not be deleted (their rows are gone; the files remain).
    package var recordingErrors: [String] = []
    /// The chain's new starting point; nil when nothing was old enough.
    package var anchor: ChainHead?

    package var description: String {
        guard let anchor else { return "OK nothing older than \(cutoff)" }
        var text = "OK pruned \(removedEvents) events older than \(cutoff) (\(removedConnections) connections, "
            + "\(removedSessions) sessions, \(removedRecordings) recordings); the chain now starts after event "
            + "\(anchor.id), hash \(anchor.hash)"
        if !recordingErrors.isEmpty { text += "; \(recordingErrors.count) recordings could not be deleted" }
        return text
    }
}
