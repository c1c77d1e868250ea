import ArgumentParser

struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Several gateway nodes sharing one trail in PostgreSQL (`cluster:` in the configuration).",
        subcommands: [ClusterMigrateCommand.self, ClusterStatusCommand.self])
}
