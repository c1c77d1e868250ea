import Foundation
import Policy

/// The commands of the gateway's shell. Each returns its text and an exit status.
struct GatewayShellCommands {
    let context: ConnectionContext
    let settings: GatewaySettings
    let recentSessions: () -> [String]
    /// `mfa status|enroll` (SecondFactorShell.swift).
    var secondFactor: SecondFactorShell?
    let consent: ConsentShell?
    /// The caller's oversight desk (`live`, `terminate`, `lock`, …); rights are checked there.
    let oversight: OversightDesk?
    var web: WebSignInCommand?

    var banner: String {
        "Tracegate: you reached the gateway itself, not a target.\nType help for the commands.\n"
    }

    /// `run`, for commands that may ask a question before they finish (`mfa enroll`).
    func start(_ line: String) -> ShellReply {
        let words = line.split(separator: " ").map(String.init)
        if words.first == "mfa", let secondFactor { return secondFactor.run(Array(words.dropFirst())) }
        let (text, status) = run(line)
        return .done(text, status)
    }

    func run(_ line: String) -> (String, Int) {
        let words = line.split(separator: " ").map(String.init)
        if let refusal = secondFactorRefusal(for: words.first ?? "") { return (refusal, 1) }
        if let consent, let parsed = ConsentCommand.parse((try? ShellCommandLine.split(line)) ?? words) {
            switch parsed {
            case .success(let command): return consent.run(command)
            case .failure(let error): return ("tracegate: \(error.description)\n", 2)
            }
        }
        switch words.first ?? "" {
        case "": return ("", 0)
        case "whoami": return (whoami, 0)
        case "targets": return (targets, 0)
        case "sessions": return (sessions, 0)
        case "help": return (help, 0)
        case let name where OversightCommandLine.names.contains(name):
            return runOversight(words)
        case "web": return web?.run(Array(words.dropFirst())) ?? ("tracegate: web: not available here\n", 1)
        default:
            let shown = SafeText.quoted(words.first ?? "", limit: 32)
            return ("tracegate: unknown command \(shown); type help\n", 1)
        }
    }

    /// Commands that change something for someone else: approvals, reviews, oversight.
    private static let changingCommands: Set<String> = ["approve", "deny", "review", "watch", "terminate", "lock", "unlock"]

    /// A user the policy requires a second factor of, who reached the shell without a code (not
    /// enrolled yet: an enrolled user always answers one here), may look but change nothing.
    func secondFactorRefusal(for command: String) -> String? {
        guard Self.changingCommands.contains(command), let user = context.user,
              settings.policy.requiresSecondFactor(user), context.secondFactor?.isMet != true else { return nil }
        return "tracegate: \(command) needs a verification code; enrol (mfa enroll) and connect again\n"
    }

    private var help: String {
        """
        whoami     your user, organisation and key
        targets    what you may reach, as which logins, under which conditions, and the ssh line
        sessions   your recent sessions
        mfa status whether you are enrolled for verification codes
        mfa enroll enrol an authenticator app (within a window an operator opened)

        web        a one-time link to the auditors' web page; web --logout-all ends your web sessions

        """ + (consent == nil ? "" : ConsentShell.help) + """
        exit       leave

        """ + (hasOversightRights ? OversightCommandLine.usage : "")
    }

    private var hasOversightRights: Bool {
        guard let user = context.user else { return false }
        return settings.policy.hasOversightRights(user)
    }

    private func runOversight(_ words: [String]) -> (String, Int) {
        guard let oversight, let parsed = OversightCommandLine.parse(words) else {
            return ("tracegate: oversight is not available here\n", 1)
        }
        switch parsed {
        case .success(let command): return OversightShellAnswers(desk: oversight).run(command)
        case .failure(let error): return ("tracegate: \(error.message)\n", 1)
        }
    }

    private var whoami: String {
        guard let user = context.user else { return "unknown\n" }
        return "\(user.name) (\(user.organization)), key \(context.keyType ?? "") \(context.keyFingerprint ?? "")\n"
    }

    private var targets: String {
        guard let user = context.user else { return "" }
        let reachable = settings.policy.reachableTargets(for: user, at: Date(), sourceAddress: context.clientAddress)
        guard !reachable.isEmpty else { return "You may not reach any target.\n" }
        let listen = settings.configuration.listen
        var rows = [["TARGET", "LOGINS", "MODE", "CONDITIONS", "CONNECT WITH"]]
        for entry in reachable {
            let modes = Set(entry.grants.map(\.mode.rawValue)).sorted().joined(separator: ",")
            let conditions = entry.grants.flatMap(\.conditionSummary)
            let command = entry.logins.first.map { "ssh -p \(listen.port) \($0)@\(entry.target.name)@\(listen.host)" }
                ?? "ssh -J \(user.name)@\(listen.host):\(listen.port) LOGIN@\(entry.target.host)"
            rows.append([entry.target.name, entry.logins.isEmpty ? "-" : entry.logins.joined(separator: ","), modes,
                         conditions.isEmpty ? "-" : conditions.joined(separator: "; "), command])
        }
        return Self.align(rows)
    }

    private var sessions: String {
        let lines = recentSessions()
        return lines.isEmpty ? "No sessions yet.\n" : lines.joined(separator: "\n") + "\n"
    }

    /// Columns padded to their widest cell.
    static func align(_ rows: [[String]]) -> String {
        let widths = rows.reduce(into: [Int](repeating: 0, count: rows.first?.count ?? 0)) { widths, row in
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
