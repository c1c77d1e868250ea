import ArgumentParser
import Gateway
import Policy

/// `tracegate live|watch|terminate|lock|unlock|locks` on the gateway host: the same
/// commands as in the gateway shell, sent to the running `serve` through its control socket
/// (`state_dir/control.sock`). Words after the command are passed as typed, so
/// `tracegate lock user bob --for 2h --reason "laptop stolen"` reads like the shell's.
enum OversightForwarding {
    static func run(_ command: String, _ words: [String]) throws {
        var rest = words
        var configPath = "config/tracegate.yaml"
        if let index = rest.firstIndex(of: "--config"), index + 1 < rest.count {
            configPath = rest[index + 1]
            rest.removeSubrange(index...(index + 1))
        }
        let configuration: GatewayConfiguration
        do {
            configuration = try ConfigurationLoader.load(path: configPath)
        } catch {
            for problem in error.errors { printError(problem.description) }
            throw ExitCode(1)
        }
        let status = ControlClient.run(stateDirectory: configuration.stateDirectory, words: [command] + rest)
        if status != 0 { throw ExitCode(status) }
    }
}

struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "live", abstract: "Running sessions (through the running gateway).")
    @Argument(parsing: .captureForPassthrough) var words: [String] = []
    func run() throws { try OversightForwarding.run("live", words) }
}

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watch", abstract: "Follow a running session: watch SESSION (Ctrl-C leaves).")
    @Argument(parsing: .captureForPassthrough) var words: [String] = []
    func run() throws { try OversightForwarding.run("watch", words) }
}

struct TerminateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "terminate", abstract: "End a running session: terminate SESSION --reason TEXT.")
    @Argument(parsing: .captureForPassthrough) var words: [String] = []
    func run() throws { try OversightForwarding.run("terminate", words) }
}

struct LockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lock", abstract: "Lock a user or a target: lock user|target NAME [--for 2h] --reason TEXT.")
    @Argument(parsing: .captureForPassthrough) var words: [String] = []
    func run() throws { try OversightForwarding.run("lock", words) }
}

struct UnlockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unlock", abstract: "Lift a lock: unlock LOCK-ID, or unlock user|target NAME.")
    @Argument(parsing: .captureForPassthrough) var words: [String] = []
    func run() throws { try OversightForwarding.run("unlock", words) }
}

struct LocksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "locks", abstract: "Locks in force.")
    @Argument(parsing: .captureForPassthrough) var words: [String] = []
    func run() throws { try OversightForwarding.run("locks", words) }
}
