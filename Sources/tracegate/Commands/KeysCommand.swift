import ArgumentParser
import Gateway

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "The gateway's own keys.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the gateway's upstream public key, for the targets' authorized_keys.")

        @OptionGroup var options: ConfigOption

        func run() throws {
            let configuration = try options.load()
            do {
                let keys = try GatewayKeys.loadOrCreate(stateDirectory: configuration.stateDirectory)
                print("\(keys.upstreamKey.publicKey.authorizedKeysLine) tracegate-upstream")
            } catch {
                printError("tracegate: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
