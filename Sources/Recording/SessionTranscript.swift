/// The writer thread's half of a recording: turns queued items into asciicast lines.
protocol SessionTranscript {
    var writer: AsciicastWriter { get }
    mutating func process(_ item: RecordingItem)
    /// Ends the recording: closing markers, flush, fsync, close.
    mutating func finish(_ end: RecordingEnd, droppedBytes: Int) -> RecordingSummary
    /// Writes what the batch produced.
    mutating func flush()
}

/// Plain lines of terminal output for a search index, delivered on the writer thread.
package typealias TextLinesHandler = @Sendable ([String]) -> Void

extension AsciicastWriter {
    /// Closes the file and builds the summary the audit trail stores.
    mutating func summarize(truncated extraTruncation: Bool, droppedBytes: Int) -> RecordingSummary {
        let wasTruncated = truncated || extraTruncation
        let result = close()
        return RecordingSummary(path: path, size: result.size, sha256: result.sha256, truncated: wasTruncated,
                                droppedBytes: droppedBytes, writeError: result.failure?.description)
    }
}
