import ArgumentParser
import Foundation
import Gateway

struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Check the configuration, then tell the running gateway to reload it (SIGHUP).")

    @OptionGroup var options: ConfigOption

    func run() throws {
        // Refuse early with the errors here rather than only in the gateway's log.
        let configuration = try options.load()
        guard let pid = PidFile.runningGateway(stateDirectory: configuration.stateDirectory) else {
            printError("tracegate: no running gateway found (\(PidFile.path(stateDirectory: configuration.stateDirectory)))")
            throw ExitCode(1)
        }
        guard kill(pid, SIGHUP) == 0 else {
            printError("tracegate: cannot signal pid \(pid): \(String(cString: strerror(errno)))")
            throw ExitCode(1)
        }
        print("reload requested (pid \(pid))")
    }
}
