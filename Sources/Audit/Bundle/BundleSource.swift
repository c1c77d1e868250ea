/// What `tracegate audit bundle` reads from a trail: the selection's rows and events, with the
/// links that join them to the head, and where a recording is. The node's own SQLite trail and
/// the cluster's PostgreSQL (every node's chain) both answer it, so that the bundle writer
/// never knows which engine is behind it (docs/postmortem-bundle.md, "On a cluster").
package protocol BundleSource {
    /// Reads the selection in a consistent view and streams `events.jsonl`'s lines to `emit`,
    /// each with its node (nil on a node's own trail, whose chain is the only one), each node's
    /// chain from its first selected event to its head, in id order. `exportMarker` is a text
    /// only the export's own `audit.query` event carries: that event joins the selection.
    func bundleExtract(
        _ selection: BundleSelection, exportMarker: String?, progress: ((Int64, Int64) -> Void)?,
        emit: (_ node: String?, _ line: ChainProofLine) throws -> Void
    ) throws(AuditError) -> BundleExtract

    /// The file to copy for a recording that a session of `node` names by `path`; nil when
    /// this reader cannot reach that node's files (the bundle then lists it as missing).
    func recordingFile(path: String, node: String?) -> String?
}

/// The node's own trail: one chain, recordings relative to the state directory.
package struct SQLiteBundleSource: BundleSource {
    package var store: AuditStore
    package var stateDirectory: String

    package init(store: AuditStore, stateDirectory: String) {
        self.store = store
        self.stateDirectory = stateDirectory
    }

    package func bundleExtract(
        _ selection: BundleSelection, exportMarker: String?, progress: ((Int64, Int64) -> Void)?,
        emit: (_ node: String?, _ line: ChainProofLine) throws -> Void
    ) throws(AuditError) -> BundleExtract {
        try store.bundleExtract(selection, exportMarker: exportMarker, progress: progress) { line in try emit(nil, line) }
    }

    package func recordingFile(path: String, node: String?) -> String? {
        path.hasPrefix("/") ? path : stateDirectory + "/" + path
    }
}
