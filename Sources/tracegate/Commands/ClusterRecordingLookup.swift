import ArgumentParser
import Audit
import ClusterStore
import Foundation
import Policy

/// Finds a session's recording through the cluster's PostgreSQL, for `tracegate replay ID` on
/// a clustered node: the session may have run on any node, and its row there names the node
/// and the path that node wrote (under `cluster.recordings`, a directory every node mounts).
///
/// Unlike the node's own lookup, a recording that the cluster knows but this node cannot read
/// fails closed with one line naming the node and path: falling back to a file of the same
/// name elsewhere could play the wrong file.
enum ClusterRecordingLookup {
    /// The path to play; nil when the cluster has no recording under that id (the node's own
    /// trail and file names are tried next).
    static func path(forID id: String, cluster: ClusterSettings, stateDirectory: String, configPath: String) throws -> String? {
        let source = PostgresTrailSource(connection: try ClusterConnection.openMigrated(cluster, configPath: configPath))
        let locations = try auditing { () throws(AuditError) in try source.recordings(forID: id) }
        guard let location = locations.first else { return nil }
        guard locations.count == 1 else {
            printError("tracegate: \(id) has \(locations.count) recordings (\(locations.map(\.sessionID).joined(separator: ", "))); name one session")
            throw ExitCode(1)
        }
        // The same rule as `audit bundle`: another node's file is reachable only under the share.
        let reach = ClusterRecordingReach(localNode: cluster.node, localStateDirectory: stateDirectory,
                                          sharedRecordings: cluster.recordingsDirectory)
        guard let file = reach.file(path: location.path, node: location.node),
              FileManager.default.isReadableFile(atPath: file) else {
            printError("tracegate: the recording of session \(location.sessionID) was written by node \(location.node ?? "?") "
                + "at \(location.path), which this node cannot read (set cluster.recordings to a directory every node mounts)")
            throw ExitCode(1)
        }
        return file
    }
}
