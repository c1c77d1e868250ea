import ArgumentParser
import Gateway

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "The gateway's own keys.", subcommands: [Show.self, RotateCA.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the gateway's upstream public key, for the targets' authorized_keys.",
            discussion: """
                With --ca: the user CA's public key line(s) instead, for the file named by the targets' \
                TrustedUserCAKeys (upstream_auth: certificate). During a rotation both lines are printed.
                """)

        @Flag(name: .long, help: "Print the user CA line(s) for the targets' TrustedUserCAKeys.")
        var ca = false

        @OptionGroup var options: ConfigOption

        func run() throws {
            let configuration = try options.load()
            do {
                if ca {
                    let authority = try UserCertificateAuthority.loadOrCreate(stateDirectory: configuration.stateDirectory)
                    for line in CALines.lines(of: authority) { print(line) }
                    return
                }
                let keys = try GatewayKeys.loadOrCreate(stateDirectory: configuration.stateDirectory)
                print("\(keys.upstreamKey.publicKey.authorizedKeysLine) tracegate-upstream")
            } catch {
                printError("tracegate: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct RotateCA: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-ca",
            abstract: "Start (or with --finish, end) a rotation of the user CA.",
            discussion: """
                Without --finish: creates the next CA and prints both lines. Install both on every \
                target; the gateway keeps signing with the current CA and offers a certificate from \
                the next one to targets that trust only it. With --finish: the next CA signs from \
                now on (the old key is kept as user_ca_ed25519.retired-TIME); remove the old line.
                """)

        @Flag(name: .long, help: "Make the next CA the signing one.")
        var finish = false

        @OptionGroup var options: ConfigOption

        func run() throws {
            let configuration = try options.load()
            do {
                if finish {
                    let (authority, retired) = try UserCertificateAuthority.finishRotation(
                        stateDirectory: configuration.stateDirectory)
                    printError("tracegate: the new CA signs from now on; the old key is kept at \(retired)")
                    printError("tracegate: remove the old line from the targets; TrustedUserCAKeys needs only:")
                    for line in CALines.lines(of: authority) { print(line) }
                } else {
                    let authority = try UserCertificateAuthority.beginRotation(stateDirectory: configuration.stateDirectory)
                    printError("tracegate: install both lines in every target's TrustedUserCAKeys file, then run: tracegate keys rotate-ca --finish")
                    for line in CALines.lines(of: authority) { print(line) }
                }
            } catch {
                printError("tracegate: \(error)")
                throw ExitCode(1)
            }
        }
    }
}

/// The lines for a TrustedUserCAKeys file: the signing CA, then the next one of a rotation.
enum CALines {
    static func lines(of authority: UserCertificateAuthority) -> [String] {
        var lines = ["\(authority.current.publicKeyLine) tracegate-user-ca"]
        if let next = authority.next { lines.append("\(next.publicKeyLine) tracegate-user-ca-next") }
        return lines
    }
}
