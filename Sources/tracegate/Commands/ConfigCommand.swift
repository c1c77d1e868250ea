import ArgumentParser

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with the configuration file.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the configuration and policy; errors are printed as FILE:LINE:COLUMN.")

        @OptionGroup var options: ConfigOption

        func run() throws {
            let configuration = try options.load()
            print("OK \(configuration.sourcePath): \(configuration.users.count) users, "
                + "\(configuration.targets.count) targets, \(configuration.grants.count) grants")
        }
    }
}
