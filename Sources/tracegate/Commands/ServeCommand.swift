import ArgumentParser
import Gateway
import Logging

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the gateway (SIGHUP reloads the configuration, SIGTERM stops).")

    @OptionGroup var options: ConfigOption

    func run() throws {
        // Before any thread or file exists: this may exec the process again (see there).
        MemoryCopyTuning.restartWithTunable()
        let configuration = try options.load()
        let logger = GatewayLogging.bootstrap(level: configuration.logLevel, format: configuration.logFormat)
        do {
            let service = try GatewayService(configuration: configuration, logger: logger)
            service.run()
        } catch {
            printError("tracegate: \(error)")
            throw ExitCode(1)
        }
    }
}
