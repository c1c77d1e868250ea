/// Where `tracegate audit connections|sessions|files|show|search` and `replay` read: the
/// node's own SQLite trail, or the cluster's PostgreSQL with every node's rows. The commands
/// hold one of these and never ask which engine is behind it; a cluster's rows carry `node`
/// first, since ids and recordings belong to one node.
package protocol AuditListingSource {
    /// The listing as this source prints it (with `node` first when it holds several nodes).
    func printed(_ listing: AuditListing) -> AuditListing

    /// Streams the rows of `listing` (connections, sessions, files or reviews) matching `filter` to
    /// `body`, newest first.
    func forEachRecord(in listing: AuditListing, matching filter: AuditFilter,
                       _ body: (AuditRecord) throws -> Void) throws(AuditError)

    /// Everything known about one connection, for `audit show`.
    func connectionDetail(id: String) throws(AuditError) -> ConnectionDetail

    /// The sessions whose indexed text contains `text`, newest first (`audit search`).
    func searchSessionText(_ text: String, matching filter: AuditFilter, contextLines: Int) throws(AuditError) -> [SessionTextHit]

    /// Where the recordings of session `id`, or of every recorded session of connection `id`, are.
    func recordings(forID id: String) throws(AuditError) -> [RecordingLocation]
}

/// A recording as a session row names it: the path the node wrote, and which node (nil on a
/// node's own trail).
package struct RecordingLocation: Sendable, Hashable {
    package var node: String?
    package var sessionID: String
    package var path: String

    package init(node: String?, sessionID: String, path: String) {
        self.node = node
        self.sessionID = sessionID
        self.path = path
    }
}

extension SQLiteTrailSource: AuditListingSource {
    package func printed(_ listing: AuditListing) -> AuditListing { listing }

    package func forEachRecord(in listing: AuditListing, matching filter: AuditFilter,
                               _ body: (AuditRecord) throws -> Void) throws(AuditError) {
        try store.forEachRecord(in: listing, matching: filter, body)
    }

    package func connectionDetail(id: String) throws(AuditError) -> ConnectionDetail {
        try store.connectionDetail(id: id)
    }

    package func searchSessionText(_ text: String, matching filter: AuditFilter, contextLines: Int) throws(AuditError) -> [SessionTextHit] {
        try store.searchSessionText(text, matching: filter, contextLines: contextLines)
    }

    package func recordings(forID id: String) throws(AuditError) -> [RecordingLocation] {
        try store.recordingSessions(forID: id).map { RecordingLocation(node: nil, sessionID: $0.sessionID, path: $0.path) }
    }
}
