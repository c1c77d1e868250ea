import ArgumentParser
import Audit

struct AuditBackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the audit trail and its recordings to a new directory, online, with a manifest of hashes.",
        discussion: """
            Safe while the gateway runs: the database is copied with SQLite's backup API as one
            consistent snapshot, then each recording that snapshot names. PATH must not exist or be
            empty; it receives audit.db, recordings/, manifest.json (sizes, SHA-256, the audit head
            of the copy) and SHA256SUMS (check with `cd PATH && sha256sum -c SHA256SUMS`).
            The gateway's keys (state_dir/keys) and known_hosts are not copied: back them up once,
            separately, as the secrets they are. The backup is itself an audit event.
            """)

    @OptionGroup var database: AuditDatabaseOptions

    @Argument(help: "The directory to create for the backup.")
    var path: String

    func run() throws {
        let store = try database.openExistingStore()
        try recordQuery(store, command: "backup", filter: ["path": .string(path)])
        let manifest = try auditing { () throws(AuditError) in try AuditBackup(store: store, destination: path).run() }
        let recordings = manifest.files.count - 1
        let bytes = manifest.files.reduce(Int64(0)) { $0 + $1.size }
        print("OK backup in \(path): \(manifest.auditEvents) events, head \(manifest.auditHead ?? "none"), "
              + "\(recordings) recordings, \(bytes) bytes")
        if !manifest.missingRecordings.isEmpty {
            printError("tracegate: \(manifest.missingRecordings.count) recordings named by closed sessions were missing "
                       + "and are not in the backup (listed in manifest.json under missing_recordings)")
        }
    }
}
