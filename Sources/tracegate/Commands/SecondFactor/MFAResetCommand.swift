import ArgumentParser
import Audit
import Foundation
import Policy

/// `tracegate mfa reset USER [--window 24h]`: ends the user's factor (the old codes stop
/// working at once) and opens a window in which the user enrols a new one with
/// `ssh -t gateway mfa enroll`. The operator never sees the new secret.
struct MFAResetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Remove a user's second factor and open an enrolment window for a new one.",
        discussion: """
            The user then runs `ssh -t -p PORT GATEWAY mfa enroll` within the window, scans the QR code \
            and confirms with a first code. With --no-window the factor is only removed (a user with \
            `mfa: required` is then refused wherever a code is needed until the next reset).
            """)

    @OptionGroup var database: AuditDatabaseOptions

    @Argument(help: "The user, as named in the configuration.")
    var user: String

    @Option(help: "How long the enrolment window stays open (e.g. 30m, 24h).")
    var window: String = "24h"

    @Flag(help: "Remove the factor without opening an enrolment window.")
    var noWindow = false

    func run() throws {
        let configuration = try database.configuration.load()
        guard configuration.users.contains(where: { $0.name == user }) else {
            printError("tracegate: no user \(SafeText.quoted(user)) in \(database.configuration.config)")
            throw ExitCode(2)
        }
        guard let duration = ScalarSyntax.duration(window), duration > .zero else {
            printError("tracegate: invalid --window \(SafeText.quoted(window)): expected e.g. 30m, 24h")
            throw ExitCode(2)
        }
        let access = try MFAStoreAccess.open(database)
        let invoker = AuditInvoker.current()
        let now = Date()
        if noWindow {
            let removed = try secondFactorStore { () throws(SecondFactorError) in try access.secondFactors.remove(user) }
            try access.record(.mfaReset(user: user, by: invoker.name, uid: invoker.uid, windowClosesAt: nil,
                                        secretRemoved: removed))
            print(removed ? "Removed the second factor of \(user)." : "\(user) had no second factor and no window.")
            return
        }
        let closes = now.addingTimeInterval(Double(duration.components.seconds))
        let removed = try secondFactorStore { () throws(SecondFactorError) in
            try access.secondFactors.reset(user, windowClosesAt: closes, by: invoker.name, at: now)
        }
        let closesStamp = AuditTimestamp(secondsSinceEpoch: closes.timeIntervalSince1970)
        try access.record(.mfaReset(user: user, by: invoker.name, uid: invoker.uid, windowClosesAt: closesStamp,
                                    secretRemoved: removed))
        if removed { print("Removed the old second factor of \(user): its codes no longer work.") }
        print("Enrolment window for \(user) open until \(closesStamp.iso8601Seconds).")
        let listen = configuration.listen
        print("Tell \(user) to run: ssh -t -p \(listen.port) \(user)@\(listen.host) mfa enroll")
    }
}
