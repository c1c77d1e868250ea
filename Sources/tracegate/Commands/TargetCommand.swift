import ArgumentParser
import Gateway
import Policy

struct TargetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "target", abstract: "Work with targets.", subcommands: [Trust.self])

    struct Trust: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch a target's host key, show its fingerprint and pin it in STATE_DIR/known_hosts.")

        @Argument(help: "The target's name in the configuration.")
        var name: String

        @Flag(name: .long, help: "Pin without asking for confirmation.")
        var yes = false

        @OptionGroup var options: ConfigOption

        func run() throws {
            let configuration = try options.load()
            guard let target = configuration.targets.first(where: { $0.name == name }) else {
                printError("tracegate: no target named \(name)")
                throw ExitCode(1)
            }
            if let pin = target.hostKey {
                printError("tracegate: \(name) is pinned in \(configuration.sourcePath) (\(pin.fingerprint)); edit the configuration to change it")
                throw ExitCode(1)
            }
            let presented: PublicKeyDescription
            do {
                let key = try HostKeyProbe.fetch(target, configuration: configuration)
                presented = PublicKeyDescription(algorithm: key.algorithm, blob: key.blob, fingerprint: key.fingerprint)
            } catch {
                printError("tracegate: cannot reach \(name) at \(target.address): \(error)")
                throw ExitCode(1)
            }
            print("\(name) (\(target.address)) presents \(presented.algorithm) \(presented.fingerprint)")
            if !yes && !confirm() {
                printError("tracegate: not pinned")
                throw ExitCode(1)
            }
            let path = HostKeyProbe.pinnedHostKeysPath(for: configuration)
            do {
                let key = try AuthorizedKey(algorithm: presented.algorithm, blob: presented.blob)
                try PinnedHostKeys.append(target: name, key: key, to: path)
            } catch {
                printError("tracegate: cannot pin: \(error)")
                throw ExitCode(1)
            }
            print("pinned \(name) \(presented.fingerprint) in \(path)")
        }

        private func confirm() -> Bool {
            print("Compare this fingerprint with the target's own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub).")
            print("Pin it? [y/N] ", terminator: "")
            guard let answer = readLine() else { return false }
            return ["y", "yes"].contains(answer.lowercased())
        }
    }
}

private struct PublicKeyDescription {
    let algorithm: String
    let blob: [UInt8]
    let fingerprint: String
}
