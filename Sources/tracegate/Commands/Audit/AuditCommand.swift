import ArgumentParser

/// `tracegate audit …`: read and check the audit trail. Every subcommand that reads the trail
/// first records who is reading it and with which filter (an `audit.query` event), and refuses
/// to read if that record cannot be written.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Query and verify the audit trail.",
        discussion: """
            The database is STATE_DIR/audit.db from the configuration (--config), or the file given
            with --database. With cluster: in the configuration (and no --database), connections,
            sessions, events, files, reviews, show, search and verify answer for every node from PostgreSQL,
            each row with its node. Times are UTC. Exit status: 0 success, 1 verification failed,
            2 the trail could not be read or the query could not be recorded.
            """,
        subcommands: [
            AuditConnectionsCommand.self, AuditSessionsCommand.self, AuditEventsCommand.self,
            AuditShowCommand.self, AuditFilesCommand.self, AuditSearchCommand.self, AuditVerifyCommand.self, AuditBenchCommand.self,
            AuditBackupCommand.self, AuditPruneCommand.self, AuditReviewsCommand.self, AuditBundleCommand.self,
        ]
    )
}
