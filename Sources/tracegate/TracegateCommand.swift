import ArgumentParser

@main
struct TracegateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracegate",
        abstract: "A traced SSH gateway: one audited door into production.",
        subcommands: [ServeCommand.self, ConfigCommand.self, KeysCommand.self, TargetCommand.self, ReloadCommand.self, ReplayCommand.self, AuditCommand.self, MFACommand.self,
                      LiveCommand.self, WatchCommand.self, TerminateCommand.self, LockCommand.self, UnlockCommand.self, LocksCommand.self,
                      ClusterCommand.self]
    )
}
