import Foundation
import Policy

/// `config check --explain-oversight CALLER [SESSION-USER TARGET]`: what CALLER may do to
/// other people's running sessions, and by which `oversight:` entry.
struct OversightExplanation {
    let configuration: GatewayConfiguration
    let words: [String]

    func text() throws -> String {
        let policy = AccessPolicy(configuration: configuration)
        guard let caller = policy.user(named: words[0]) else { throw ExplanationError("no user named \(words[0])") }
        let who = "\(caller.name) (\(caller.organization))"
        guard words.count == 3 else {
            let rules = policy.oversightRules(for: caller)
            guard !rules.isEmpty else { return "\(who) has no oversight right (nobody has one without an oversight: entry)" }
            return ([who + ":"] + rules.map { "  \($0.name): may \($0.rightsText) over " + OversightSummary.scope($0) })
                .joined(separator: "\n")
        }
        guard let owner = policy.user(named: words[1]) else { throw ExplanationError("no user named \(words[1])") }
        guard let target = policy.target(named: words[2]) else { throw ExplanationError("no target named \(words[2])") }
        var lines: [String] = []
        for right in OversightRight.allCases where right != .lock {
            if let rule = policy.oversightRule(right, holder: caller, sessionOwner: owner.name, target: target) {
                lines.append("\(right.rawValue): allowed by \(rule.name)")
            } else {
                lines.append("\(right.rawValue): denied (no oversight: entry gives it to \(caller.name) over \(owner.name) on \(target.name))")
            }
        }
        lines.append("lock user \(owner.name): " + (policy.lockRule(holder: caller, user: owner.name).map { "allowed by \($0.name)" }
            ?? "denied (needs an entry with lock whose sessions.of selects \(owner.name) and that names no targets)"))
        lines.append("lock target \(target.name): " + (policy.lockRule(holder: caller, target: target.name).map { "allowed by \($0.name)" }
            ?? "denied (needs an entry with lock whose sessions.targets select \(target.name) and that names no of)"))
        return lines.joined(separator: "\n")
    }
}

struct ExplanationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The `oversight:` lines of `config check`'s summary.
enum OversightSummary {
    static func lines(_ configuration: GatewayConfiguration) -> [String] {
        var lines = ["oversight: \(configuration.oversight.count)" + (configuration.oversight.isEmpty ? " (nobody may list, watch, terminate or lock)" : "")]
        for rule in configuration.oversight {
            lines.append("  \(rule.name): \(subjects(rule.holders)) may \(rule.rightsText) over \(scope(rule))")
        }
        if !configuration.watchNotice { lines.append("  watch_notice: off (engineers are not told who watches; the trail records it)") }
        return lines
    }

    static func scope(_ rule: OversightRule) -> String {
        var parts: [String] = []
        if let of = rule.sessionsOf { parts.append("sessions of " + subjects(of)) }
        if let targets = rule.targets { parts.append("on " + targetText(targets)) }
        return parts.joined(separator: " ")
    }

    private static func subjects(_ subjects: GrantSubjects) -> String {
        (subjects.users.map { "user \($0)" } + subjects.groups.map { "group \($0)" } + subjects.organizations.map { "org \($0)" })
            .joined(separator: ", ")
    }

    private static func targetText(_ selector: TargetSelector) -> String {
        var parts = selector.names.map { "target \($0)" } + selector.owners.map { "targets owned by \($0)" }
        if !selector.labels.isEmpty { parts.append("targets labelled \(selector.labels)") }
        return parts.joined(separator: ", ")
    }
}
