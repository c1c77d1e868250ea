/// Which node's recording files this node can copy, by the path on the session's row: any
/// node's under the shared `cluster.recordings` directory (each node writes under DIR/<node>/),
/// and its own anywhere. Another node's path outside the share names a file on that node's
/// disk; a file at the same path here would be a different one, so it is not reachable.
package struct ClusterRecordingReach: Sendable, Hashable {
    package var localNode: String
    /// Where this node's relative recording paths start (its state directory).
    package var localStateDirectory: String
    /// `cluster.recordings`, without a trailing slash; nil when not configured.
    package var sharedRecordings: String?

    package init(localNode: String, localStateDirectory: String, sharedRecordings: String?) {
        self.localNode = localNode
        self.localStateDirectory = localStateDirectory
        self.sharedRecordings = sharedRecordings.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    /// The file to read for the recording `node` wrote at `path`; nil when out of reach.
    package func file(path: String, node: String?) -> String? {
        if let sharedRecordings, let node, path.hasPrefix(sharedRecordings + "/" + node + "/"),
           !path.split(separator: "/").contains("..") {
            return path
        }
        guard node == localNode else { return nil }
        return path.hasPrefix("/") ? path : localStateDirectory + "/" + path
    }
}
