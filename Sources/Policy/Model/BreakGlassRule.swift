import Foundation

/// One entry of `break_glass:`: who may enter which targets as which logins in an emergency,
/// with a reason, skipping approval, hours and the ticket pattern (never the key, the second
/// factor, the source networks or the recording). Every such session opens a review item
/// that `reviewers` (default: the members of the target owner's organisation) must close.
package struct BreakGlassRule: Hashable, Sendable {
    package var index: Int
    package var line: Int
    package var sourceFile: String
    package var subjects: GrantSubjects
    package var targetSelector: TargetSelector
    package var logins: [String]
    package var maxSession: Duration?
    package var sources: [CIDR]
    /// nil: the members of the target owner's organisation.
    package var reviewers: GrantSubjects?

    package init(index: Int, line: Int, sourceFile: String, subjects: GrantSubjects, targetSelector: TargetSelector,
                 logins: [String], maxSession: Duration? = nil, sources: [CIDR] = [], reviewers: GrantSubjects? = nil) {
        self.index = index
        self.line = line
        self.sourceFile = sourceFile
        self.subjects = subjects
        self.targetSelector = targetSelector
        self.logins = logins
        self.maxSession = maxSession
        self.sources = sources
        self.reviewers = reviewers
    }

    /// `break-glass #1 (tracegate.yaml:52)`.
    package var name: String {
        "break-glass #\(index) (\(URL(fileURLWithPath: sourceFile).lastPathComponent):\(line))"
    }

    /// The grant a break-glass session runs under: record mode, its max_session and sources,
    /// no hours, no ticket, no approval.
    package var grant: Grant {
        Grant(index: index, line: line, sourceFile: sourceFile, subjects: subjects, targetSelector: targetSelector,
              logins: logins, mode: .record, maxSession: maxSession, sources: sources)
    }

    /// Whether `reviewer` may close the review of `engineer`'s session on a target owned by `owner`.
    /// Never the engineer, never a member of the engineer's organisation unless named in
    /// `reviewers.users`.
    package func mayReview(_ reviewer: User, engineer: String, engineerOrganization: String, targetOwner: String?) -> Bool {
        guard reviewer.name != engineer else { return false }
        if let reviewers {
            guard reviewers.includes(reviewer) else { return false }
            return reviewer.organization != engineerOrganization || reviewers.users.contains(reviewer.name)
        }
        guard let targetOwner else { return false }
        return reviewer.organization == targetOwner && reviewer.organization != engineerOrganization
    }
}

extension AccessPolicy {
    /// The first `break_glass:` entry that lets the user reach the target as the login from the
    /// source address; nil when none does.
    package func breakGlassRule(for access: AccessRequest) -> BreakGlassRule? {
        guard let target = target(named: access.request.target), let user = usersByName[access.user.name],
              let login = access.request.login ?? target.defaultLogin else { return nil }
        return configuration.breakGlass.first { rule in
            rule.subjects.includes(user) && rule.targetSelector.selects(target) && rule.logins.contains(login)
                && rule.grant.allowsSource(access.sourceAddress)
        }
    }

    /// The rule a past break-glass session ran under, to authorise its review now.
    package func breakGlassRule(named name: String) -> BreakGlassRule? {
        configuration.breakGlass.first { $0.name == name }
    }
}
