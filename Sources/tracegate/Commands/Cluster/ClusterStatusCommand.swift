import ArgumentParser
import ClusterStore

struct ClusterStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "One line per node: last seen, configuration hash, sessions open, events shipped and lag.",
        discussion: """
            Read from the nodes table in PostgreSQL, which each node's shipper updates every few seconds.
            Ages are measured by PostgreSQL's clock. Nodes whose configuration hashes differ are
            flagged MISMATCH.
            """)

    @OptionGroup var options: ConfigOption

    func run() throws {
        let cluster = try ClusterConnection.settings(try options.load(), path: options.config)
        let connection = try ClusterConnection.openMigrated(cluster, configPath: options.config)
        let report: ClusterStatusReport
        do {
            report = ClusterStatusReport(nodes: try NodeStatus.all(connection))
        } catch {
            printError("tracegate: \(error)")
            throw ExitCode(2)
        }
        for line in report.lines { print(line) }
    }
}
