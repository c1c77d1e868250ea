import Foundation

/// What a backup holds, written beside it as `manifest.json`, and as `SHA256SUMS` so that
/// `sha256sum -c SHA256SUMS` checks the copy with nothing but coreutils.
package struct BackupManifest: Codable, Sendable, Hashable {
    package struct File: Codable, Sendable, Hashable {
        /// Relative to the backup directory.
        package var path: String
        package var size: Int64
        package var sha256: String
        /// For a recording: the path its session row names, where a restore puts it back.
        package var restorePath: String?

        enum CodingKeys: String, CodingKey {
            case path, size, sha256
            case restorePath = "restore_path"
        }
    }

    package var format = 1
    /// RFC 3339, UTC.
    package var createdAt: String
    /// The chain head of the copied database: the last event it holds, so the copy can be
    /// matched with the gateway's logged heads and with `tracegate audit verify --expect`.
    package var auditHead: String?
    package var auditEvents: Int64
    package var schemaVersion: Int
    package var files: [File]
    /// Recordings the snapshot's closed sessions name (with a hash) that were not on disk:
    /// `tracegate audit verify` would report them too; the backup says so at once.
    package var missingRecordings: [String] = []

    enum CodingKeys: String, CodingKey {
        case format, files
        case missingRecordings = "missing_recordings"
        case createdAt = "created_at"
        case auditHead = "audit_head"
        case auditEvents = "audit_events"
        case schemaVersion = "schema_version"
    }

    package static let fileName = "manifest.json"
    package static let checksumsFileName = "SHA256SUMS"

    func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// `sha256sum`'s own format: hash, two spaces, path.
    var checksums: String {
        files.map { "\($0.sha256)  \($0.path)\n" }.joined()
    }

    package static func read(fromDirectory directory: String) throws -> BackupManifest {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + fileName))
        return try JSONDecoder().decode(BackupManifest.self, from: data)
    }
}
