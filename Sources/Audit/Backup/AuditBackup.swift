import Foundation

/// `tracegate audit backup PATH`: an online, consistent copy of the audit trail and of the
/// recordings its sessions name, with a manifest of sizes and SHA-256 hashes.
///
/// Layout of PATH (a new directory, mode 0700):
///   audit.db            the database, as of one snapshot
///   recordings/NAME     each recording the snapshot's session rows name that exists
///   manifest.json       every file with size and SHA-256, the audit head and event count
///   SHA256SUMS          the same hashes for `sha256sum -c`
///
/// Recordings are copied after the snapshot: a session that was still running at the
/// snapshot has no hash on its row, and its file holds whatever was written by the copy.
package struct AuditBackup {
    package let store: AuditStore
    package let destination: String

    package init(store: AuditStore, destination: String) {
        self.store = store
        self.destination = destination
    }

    package func run(now: Date = Date()) throws(AuditError) -> BackupManifest {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: destination) {
            let contents = (try? fileManager.contentsOfDirectory(atPath: destination)) ?? ["?"]
            guard contents.isEmpty else {
                throw .backupFailed(reason: "\(destination) exists and is not an empty directory")
            }
        }
        do {
            try fileManager.createDirectory(atPath: destination + "/recordings", withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])
            _ = chmod(destination, 0o700)
        } catch {
            throw .backupFailed(reason: "cannot create \(destination): \(error.localizedDescription)")
        }
        let snapshot = try store.backupDatabase(to: destination + "/audit.db")
        let database = try FileDigest(ofFileAt: destination + "/audit.db")
        var files = [BackupManifest.File(path: "audit.db", size: database.size, sha256: database.sha256)]
        var taken = Set<String>()
        let missing = snapshot.recordings.filter { $0.sha256 != nil && !fileManager.fileExists(atPath: $0.path) }.map(\.path)
        for reference in snapshot.recordings where fileManager.fileExists(atPath: reference.path) {
            let name = (reference.path as NSString).lastPathComponent
            // Names are c-<connection>-s-<session>.cast and unique; a clash would mean a
            // hand-edited row, and must not overwrite another recording's copy.
            guard taken.insert(name).inserted else { continue }
            let relative = "recordings/" + name
            do {
                try fileManager.copyItem(atPath: reference.path, toPath: destination + "/" + relative)
                _ = chmod(destination + "/" + relative, 0o600)
            } catch {
                throw .backupFailed(reason: "cannot copy \(reference.path): \(error.localizedDescription)")
            }
            let digest = try FileDigest(ofFileAt: destination + "/" + relative)
            files.append(.init(path: relative, size: digest.size, sha256: digest.sha256, restorePath: reference.path))
        }
        let manifest = BackupManifest(
            createdAt: ISO8601DateFormatter().string(from: now),
            auditHead: snapshot.head.id == 0 ? nil : snapshot.head.hash, auditEvents: snapshot.head.id,
            schemaVersion: snapshot.schemaVersion, files: files, missingRecordings: missing)
        do {
            try manifest.jsonData().write(to: URL(fileURLWithPath: destination + "/" + BackupManifest.fileName))
            try Data(manifest.checksums.utf8).write(to: URL(fileURLWithPath: destination + "/" + BackupManifest.checksumsFileName))
        } catch {
            throw .backupFailed(reason: "cannot write the manifest: \(error.localizedDescription)")
        }
        return manifest
    }
}
