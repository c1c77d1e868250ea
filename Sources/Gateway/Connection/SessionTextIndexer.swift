import Audit
import Synchronization

/// Hands a session's text lines to the audit writer for `tracegate audit search`, up to a cap.
///
/// Why a cap: the index is for finding sessions, not for holding their full output (the
/// recording does that). A session streaming megabytes of logs or base64 would otherwise put
/// millions of unique tokens through the one audit writer, delaying everyone's decision events
/// and growing the database far beyond the recordings it indexes.
final class SessionTextIndexer: Sendable {
    /// Text indexed per session at most; lines after it are only in the recording.
    static let maximumBytesPerSession = 4 << 20
    /// A longer line is cut: one screen line of a dump need not be indexed whole.
    static let maximumLineLength = 2_048

    private let writer: AuditWriter
    private let sessionID: String
    private let connectionID: String
    private let indexedBytes = Mutex(0)

    init(writer: AuditWriter, sessionID: String, connectionID: String) {
        self.writer = writer
        self.sessionID = sessionID
        self.connectionID = connectionID
    }

    /// The command line of an exec session, indexed whole (it is what auditors look for first).
    func indexCommand(_ command: String) {
        writer.indexText(SessionTextLines(sessionID: sessionID, connectionID: connectionID, source: .command,
                                          lines: [command]))
    }

    /// Output lines, called on the recording writer thread as lines complete.
    func indexOutput(_ lines: [String]) {
        let accepted = indexedBytes.withLock { used -> [String] in
            var accepted: [String] = []
            for line in lines where !line.allSatisfy(\.isWhitespace) {
                guard used < Self.maximumBytesPerSession else { break }
                let cut = line.utf8.count > Self.maximumLineLength ? String(line.prefix(Self.maximumLineLength)) : line
                used += cut.utf8.count
                accepted.append(cut)
            }
            return accepted
        }
        guard !accepted.isEmpty else { return }
        writer.indexText(SessionTextLines(sessionID: sessionID, connectionID: connectionID, source: .output,
                                          lines: accepted))
    }
}

extension ConnectionJournal {
    /// An indexer writing through this journal's audit writer (the process's only one).
    func textIndexer(sessionID: String, connectionID: String) -> SessionTextIndexer {
        SessionTextIndexer(writer: audit, sessionID: sessionID, connectionID: connectionID)
    }
}
