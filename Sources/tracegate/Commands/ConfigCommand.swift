import ArgumentParser
import Foundation
import Policy

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with the configuration file.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the configuration and policy (errors as FILE:LINE:COLUMN), print a summary, or explain one decision.")

        @OptionGroup var options: ConfigOption

        @Option(name: .long, parsing: .upToNextOption,
                help: "Explain the decision for USER TARGET LOGIN instead of printing the summary.")
        var explain: [String] = []

        @Option(name: .customLong("explain-oversight"), parsing: .upToNextOption,
                help: "Explain what CALLER may do to running sessions: CALLER, or CALLER SESSION-USER TARGET.")
        var explainOversight: [String] = []

        @Option(name: .long, help: "With --explain: the time to judge at (ISO 8601, e.g. 2026-12-24T21:00:00+01:00).")
        var at: String?

        @Option(name: .long, help: "With --explain: the ticket given.")
        var ticket: String?

        @Option(name: .long, help: "With --explain: the engineer's source address.")
        var source: String?

        func run() throws {
            let configuration = try options.load()
            if !explainOversight.isEmpty {
                guard explainOversight.count == 1 || explainOversight.count == 3 else {
                    throw ValidationError("--explain-oversight takes CALLER, or CALLER SESSION-USER TARGET")
                }
                do {
                    print(try OversightExplanation(configuration: configuration, words: explainOversight).text())
                } catch let error as ExplanationError {
                    throw ValidationError(error.description)
                }
                return
            }
            guard !explain.isEmpty else {
                print(ConfigurationSummary(configuration: configuration).text, terminator: "")
                return
            }
            guard explain.count == 3 else {
                throw ValidationError("--explain takes USER TARGET LOGIN")
            }
            print(try explanation(in: configuration))
        }

        private func explanation(in configuration: GatewayConfiguration) throws -> String {
            let policy = AccessPolicy(configuration: configuration)
            guard let user = configuration.users.first(where: { $0.name == explain[0] }) else {
                throw ValidationError("no user named \(explain[0])")
            }
            var time = Date()
            if let at {
                guard let parsed = ISO8601DateFormatter().date(from: at) else {
                    throw ValidationError("--at: expected an ISO 8601 time such as 2026-12-24T21:00:00+01:00")
                }
                time = parsed
            }
            let request = AccessRequest(request: TargetRequest(login: explain[2], target: explain[1]), user: user,
                                        time: time, sourceAddress: source, ticket: ticket)
            switch policy.authorize(request) {
            case .allowed(let target, let login, let grant):
                var lines = ["allowed: \(user.name) (\(user.organization)) as \(login) on \(target.name) by \(grant.name)"]
                if !grant.conditionSummary.isEmpty { lines.append("conditions: " + grant.conditionSummary.joined(separator: "; ")) }
                if let deadline = grant.deadline(startedAt: time) {
                    lines.append("a session started then would end at \(ISO8601DateFormatter().string(from: deadline.date)): \(deadline.reason)")
                }
                return lines.joined(separator: "\n")
            case .denied(let reason):
                return "denied: " + reason.message.replacingOccurrences(of: "tracegate: ", with: "")
            }
        }
    }
}

/// `config check`'s summary: what both organisations review before merging a change.
struct ConfigurationSummary {
    let configuration: GatewayConfiguration

    var text: String {
        var lines = ["OK \(configuration.sourcePath)"] + operationsLines
        let usersByOrganization = Dictionary(grouping: configuration.users, by: \.organization)
        lines.append("users: \(configuration.users.count)")
        for organization in configuration.organizations {
            let names = (usersByOrganization[organization] ?? []).map(\.name).sorted()
            lines.append("  \(organization): \(names.count)\(names.isEmpty ? "" : " (" + names.joined(separator: ", ") + ")")")
        }
        let targetsByOwner = Dictionary(grouping: configuration.targets, by: { $0.owner ?? "(no owner)" })
        lines.append("targets: \(configuration.targets.count)")
        for owner in targetsByOwner.keys.sorted() {
            let names = (targetsByOwner[owner] ?? []).map(\.name).sorted()
            lines.append("  \(owner): \(names.count) (\(names.joined(separator: ", ")))")
        }
        lines.append("grants: \(configuration.grants.count)")
        for grant in configuration.grants {
            var parts = ["\(grant.name): \(grant.mode)"]
            if !grant.logins.isEmpty { parts.append("logins " + grant.logins.joined(separator: ",")) }
            parts.append(contentsOf: grant.conditionSummary)
            lines.append("  " + parts.joined(separator: "; "))
        }
        lines.append(contentsOf: OversightSummary.lines(configuration))
        lines.append(contentsOf: FloodSettingsSummary(configuration: configuration).lines)
        return lines.joined(separator: "\n") + "\n"
    }
}
