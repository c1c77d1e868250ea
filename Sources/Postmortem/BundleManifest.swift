import Audit
import Foundation

/// `manifest.json`: what the bundle holds and the claims `tracegate audit bundle verify` checks.
/// Documented field by field in docs/postmortem-bundle.md.
package struct BundleManifest: Codable, Sendable, Hashable {
    package struct File: Codable, Sendable, Hashable {
        /// Relative to the bundle directory.
        package var path: String
        package var size: Int64
        package var sha256: String
    }

    package struct Head: Codable, Sendable, Hashable {
        package var id: Int64
        package var hash: String
    }

    package struct Exporter: Codable, Sendable, Hashable {
        package var user: String
        package var uid: Int
        /// The `audit.query` event that recorded the export (it is in events.jsonl).
        package var event: Int64?
        /// On a cluster: the node whose chain holds that event (absent on one node's bundle).
        package var node: String?
    }

    package struct Recording: Codable, Sendable, Hashable {
        package var session: String
        /// In the bundle, e.g. `recordings/c-…-s-….cast`; nil when the file was missing at export.
        package var path: String?
        /// The SHA-256 the session's close event states.
        package var sha256: String?
        /// Where the gateway kept it.
        package var source: String
        /// On a cluster: the node that recorded it (absent on one node's bundle).
        package var node: String?

        enum CodingKeys: String, CodingKey {
            case session, path, sha256, source, node
        }
    }

    package struct Counts: Codable, Sendable, Hashable {
        package var connections: Int
        package var sessions: Int
        package var events: Int
        package var links: Int64
        package var denials: Int
        package var approvals: Int
        package var breakGlass: Int
        package var fileTransfers: Int?

        enum CodingKeys: String, CodingKey {
            case connections, sessions, events, links, denials, approvals
            case breakGlass = "break_glass"
            case fileTransfers = "file_transfers"
        }
    }

    package var format = "tracegate.bundle.v1"
    package var bundleID: String
    /// RFC 3339, UTC.
    package var createdAt: String
    package var exportedBy: Exporter
    package var selection: BundleSelection
    /// The last event of the trail when the bundle was read: events.jsonl ends here. On a
    /// cluster, the exporting node's head (its chain holds the export's own event).
    package var auditHead: Head
    /// On a cluster: every node's head when the bundle was read; each node's lines of
    /// events.jsonl end at its head. Absent on one node's bundle, which older readers expect.
    package var heads: [String: Head]?
    package var counts: Counts
    package var recordings: [Recording]
    package var files: [File]

    enum CodingKeys: String, CodingKey {
        case format, selection, counts, recordings, files, heads
        case bundleID = "bundle_id"
        case createdAt = "created_at"
        case exportedBy = "exported_by"
        case auditHead = "audit_head"
    }

    package static let fileName = "manifest.json"
    package static let checksumsFileName = "SHA256SUMS"

    func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    var checksums: String {
        files.map { "\($0.sha256)  \($0.path)\n" }.joined()
    }
}
