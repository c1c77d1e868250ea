import ArgumentParser
import ClusterStore

struct ClusterMigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or update the cluster's schema in PostgreSQL (migrations/postgresql, in order).",
        discussion: "Safe to run again, and from several nodes at once: applied migrations are skipped.")

    @OptionGroup var options: ConfigOption

    func run() throws {
        let cluster = try ClusterConnection.settings(try options.load(), path: options.config)
        let connection = try ClusterConnection.open(cluster)
        let applied: [String]
        do {
            applied = try PostgresMigrator().migrate(connection)
        } catch {
            printError("tracegate: \(error)")
            throw ExitCode(2)
        }
        for name in applied { print("applied \(name)") }
        print(applied.isEmpty ? "schema up to date (version \(try version(connection)))"
                              : "schema at version \(try version(connection))")
    }

    private func version(_ connection: PostgresConnection) throws -> Int {
        do {
            return try PostgresMigrator.version(of: connection)
        } catch {
            printError("tracegate: \(error)")
            throw ExitCode(2)
        }
    }
}
