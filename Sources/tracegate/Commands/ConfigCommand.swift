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
            let problems = ConfigurationSummary.keyExchangeProblems(in: configuration)
            guard problems.isEmpty else {
                for problem in problems { printError(problem) }
                throw ExitCode(1)
            }
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
            print(try explanation(in: configuration) + breakGlassExplanation(in: configuration))
        }

        /// A second line when a `break_glass:` entry would let the user in with a reason.
        private func breakGlassExplanation(in configuration: GatewayConfiguration) -> String {
            guard let user = configuration.users.first(where: { $0.name == explain[0] }) else { return "" }
            let request = AccessRequest(request: TargetRequest(login: explain[2], target: explain[1]), user: user,
                                        time: Date(), sourceAddress: source, ticket: ticket)
            let policy = AccessPolicy(configuration: configuration)
            guard let rule = policy.breakGlassRule(for: request) else { return "" }
            let owner = configuration.targets.first { $0.name == explain[1] }?.owner ?? "the target's owner"
            let reviewers = rule.reviewers.map { ApprovalRule(approvers: $0).approversDescription } ?? owner
            var line = "\nbreak-glass: with a reason (TRACEGATE_BREAK_GLASS) \(user.name) may enter by \(rule.name), "
                + "skipping approval, hours and ticket; the session is flagged and reviewed by \(reviewers)"
            if let maxSession = rule.maxSession { line += "; max_session \(Grant.render(maxSession))" }
            return line
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
                if let approval = grant.approval {
                    lines.append(
                        "approval: needed by \(approval.approversDescription) before each session (never \(user.name), "
                            + (approval.approvers.organizations.isEmpty ? "" : "nor anyone of \(user.organization), ")
                            + "one approval covers new sessions for \(Grant.render(approval.valid)), a request waits \(Grant.render(approval.wait)))")
                }
                lines.append("files (sftp, scp, rsync): " + grant.files.summary)
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
        var lines = ["OK \(configuration.sourcePath)"] + operationsLines + keyExchangeLines
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
        let certified = configuration.targets.filter { configuration.upstreamAuthentication(for: $0) == .certificate }
        if !certified.isEmpty {
            let minutes = configuration.certificates.validity.components.seconds / 60
            let source = configuration.certificates.sourceAddresses.isEmpty
                ? "" : ", source-address " + configuration.certificates.sourceAddresses.joined(separator: ",")
            lines.append("  logged in with a \(minutes)-minute certificate\(source): \(certified.count) (\(certified.map(\.name).sorted().joined(separator: ", ")))")
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
        lines.append(contentsOf: secondFactorLines)
        return lines.joined(separator: "\n") + "\n"
    }
}
