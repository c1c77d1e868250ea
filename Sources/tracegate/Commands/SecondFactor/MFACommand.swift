import ArgumentParser

/// `tracegate mfa …`: operators' side of the second factor, on the gateway host.
struct MFACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mfa",
        abstract: "Second factor (verification codes): open enrolment, remove a factor, list who is enrolled.",
        subcommands: [MFAResetCommand.self, MFAListCommand.self])
}
